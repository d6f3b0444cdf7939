"""The "beneficiary family" rule, as a pure function.

Beneficiari: families with at least one child under 18, resident in a member municipality.
Children are recorded by birth year only, so a child's exact age is unknown: a child counts
as a minor up to 31 December of the year in which they turn 18 (the benefit of the doubt goes
to the family, as municipal notices written as "nati dal 1° gennaio ..." do).
"""

from collections.abc import Iterable

ADULT_AGE = 18


def is_minor_in_year(birth_year: int, year: int) -> bool:
    age_reached_this_year = year - birth_year
    return 0 <= age_reached_this_year <= ADULT_AGE


def is_beneficiary(
    *, child_birth_years: Iterable[int], resident_in_member_municipality: bool, year: int
) -> bool:
    if not resident_in_member_municipality:
        return False
    return any(is_minor_in_year(birth_year, year) for birth_year in child_birth_years)
