"""`{% load plan_family %}`: progress and indicator values as the Piano Family's pages
write them.

- `{{ value|percent }}` "45,5 %" ("–" without a value);
- `{{ value|percent_width }}` "45": a whole number 0–100 for a progress bar's width;
- `{% indicator_text value objective %}` "12 famiglie", "35,5 %", "sì"/"no" by the
  indicator's kind ("–" without a value).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.translation import gettext as _

from hub.charts import percent_text
from hub.formatting import quantity
from tables.progress import PERCENTAGE, YES_NO

register = template.Library()


@register.filter
def percent(value) -> str:
    return percent_text(value)


@register.filter
def percent_width(value) -> str:
    if value is None:
        return "0"
    clamped = min(Decimal(100), max(Decimal(0), Decimal(value)))
    return str(int(clamped.to_integral_value(rounding=ROUND_HALF_UP)))


@register.simple_tag
def indicator_text(value, objective) -> str:
    """`objective`: anything with indicator_kind and indicator_unit (a model or a row)."""
    if value is None:
        return "–"
    if objective.indicator_kind == YES_NO:
        return _("sì") if value else _("no")
    if objective.indicator_kind == PERCENTAGE:
        return percent_text(Decimal(value))
    return f"{quantity(value)} {objective.indicator_unit}".strip()
