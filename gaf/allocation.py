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
from operator import itemgetter


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

# An event as the replay reads it: (sequence, family_id, firm, tolerance).
Event = tuple[int, int, int, int]


def _set_quantity(blocks: _Blocks, held: int, quantity: int, sequence: int) -> None:
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


def _as_tuples(events: Iterable[OrderEvent | Event]) -> list[Event]:
    return [
        (event.sequence, event.family_id, event.firm, event.tolerance)
        if isinstance(event, OrderEvent)
        else tuple(event)
        for event in events
    ]


def _check_events(events: list[Event]) -> None:
    """ValueError on the first negative quantity or repeated (sequence, family)."""
    seen = set()
    for sequence, family_id, firm, tolerance in events:
        if firm < 0 or tolerance < 0:
            raise ValueError("Le quantità ordinate non possono essere negative.")
        if (sequence, family_id) in seen:
            raise ValueError(
                f"La famiglia {family_id} ha due ordini con lo stesso numero "
                f"di sequenza {sequence}."
            )
        seen.add((sequence, family_id))


def _replay_order(events: list[Event]) -> list[Event]:
    """The events checked, in replay order: by sequence, then family."""
    # The full check only when a cheap one finds something to look at: a round numbers
    # its changes without repeats, so its events have distinct sequences.
    if events and (
        min(map(itemgetter(2), events)) < 0
        or min(map(itemgetter(3), events)) < 0
        or len({event[0] for event in events}) != len(events)
    ):
        _check_events(events)
    # (sequence, family_id) pairs are unique, so sorting the tuples sorts by them.
    return sorted(events)


def _queues(ordered: list[Event], which: int, families: Iterable[int]) -> dict[int, _Blocks]:
    """Replay one queue (`which`: 2 firm, 3 tolerance): each family's blocks of units."""
    queues: dict[int, _Blocks] = {family_id: [] for family_id in families}
    held = dict.fromkeys(queues, 0)
    for event in ordered:
        family_id, quantity = event[1], event[which]
        before = held[family_id]
        if quantity > before:  # the common case, inline: more units queue at the back
            queues[family_id].append([event[0], quantity - before])
        elif quantity != before:
            _set_quantity(queues[family_id], before, quantity, event[0])
        held[family_id] = quantity
    return queues


def _cases(case_size: int, firm: int, tolerance: int) -> int:
    full_cases, remainder = divmod(firm, case_size)
    return full_cases + (1 if remainder and remainder + tolerance >= case_size else 0)


def _serve_first_come(queues: dict[int, _Blocks], capacity: int) -> dict[int, int]:
    units = [
        (sequence, family_id, count)
        for family_id, blocks in queues.items()
        for sequence, count in blocks
    ]
    units.sort()
    served = dict.fromkeys(queues, 0)
    for _, family_id, count in units:
        if count >= capacity:  # the last served: the units after it get nothing
            served[family_id] += capacity
            break
        served[family_id] += count
        capacity -= count
    return served


def _serve_proportionally(queues: dict[int, _Blocks], capacity: int) -> dict[int, int]:
    wanted = {family_id: sum(count for _, count in blocks) for family_id, blocks in queues.items()}
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


def _serve(
    serve, ordered: list[Event], which: int, wanted: dict[int, int], capacity: int
) -> dict[int, int]:
    # Either policy serves nothing when there is nothing to serve and everything when
    # there is room for it all (a quantity is set, not added: the last event's); only a
    # cut needs the queues, so only then are they replayed.
    if capacity == 0:
        return dict.fromkeys(wanted, 0)
    if capacity >= sum(wanted.values()):
        return wanted
    return serve(_queues(ordered, which, wanted), capacity)


