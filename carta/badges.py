"""Which badge a shop's offers earn, as a pure function.

Only percentage discounts count (an amount off or a special price says nothing about how
generous it is without the full price). The badge is the one with the highest threshold that
the shop's best percentage reaches; thresholds are data (carta.models.Badge).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TypeVar

B = TypeVar("B")


def badge_for(percentages: Iterable[Decimal], thresholds: Sequence[tuple[Decimal, B]]) -> B | None:
    """`thresholds` as (minimum percentage, badge); None when no threshold is reached."""
    best = max(percentages, default=None)
    if best is None:
        return None
    earned = None
    for minimum, badge in sorted(thresholds, key=lambda pair: pair[0]):
        if best >= minimum:
            earned = badge
    return earned
