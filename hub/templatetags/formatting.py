"""`{% load formatting %}`: numbers (hub.formatting) and the tables that show them.

- `{{ value|euro }}` "1.234,10" and `{{ value|qty }}` "5,4": the bare number, for a sentence
  that writes its own "€" or unit.
- `{{ value|money }}` "1.234,10 €", `{{ price|money:"kg" }}` "2,10 €/kg" and
  `{{ value|qty_unit:"kg" }}` "5,4 kg": an amount or a quantity with its unit, in a
  `<span class="hub-num">` that never breaks across lines (hub/static/hub/hub.css).
- `{% table_box label %}<table class="table hub-table">…</table>{% endtable_box %}`: a
  table of amounts or quantities. On a phone it scrolls sideways inside its own box (a
  focusable, labelled region, so keyboard users can scroll it too), never the page; words
  and amounts stay whole; a row header in the first column stays in view.
"""

from django import template
from django.utils.html import format_html

from hub import formatting

register = template.Library()


@register.filter
def qty(value) -> str:
    """A quantity: "5,4", "6" (the template writes the unit)."""
    return formatting.quantity(value)


@register.filter
def euro(value) -> str:
    """Euros with two decimals at least: "2,10" (the template writes "€" or "€/kg")."""
    return formatting.euro(value)


def _unbreakable(text: str) -> str:
    return format_html('<span class="hub-num">{}</span>', text) if text else ""


@register.filter
def money(value, per="") -> str:
    """An amount, "1.234,10 €", or with a unit a unit price, "2,10 €/kg", on one line."""
    return _unbreakable(formatting.money(value, str(per or "")))


@register.filter
def qty_unit(value, unit="") -> str:
    """A quantity with its unit, "5,4 kg", on one line."""
    return _unbreakable(formatting.quantity_with_unit(value, str(unit or "")))


class TableBoxNode(template.Node):
    def __init__(self, label: template.base.FilterExpression, nodelist: template.NodeList):
        self.label = label
        self.nodelist = nodelist

    def render(self, context) -> str:
        return format_html(
            '<div class="hub-table-box" role="region" aria-label="{}" tabindex="0">{}</div>',
            self.label.resolve(context),
            self.nodelist.render(context),
        )


@register.tag
def table_box(parser, token):
    """`{% table_box _("Movimenti") %}<table class="table hub-table">…</table>{% endtable_box %}`"""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes one argument, the label of the table's box"
        )
    nodelist = parser.parse(("endtable_box",))
    parser.delete_first_token()
    return TableBoxNode(parser.compile_filter(bits[1]), nodelist)
