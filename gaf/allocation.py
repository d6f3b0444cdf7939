"""How a product ordered by a purchase group is shared out among its families.

Pure rules: plain values in, plain values out, no database. The input is the history of
one product's order *events* in a round, each `(sequence, family_id, firm, tolerance)`:
"from this moment the family wants `firm` units for sure and accepts up to `tolerance`
more". Quantities are set, not added, and are whole units of the product's unit.

The producer sells by the case. Full cases are floor(pooled firm / case size); one more
case is ordered when the remainder plus the whole pooled tolerance reaches a case. Only
firm units can start a case: tolerance alone never opens one.

Places in the queue belong to units, not families. Raising a quantity queues the extra
units at the back, with the event's sequence; lowering it takes back the most recently
added units, so a family never loses the place of the units it keeps. Tolerance units
queue the same way, in a queue of their own: a tolerance unit ranks by the sequence of
the event that added it. Ties between families at the same sequence go to the smaller
family id, so replaying the same events always gives the same allocation.

Two policies share out the cases:

- ``fifo`` (the default): firm units are served first come, first served; tolerance
  units then fill the last case, also first come.
- ``proportional``: the same number of cases, but when firm exceeds them the cut is
  shared in proportion to firm quantities, and when tolerance completes the last case the
  missing units are shared in proportion to tolerance; both by largest remainder, ties to
  the family whose oldest unit in that queue came first.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Policy(StrEnum):
    FIFO = "fifo"
    PROPORTIONAL = "proportional"


@dataclass(frozen=True)
class OrderEvent:
    """From `sequence` on, `family_id` wants `firm` units and accepts `tolerance` more."""

    sequence: int
    family_id: int
    firm: int
    tolerance: int


@dataclass(frozen=True)
class Allocation:
    firm_wanted: int
    tolerance_wanted: int
    allocated: int


@dataclass(frozen=True)
class RoundAllocation:
    """The share of each family, and the totals ordered from the producer.

    `cases` is None for a product not sold by the case.
    """

    families: dict[int, Allocation]
    cases: int | None
    allocated_total: int


@dataclass(frozen=True)
class PoolStatus:
    """What the round page shows while orders come in.

    For a product not sold by the case, `full_cases` and `missing_to_next_case` are None.
    `missing_to_next_case` counts firm units; `tolerance_completes` says whether the pooled
    tolerance would close the case already started.
    """

    firm: int
    tolerance: int
    full_cases: int | None
    missing_to_next_case: int | None
    tolerance_completes: bool


# A family's units in one queue: [sequence, count] blocks, oldest first.
_Blocks = list[list[int]]


@dataclass
class _Holding:
    firm: _Blocks
    tolerance: _Blocks


def _set_quantity(blocks: _Blocks, quantity: int, sequence: int) -> None:
    held = sum(count for _, count in blocks)
    if quantity > held:
        blocks.append([sequence, quantity - held])
        return
    to_remove = held - quantity
    while to_remove:
        block = blocks[-1]
        taken = min(block[1], to_remove)
        block[1] -= taken
        to_remove -= taken
        if block[1] == 0:
            blocks.pop()


def _check_case_size(case_size: int | None) -> None:
    if case_size is not None and (isinstance(case_size, bool) or case_size < 1):
        raise ValueError("La dimensione del collo deve essere almeno 1.")


def _replay(events: Iterable[OrderEvent | tuple[int, int, int, int]]) -> dict[int, _Holding]:
    parsed = [OrderEvent(*event) if isinstance(event, tuple) else event for event in events]
    seen = set()
    for event in parsed:
        if event.firm < 0 or event.tolerance < 0:
            raise ValueError("Le quantità ordinate non possono essere negative.")
        if (event.sequence, event.family_id) in seen:
            raise ValueError(
                f"La famiglia {event.family_id} ha due ordini con lo stesso numero "
                f"di sequenza {event.sequence}."
            )
        seen.add((event.sequence, event.family_id))
    holdings: dict[int, _Holding] = {}
    for event in sorted(parsed, key=lambda event: (event.sequence, event.family_id)):
        holding = holdings.setdefault(event.family_id, _Holding(firm=[], tolerance=[]))
        _set_quantity(holding.firm, event.firm, event.sequence)
        _set_quantity(holding.tolerance, event.tolerance, event.sequence)
    return holdings


def _total(blocks: _Blocks) -> int:
    return sum(count for _, count in blocks)


def _cases(case_size: int, firm: int, tolerance: int) -> int:
    full_cases, remainder = divmod(firm, case_size)
    return full_cases + (1 if remainder and remainder + tolerance >= case_size else 0)


def _serve_first_come(queues: dict[int, _Blocks], capacity: int) -> dict[int, int]:
    units = sorted(
        (sequence, family_id, count)
        for family_id, blocks in queues.items()
        for sequence, count in blocks
    )
    served = dict.fromkeys(queues, 0)
    for _, family_id, count in units:
        taken = min(count, capacity)
        served[family_id] += taken
        capacity -= taken
    return served


def _serve_proportionally(queues: dict[int, _Blocks], capacity: int) -> dict[int, int]:
    wanted = {family_id: _total(blocks) for family_id, blocks in queues.items()}
    pooled = sum(wanted.values())
    served = dict.fromkeys(queues, 0)
    if capacity == 0:
        return served
    remainders = {}
    for family_id, quantity in wanted.items():
        served[family_id], remainders[family_id] = divmod(capacity * quantity, pooled)
    leftover = capacity - sum(served.values())

    def rank(family_id: int) -> tuple[int, int, int]:
        oldest = queues[family_id][0][0] if queues[family_id] else 0
        return (-remainders[family_id], oldest, family_id)

    for family_id in sorted(served, key=rank)[:leftover]:
        served[family_id] += 1
    return served


def allocate(
    case_size: int | None,
    events: Iterable[OrderEvent | tuple[int, int, int, int]],
    policy: Policy | str = Policy.FIFO,
) -> RoundAllocation:
    """Share out one product among the families that ordered it (see the module docstring)."""
    _check_case_size(case_size)
    if policy not in tuple(Policy):
        raise ValueError(f"Criterio di ripartizione sconosciuto: {policy!r}.")
    serve = _serve_first_come if policy == Policy.FIFO else _serve_proportionally
    holdings = _replay(events)
    firm = {family_id: holding.firm for family_id, holding in holdings.items()}
    tolerance = {family_id: holding.tolerance for family_id, holding in holdings.items()}
    pooled_firm = sum(map(_total, firm.values()))

    if case_size is None:
        cases, allocated_total = None, pooled_firm
    else:
        cases = _cases(case_size, pooled_firm, sum(map(_total, tolerance.values())))
        allocated_total = cases * case_size

    served_firm = serve(firm, min(pooled_firm, allocated_total))
    served_tolerance = serve(tolerance, max(allocated_total - pooled_firm, 0))
    families = {
        family_id: Allocation(
            firm_wanted=_total(firm[family_id]),
            tolerance_wanted=_total(tolerance[family_id]),
            allocated=served_firm[family_id] + served_tolerance[family_id],
        )
        for family_id in sorted(holdings)
    }
    return RoundAllocation(families=families, cases=cases, allocated_total=allocated_total)


def pool_status(
    case_size: int | None, events: Iterable[OrderEvent | tuple[int, int, int, int]]
) -> PoolStatus:
    """Pooled quantities and how far the group is from the next case."""
    _check_case_size(case_size)
    holdings = _replay(events)
    firm = sum(_total(holding.firm) for holding in holdings.values())
    tolerance = sum(_total(holding.tolerance) for holding in holdings.values())
    if case_size is None:
        return PoolStatus(firm, tolerance, None, None, tolerance_completes=False)
    full_cases, remainder = divmod(firm, case_size)
    return PoolStatus(
        firm=firm,
        tolerance=tolerance,
        full_cases=full_cases,
        missing_to_next_case=case_size - remainder,
        tolerance_completes=_cases(case_size, firm, tolerance) > full_cases,
    )
