"""`{% load gaf_units %}`: quantities and prices in a product's unit (gaf.units).

- `{{ code|unit }}` "vasetto", "kg" (as in "€/vasetto"); `{{ code|unit:quantity }}`
  "vasetti" (after that quantity), for sentences that write the number themselves.
- `{{ quantity|in_unit:code }}` "3 vasetti", "1,5 kg" and `{{ price|money_per:code }}`
  "6,50 €/vasetto": on one line, as hub's `|qty_unit` and `|money` (hub.formatting).
"""

from django import template

from gaf import units
from hub.templatetags.formatting import money, qty_unit

register = template.Library()


@register.filter
def unit(code, quantity=None) -> str:
    return units.unit_text(str(code), quantity)


@register.filter
def in_unit(quantity, code) -> str:
    if quantity is None:
        return ""
    return qty_unit(quantity, units.unit_text(str(code), quantity))


@register.filter
def money_per(price, code) -> str:
    return money(price, units.unit_text(str(code)))
