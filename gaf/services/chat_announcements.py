"""What the round services announce in the round's thread (gaf.chat_system writes it out).

Each announcement is posted after the round's change commits, in a transaction of its own
(gaf.services.chat.chat_round_announce_on_commit), with a key naming the fact: the round
opened at revision r, the 3rd case of a product, the 30 kg tier, the last hour before a
given deadline, the allocation with given totals. A task or a service that runs again
finds the key and posts nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone

from gaf.models import Order, OrderRound, RoundState, SystemKind
from gaf.selectors.live import round_live_state
from gaf.selectors.rounds import round_products
from gaf.services.chat import chat_round_announce, chat_round_announce_on_commit

ONE_HOUR = dt.timedelta(hours=1)


def announce_opened(round: OrderRound, *, reopened: bool = False) -> None:
    chat_round_announce_on_commit(
        round,
        SystemKind.ROUND_OPENED,
        key=f"opened:{round.revision}",
        data={"closes_at": round.closes_at.isoformat(), "reopened": reopened},
    )


def announce_closed(round: OrderRound) -> None:
    chat_round_announce_on_commit(round, SystemKind.ROUND_CLOSED, key=f"closed:{round.revision}")


def announce_delivery(round: OrderRound) -> None:
    chat_round_announce_on_commit(round, SystemKind.DELIVERY_RECORDED, key="delivered")


def announce_allocation_changed(round: OrderRound, families: int) -> None:
    """The families' totals changed after the delivery (a correction, a shared cost)."""
    totals = Order.objects.filter(round=round).order_by("pk").values_list("pk", "total")
    digest = hashlib.sha256(repr(list(totals)).encode()).hexdigest()[:24]
    chat_round_announce_on_commit(
        round,
        SystemKind.ALLOCATION_CHANGED,
        key=f"allocation:{digest}",
        data={"families": families},
    )


def round_last_hour_announce(*, round: OrderRound, now: dt.datetime | None = None) -> bool:
    """ "One hour left", once per deadline, while the round is open and within its last hour."""
    now = now or timezone.now()
    if round.state != RoundState.OPEN or not (
        round.closes_at - ONE_HOUR - dt.timedelta(minutes=5) <= now < round.closes_at
    ):
        return False
    chat_round_announce(
        round_id=round.pk,
        kind=SystemKind.LAST_HOUR,
        key=f"last-hour:{round.closes_at.isoformat()}",
        data={"closes_at": round.closes_at.isoformat()},
    )
    return True


def round_progress_announce(
    *, round_id: int, product_ids: Iterable[int], pools: dict[int, dict] | None = None
) -> int:
    """After orders changed `product_ids`: a case filled, a volume tier reached (posts made).

    `pools`: the round's pools as its live state has them (gaf.live_totals.pool_data, by
    round product), worked out once for the pages; read afresh when not given.
    """
    round = OrderRound.objects.select_related("group").filter(pk=round_id).first()
    if round is None or round.state != RoundState.OPEN:
        return 0
    if pools is None:
        state = round_live_state(round_id=round_id)
        pools = {} if state is None else state.pools
    wanted = sorted(set(product_ids) & set(pools))
    posted = 0
    for product in round_products(round=round).filter(pk__in=wanted):
        pool = pools[product.pk]
        full_cases, firm = pool["full_cases"], Decimal(pool["firm"])
        common = {"product": product.name, "unit": product.unit}
        if full_cases and product.case_size:
            posted += _announce(
                round,
                SystemKind.CASE_FILLED,
                f"case:{product.pk}:{full_cases}",
                {
                    **common,
                    "cases": full_cases,
                    "quantity": str((full_cases * product.case_size).normalize()),
                },
            )
        reached = [tier for tier in sorted(_tiers(product)) if tier[0] <= firm]
        if reached:
            quantity, price = reached[-1]
            posted += _announce(
                round,
                SystemKind.TIER_REACHED,
                f"tier:{product.pk}:{quantity.normalize()}",
                {**common, "quantity": str(quantity.normalize()), "price": str(price)},
            )
    return posted


def _tiers(product) -> list[tuple[Decimal, Decimal]]:
    return [(Decimal(low), Decimal(price)) for low, price in product.price_tiers]


def _announce(round: OrderRound, kind: str, key: str, data: dict) -> int:
    return int(chat_round_announce(round_id=round.pk, kind=kind, key=key, data=data) is not None)
