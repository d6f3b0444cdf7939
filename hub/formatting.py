"""Numbers as people read them on the hub's pages, in the active language.

One place for quantities and euro amounts, so that every page writes "5,4 kg" and
"2,10 €" the same way; the templates use them as the `|qty` and `|euro` filters
(hub/templatetags/formatting.py).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats


def quantity(
    value: Decimal | int | str | None, min_places: int = 0, *, grouped: bool = False
) -> str:
    """A decimal as "5,4", "6", "1,125" (`min_places` decimals at least, more only when
    the value has them); "" for None. `grouped` separates thousands ("1.234,50")."""
    if value is None:
        return ""
    value = Decimal(value)
    places = max(min_places, -value.normalize().as_tuple().exponent)
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=grouped)


def euro(value: Decimal | int | str | None) -> str:
    """An amount or a unit price in euros, without the sign: "2,10", "1,125", "1.234,50"
    (two decimals at least, more when a unit price has them; thousands separated);
    "" for None."""
    return quantity(value, 2, grouped=True)