def allocate_units(
    case_size: int | None,
    events: list[Event],
    policy: Policy | str = Policy.FIFO,
    *,
    in_order: bool = False,
) -> tuple[dict[int, int], dict[int, int], dict[int, int], int | None, int]:
    """`allocate` on `(sequence, family_id, firm, tolerance)` tuples, as plain values.

    Returns `(firm, tolerance, allocated, cases, allocated_total)`: the units each family
    wants firm and as tolerance and the units it is allocated, by family (in the order of
    their first event), then the cases and the units ordered. What a round's close needs
    for thousands of lines, without an object per line; the dicts may be one and the same
    when their values are (read them, never change them).

    `in_order`: the events are in replay order already, with distinct sequences and no
    negative quantity, as a round's stored history is (the database holds it to that);
    they are then taken as they are.
    """
    _check_case_size(case_size)
    if policy not in _POLICIES:
        raise ValueError(f"Criterio di ripartizione sconosciuto: {policy!r}.")
    serve = _serve_first_come if policy == Policy.FIFO else _serve_proportionally
    ordered = events if in_order else _replay_order(events)
    firm = {event[1]: event[2] for event in ordered}
    tolerance = {event[1]: event[3] for event in ordered}
    pooled_firm = sum(firm.values())

    if case_size is None:
        cases, allocated_total = None, pooled_firm
    else:
        cases = _cases(case_size, pooled_firm, sum(tolerance.values()))
        allocated_total = cases * case_size

    served_firm = _serve(serve, ordered, 2, firm, min(pooled_firm, allocated_total))
    tolerance_capacity = max(allocated_total - pooled_firm, 0)
    if tolerance_capacity == 0:
        allocated = served_firm
    else:
        # Tolerance is served only once all the firm units are.
        served_tolerance = _serve(serve, ordered, 3, tolerance, tolerance_capacity)
        allocated = {
            family_id: units + served_tolerance[family_id] for family_id, units in firm.items()
        }
    return firm, tolerance, allocated, cases, allocated_total


_POLICIES = tuple(Policy)


def allocate(
    case_size: int | None,
    events: Iterable[OrderEvent | tuple[int, int, int, int]],
    policy: Policy | str = Policy.FIFO,
) -> RoundAllocation:
    """Share out one product among the families that ordered it (see the module docstring)."""
    firm, tolerance, allocated, cases, allocated_total = allocate_units(
        case_size, _as_tuples(events), policy
    )
    return RoundAllocation(
        families={
            family_id: Allocation(
                firm_wanted=firm[family_id],
                tolerance_wanted=tolerance[family_id],
                allocated=allocated[family_id],
            )
            for family_id in sorted(firm)
        },
        cases=cases,
        allocated_total=allocated_total,
    )


def pool_status(
    case_size: int | None, events: Iterable[OrderEvent | tuple[int, int, int, int]]
) -> PoolStatus:
    """Pooled quantities and how far the group is from the next case."""
    _check_case_size(case_size)
    ordered = _replay_order(_as_tuples(events))
    firm = sum({event[1]: event[2] for event in ordered}.values())
    tolerance = sum({event[1]: event[3] for event in ordered}.values())
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


# --- One family's share, from its own units and the queues' cuts --------------------------
#
# The allocation needs every family's units; once it is made, though, a family's share
# follows from its own units and a few figures of the whole: where each queue was cut.
# The live order page gets the cuts once per change and works out each family's share
# from that family's own orders (gaf.live_totals), with no query per page.
#
# A cut is a tuple, so that it travels as JSON:
#   ("none",)                          nothing of the queue is served;
#   ("all",)                           everything is;
#   ("first", sequence, family, taken) first come: the units queued before the block
#                                      (sequence, family) are served, `taken` units of that
#                                      block, none after it;
#   ("share", capacity, pooled, rank)  proportional: each family gets
#                                      floor(capacity × wanted / pooled), and one more unit
#                                      when its rank (-remainder, oldest sequence, family)
#                                      is at most `rank` (None: nobody gets one more).

Cut = tuple

CUT_NONE: Cut = ("none",)
CUT_ALL: Cut = ("all",)


