"""`{% load formatting %}`: `{{ value|qty }}` and `{{ value|euro }}` (hub.formatting)."""

from django import template

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
