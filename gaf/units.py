"""The units a product is sold and ordered by: kg, g, l, ml, pz, mazzo, confezione, vasetto...

Units are data, in one table (UNITS): each unit's code, stored in Product.unit and in the
rounds' frozen copies and written in the exports and the API; how it reads after a number
("2 kg", "1 vasetto", "3 vasetti"); whether it is ordered in whole numbers; its weight when
the unit itself fixes it (shared costs split by weight); and the words a price list may
use for it. Coordinators pick from it (Product.unit's choices, the price-list importer).

The table is code rather than rows that staff edit because each unit carries behaviour
the rest of the code relies on (whole numbers, weight in kg) and its code is frozen into
past rounds, exports and API answers: a new unit is a line here and a migration that
widens the field's choices (gaf/migrations/0002_units_as_data.py shows how).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy


def _unit(name: str) -> Promise:
    return pgettext_lazy("unità di misura", name)


class Unit(models.TextChoices):
    """The codes, labelled as they read after a quantity other than one ("3 vasetti")."""

    KG = "kg", _unit("kg")
    GRAM = "g", _unit("g")
    LITRE = "l", _unit("l")
    MILLILITRE = "ml", _unit("ml")
    PIECE = "pz", _unit("pz")
    BUNCH = "mazzo", _unit("mazzi")
    PACK = "confezione", _unit("confezioni")
    JAR = "vasetto", _unit("vasetti")
    BOTTLE = "bottiglia", _unit("bottiglie")
    TRAY = "vaschetta", _unit("vaschette")
    BAG = "sacchetto", _unit("sacchetti")


# Product.unit and RoundProduct.unit hold the codes.
CODE_MAX_LENGTH = 12


@dataclass(frozen=True)
class UnitInfo:
    code: str
    one: Promise  # after the quantity 1, and in "€/…": "kg", "vasetto"
    many: Promise  # after any other quantity: "kg", "vasetti"
    whole: bool  # ordered in whole numbers only
    kg_each: Decimal | None  # the weight of one unit when the unit fixes it
    # The words a price list may write for it, lower case, without accents, spaces or dots
    # (as gaf.pricelist reduces a cell before looking it up): "Lt." is "lt".
    aliases: tuple[str, ...]


def _measure(code: str, kg_each: Decimal | None, aliases: tuple[str, ...]) -> UnitInfo:
    label = Unit(code).label
    return UnitInfo(code, label, label, False, kg_each, aliases)


def _counted(code: str, one: str, aliases: tuple[str, ...]) -> UnitInfo:
    return UnitInfo(code, _unit(one), Unit(code).label, True, None, aliases)


UNITS: dict[str, UnitInfo] = {
    info.code: info
    for info in (
        _measure(
            "kg",
            Decimal(1),
            (
                "kg",
                "kilo",
                "kili",
                "chilo",
                "chili",
                "chilogrammo",
                "chilogrammi",
                "kilogrammo",
                "kilogrammi",
                "kilogram",
                "kilograms",
            ),
        ),
        _measure("g", Decimal("0.001"), ("g", "gr", "grammo", "grammi", "gram", "grams")),
        _measure("l", None, ("l", "lt", "litro", "litri", "liter", "liters", "litre", "litres")),
        _measure("ml", None, ("ml", "millilitro", "millilitri", "milliliter", "millilitre")),
        UnitInfo(
            "pz",
            _unit("pz"),
            _unit("pz"),
            True,
            None,
            ("pz", "pezzo", "pezzi", "n", "nr", "cad", "cadauno", "piece", "pieces", "pc", "pcs"),
        ),
        _counted("mazzo", "mazzo", ("mazzo", "mazzi", "mz", "bunch", "bunches")),
        _counted(
            "confezione",
            "confezione",
            ("confezione", "confezioni", "conf", "cf", "pack", "packs", "package"),
        ),
        _counted("vasetto", "vasetto", ("vasetto", "vasetti", "vaso", "vasi", "jar", "jars")),
        _counted(
            "bottiglia", "bottiglia", ("bottiglia", "bottiglie", "bt", "bott", "bottle", "bottles")
        ),
        _counted("vaschetta", "vaschetta", ("vaschetta", "vaschette", "tray", "trays")),
        _counted(
            "sacchetto", "sacchetto", ("sacchetto", "sacchetti", "busta", "buste", "bag", "bags")
        ),
    )
}

_BY_ALIAS = {alias: info.code for info in UNITS.values() for alias in info.aliases}


def by_alias(key: str) -> str | None:
    """The code of the unit a price list names by `key` (already reduced, see UnitInfo)."""
    return _BY_ALIAS.get(key)


def unit_text(code: str, quantity: Decimal | int | None = None) -> str:
    """The unit as it reads after `quantity` ("1 vasetto", "3 vasetti", "0,5 kg"); without
    a quantity, as in "2,10 €/vasetto". An unknown code reads as itself."""
    info = UNITS.get(code)
    if info is None:
        return code
    return str(info.one if quantity is None or quantity == 1 else info.many)


def is_whole(code: str) -> bool:
    """Whether the unit is ordered in whole numbers (pieces, jars, bunches...)."""
    info = UNITS.get(code)
    return info is not None and info.whole


def kg_each(code: str) -> Decimal | None:
    """The weight of one unit in kg when the unit fixes it (kg: 1, g: 0,001), else None."""
    info = UNITS.get(code)
    return None if info is None else info.kg_each


def codes_text() -> str:
    """The codes for a message: "kg, g, l, ml, pz, mazzo, confezione, ..."."""
    return ", ".join(UNITS)