def family_blocks(events: Iterable[tuple[int, int]]) -> _Blocks:
    """One family's units in one queue, `[sequence, count]` blocks oldest first, from its
    own `(sequence, quantity)` events in order."""
    blocks: _Blocks = []
    held = 0
    for sequence, quantity in events:
        if quantity != held:
            _set_quantity(blocks, held, quantity, sequence)
            held = quantity
    return blocks


def _first_come_cut(queues: dict[int, _Blocks], capacity: int) -> Cut:
    units = sorted(
        (sequence, family_id, count)
        for family_id, blocks in queues.items()
        for sequence, count in blocks
    )
    for sequence, family_id, count in units:
        if count > capacity:
            return ("first", sequence, family_id, capacity)
        capacity -= count
    return CUT_ALL


def _proportional_cut(queues: dict[int, _Blocks], capacity: int) -> Cut:
    wanted = {family_id: sum(count for _, count in blocks) for family_id, blocks in queues.items()}
    pooled = sum(wanted.values())
    leftover = capacity - sum(capacity * quantity // pooled for quantity in wanted.values())
    if not leftover:
        return ("share", capacity, pooled, None)
    ranks = sorted(
        (-(capacity * wanted[family_id] % pooled), blocks[0][0] if blocks else 0, family_id)
        for family_id, blocks in queues.items()
    )
    return ("share", capacity, pooled, list(ranks[leftover - 1]))


def _queue_cut(
    policy: str, ordered: list[Event], which: int, wanted: dict[int, int], capacity: int
) -> Cut:
    """How `_serve` serves one queue, as a cut (the module's comment above)."""
    if capacity == 0:
        return CUT_NONE
    if capacity >= sum(wanted.values()):
        return CUT_ALL
    queues = _queues(ordered, which, wanted)
    if policy == Policy.FIFO:
        return _first_come_cut(queues, capacity)
    return _proportional_cut(queues, capacity)


def allocation_cuts(
    case_size: int | None, events: list[Event], policy: Policy | str = Policy.FIFO
) -> tuple[Cut, Cut, int]:
    """The cuts of the firm and the tolerance queues that `allocate_units` makes of the
    same events, and the units ordered."""
    _check_case_size(case_size)
    if policy not in _POLICIES:
        raise ValueError(f"Criterio di ripartizione sconosciuto: {policy!r}.")
    ordered = _replay_order(events)
    firm = {event[1]: event[2] for event in ordered}
    tolerance = {event[1]: event[3] for event in ordered}
    pooled_firm = sum(firm.values())
    if case_size is None:
        allocated_total = pooled_firm
    else:
        allocated_total = _cases(case_size, pooled_firm, sum(tolerance.values())) * case_size
    firm_cut = _queue_cut(policy, ordered, 2, firm, min(pooled_firm, allocated_total))
    tolerance_capacity = max(allocated_total - pooled_firm, 0)
    tolerance_cut = (
        CUT_NONE
        if tolerance_capacity == 0
        else _queue_cut(policy, ordered, 3, tolerance, tolerance_capacity)
    )
    return firm_cut, tolerance_cut, allocated_total


def served_by_cut(cut: Cut, family_id: int, blocks: _Blocks) -> int:
    """The units of one family's queue (its `blocks`) that a queue cut serves."""
    kind = cut[0]
    if kind == "none" or not blocks:
        return 0
    if kind == "all":
        return sum(count for _, count in blocks)
    if kind == "first":
        _kind, cut_sequence, cut_family, taken = cut
        served = 0
        for sequence, count in blocks:
            if (sequence, family_id) < (cut_sequence, cut_family):
                served += count
            elif (sequence, family_id) == (cut_sequence, cut_family):
                served += taken
        return served
    _kind, capacity, pooled, rank = cut
    wanted = sum(count for _, count in blocks)
    share, remainder = divmod(capacity * wanted, pooled)
    if rank is not None and (-remainder, blocks[0][0], family_id) <= tuple(rank):
        share += 1
    return share
