"""Reads of an open round's live order page: the state every page shows, read and worked out
once per change (gaf.live_totals.round_shares), and one family's own order history, read
once per page's socket."""

from __future__ import annotations

from dataclasses import dataclass

from gaf import live_totals
from gaf.loading import QUANTITY_UNIT, load_round
from gaf.models import OrderChange, OrderRound


@dataclass(frozen=True)
class LiveState:
    """The round's pools as the pages' client draws them (`pools`, by product id) and the
    shares each page works out its family's part from, at the round's change `version`."""

    version: int
    pools: dict[int, dict]
    shares: live_totals.RoundShares


def round_live_state(*, round_id: int, after: int | None = None) -> LiveState | None:
    """The round's live state now (four queries, whatever the families and the pages), or
    None when the round is gone. `after`: the change number the state is announced from
    (its shares carry the changes since); None for none (a page that resumes)."""
    round = (
        OrderRound.objects.filter(pk=round_id)
        .only("pk", "allocation_policy", "fund_percent")
        .first()
    )
    if round is None:
        return None
    loaded = load_round(round)
    version = loaded.history[-1][0] if loaded.history else 0
    shares, pools = live_totals.round_shares(
        products=loaded.terms,
        history=loaded.history,
        unit=QUANTITY_UNIT,
        policy=round.allocation_policy,
        fund_percent=round.fund_percent,
        costs=loaded.costs,
        after=version if after is None else min(after, version),
    )
    return LiveState(shares.version, pools, shares)


def family_order_history(*, round_id: int, family_id: int) -> live_totals.FamilyOrders:
    """The family's own changes in the round, complete up to the round's change number read
    first (two queries): a change committed between the two reads is in the history too,
    beyond that number, and is not applied twice."""
    known = (
        OrderRound.objects.filter(pk=round_id).values_list("last_sequence", flat=True).first() or 0
    )
    events = OrderChange.objects.filter(round_id=round_id, family_id=family_id).values_list(
        "sequence", "round_product_id", "firm", "tolerance"
    )
    return live_totals.FamilyOrders(family_id, events, known=known)
