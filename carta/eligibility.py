"""Who may have a Carta Famiglia, as a pure function of plain values.

The default rule is the hub's beneficiary rule (hub.families): at least one minor child and
residence in a member municipality. A network may add conditions, held as data
(carta.models.CardRule) and passed here as `Conditions`: a minimum number of minor
children and a highest ISEE band. The ISEE is declared by the family as a band, never as a
number, so the comparison is between bands, in the order of ISEE_BANDS.

Children are recorded by birth year only: a child counts as a minor up to 31 December of
the year in which they turn 18 (hub.families.is_minor_in_year).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hub.families import is_minor_in_year

# The bands a family may declare, lowest first (codes stored; labels in carta.models).
ISEE_BANDS = ("fino-15000", "15000-30000", "30000-40000", "oltre-40000")

NOT_RESIDENT = "not_resident"
TOO_FEW_MINORS = "too_few_minors"
ISEE_NOT_DECLARED = "isee_not_declared"
ISEE_TOO_HIGH = "isee_too_high"


@dataclass(frozen=True)
class Conditions:
    """A network's conditions. The defaults are the hub's beneficiary rule alone."""

    min_minor_children: int = 1
    max_isee_band: str = ""

    def __post_init__(self):
        if self.min_minor_children < 1:
            raise ValueError("a card needs at least one minor child")
        if self.max_isee_band and self.max_isee_band not in ISEE_BANDS:
            raise ValueError(f"unknown ISEE band {self.max_isee_band!r}")


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    minor_children: int
    reasons: tuple[str, ...] = ()


def minor_children(child_birth_years: Iterable[int], *, year: int) -> int:
    return sum(1 for birth_year in child_birth_years if is_minor_in_year(birth_year, year))


def assess(
    *,
    child_birth_years: Iterable[int],
    resident_in_member_municipality: bool,
    year: int,
    conditions: Conditions = Conditions(),
    declared_isee_band: str = "",
) -> Eligibility:
    """Every unmet condition is named in `reasons`, so the family learns all of them at once."""
    minors = minor_children(child_birth_years, year=year)
    reasons = []
    if not resident_in_member_municipality:
        reasons.append(NOT_RESIDENT)
    if minors < conditions.min_minor_children:
        reasons.append(TOO_FEW_MINORS)
    if conditions.max_isee_band:
        if declared_isee_band not in ISEE_BANDS:
            reasons.append(ISEE_NOT_DECLARED)
        elif ISEE_BANDS.index(declared_isee_band) > ISEE_BANDS.index(conditions.max_isee_band):
            reasons.append(ISEE_TOO_HIGH)
    return Eligibility(eligible=not reasons, minor_children=minors, reasons=tuple(reasons))
