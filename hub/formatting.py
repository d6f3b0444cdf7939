"""Numbers as people read them on the hub's pages, in the active language.

One place for quantities and euro amounts, so that every page writes "5,4 kg" and
"1.234,10 €" the same way; the templates use them as the `|qty` and `|euro` filters, and as
`|money` and `|qty_unit`, which also keep the number and its unit on one line
(hub/templatetags/formatting.py).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats

NO_BREAK_SPACE = "\u00a0"


def _decimal(value: Decimal | int | str) -> Decimal:
    """The value as a Decimal; floats are refused (money and quantities are never floats),
    and a negative zero reads as zero ("0,00 €", never "-0,00 €")."""
    if isinstance(value, float):
        raise TypeError("Use Decimal, not float, for amounts and quantities.")
    value = Decimal(value)
    return abs(value) if value == 0 else value


def quantity(value: Decimal | int | str | None, min_places: int = 0) -> str:
    """A decimal as "5,4", "6", "1,125" (`min_places` decimals at least, more only when
    the value has them); "" for None. No thousands separator: "1500 g"."""
    if value is None:
        return ""
    value = _decimal(value)
    places = max(min_places, -value.normalize().as_tuple().exponent)
    return formats.number_format(value, decimal_pos=places, use_l10n=True)


def euro(value: Decimal | int | str | None) -> str:
    """An amount or a unit price in euros, without the sign: "2,10", "1,125", "1.234,50"
    (two decimals at least, more when a unit price has them; thousands grouped as in the
    exports and the receipts); "" for None."""
    if value is None:
        return ""
    value = _decimal(value)
    places = max(2, -value.normalize().as_tuple().exponent)
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def money(value: Decimal | int | str | None, per: str = "") -> str:
    """An amount with its sign, "1.234,50 €", or a unit price, "2,10 €/kg" (`per` is the
    unit as shown); the number and the sign are joined by a no-break space. "" for None."""
    if value is None:
        return ""
    text = f"{euro(value)}{NO_BREAK_SPACE}€"
    return f"{text}/{per}" if per else text


def quantity_with_unit(value: Decimal | int | str | None, unit: str = "") -> str:
    """A quantity and its unit, "5,4 kg", joined by a no-break space; "" for None."""
    if value is None:
        return ""
    text = quantity(value)
    return f"{text}{NO_BREAK_SPACE}{unit}" if unit else text
