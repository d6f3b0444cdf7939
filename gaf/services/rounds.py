"""Writes for order rounds: the state machine from draft to settled, and its recomputation.

draft → open → closed → sent → delivered → settled, cancelled from any state but
cancelled; closed → open (reopening) until the order is sent; an open round's deadline can
be extended. Every transition locks the round row first, so concurrent calls serialise and
each transition happens once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from gaf import rounds as rules
from gaf.bulk import gc_paused
from gaf.models import (
    AllocationPolicy,
    OrderRound,
    PickupPoint,
    Product,
    PurchaseGroup,
    RoundProduct,
    RoundState,
    SharedCost,
    SplitBasis,
    Supplier,
)
from gaf.services._common import RoundConflict, fail, local, lock_round
from gaf.services._side_effects import (
    CLOSE,
    DELIVERY_REMINDER,
    LAST_HOUR,
    REMIND_2H,
    REMIND_24H,
    REMINDERS,
    notify_families,
    reminder_time,
    schedule_round,
    send_supplier_order_on_commit,
    unschedule_round,
)
from gaf.services.chat import room_create_for_round
from gaf.services.chat_announcements import (
    announce_allocation_changed,
    announce_closed,
    announce_opened,
)
from gaf.services.results import (
    _clear_results,
    recompute,
    reprice,
)

ZERO = Decimal("0")


# --- Checks ---------------------------------------------------------------------------------


def _transition(round: OrderRound, target: str) -> None:
    if not rules.can_transition(round.state, target):
        fail(
            "state",
            _("Un giro «%(current)s» non può passare a «%(target)s».")
            % {
                "current": RoundState(round.state).label,
                "target": RoundState(target).label,
            },
            "invalid_state",
        )


def _percent(field: str, value) -> Decimal:
    try:
        value = Decimal(str(value))
    except InvalidOperation:
        fail(field, _("Indica una percentuale."))
    if not value.is_finite() or not ZERO <= value <= Decimal(100):
        fail(field, _("La quota per il Fondo Solidale deve essere tra 0 e 100%."))
    return value


def _check_dates(opens_at: dt.datetime, closes_at: dt.datetime, pickup_date: dt.date) -> None:
    errors = {}
    if timezone.is_naive(opens_at):
        errors["opens_at"] = _("Indica l'ora con il fuso orario.")
    if timezone.is_naive(closes_at):
        errors["closes_at"] = _("Indica l'ora con il fuso orario.")
    if not errors and closes_at <= opens_at:
        errors["closes_at"] = _("La chiusura deve essere dopo l'apertura.")
    if not errors and pickup_date < timezone.localdate(closes_at):
        errors["pickup_date"] = _("Il ritiro non può essere prima della chiusura degli ordini.")
    if errors:
        raise ValidationError(errors)


def _check_pickup_points(group: PurchaseGroup, points: Iterable[PickupPoint]) -> list:
    points = list(points)
    foreign = [point.name for point in points if point.group_id != group.pk]
    if foreign:
        fail(
            "pickup_points",
            _("Questi punti di ritiro non sono del gruppo: %(names)s.")
            % {"names": ", ".join(foreign)},
        )
    return points


# --- Draft ----------------------------------------------------------------------------------


def _copy_terms(round_product: RoundProduct, product: Product) -> None:
    for field in (
        "code",
        "name",
        "category",
        "unit",
        "unit_price",
        "vat_rate",
        "case_size",
        "min_per_family",
        "multiple",
        "max_total",
        "unit_weight_kg",
    ):
        setattr(round_product, field, getattr(product, field))
    round_product.price_tiers = [
        [str(tier.min_quantity), str(tier.unit_price)] for tier in product.price_tiers.all()
    ]


FROZEN_FIELDS = [
    "code",
    "name",
    "category",
    "unit",
    "unit_price",
    "vat_rate",
    "case_size",
    "min_per_family",
    "multiple",
    "max_total",
    "unit_weight_kg",
    "price_tiers",
]


def _set_products(round: OrderRound, products: Iterable[Product]) -> None:
    products = list(products)
    foreign = [product.name for product in products if product.supplier_id != round.supplier_id]
    if foreign:
        fail(
            "products",
            _("Questi prodotti non sono del fornitore del giro: %(names)s.")
            % {"names": ", ".join(foreign)},
        )
    unavailable = [product.name for product in products if not product.is_available]
    if unavailable:
        fail(
            "products",
            _("Questi prodotti non sono disponibili: %(names)s.")
            % {"names": ", ".join(unavailable)},
        )
    wanted = {product.pk: position for position, product in enumerate(products)}
    RoundProduct.objects.filter(round=round).exclude(product_id__in=wanted).delete()
    existing = {rp.product_id: rp for rp in RoundProduct.objects.filter(round=round)}
    catalogue = Product.objects.filter(pk__in=wanted).prefetch_related("price_tiers")
    to_create, to_update = [], []
    for product in catalogue:
        round_product = existing.get(product.pk) or RoundProduct(round=round, product=product)
        round_product.position = wanted[product.pk]
        _copy_terms(round_product, product)
        (to_update if round_product.pk else to_create).append(round_product)
    RoundProduct.objects.bulk_create(to_create)
    RoundProduct.objects.bulk_update(to_update, [*FROZEN_FIELDS, "position"])


@transaction.atomic
def round_create(
    *,
    group: PurchaseGroup,
    supplier: Supplier,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    pickup_date: dt.date,
    pickup_points: Iterable[PickupPoint] = (),
    products: Iterable[Product] = (),
    fund_percent: Decimal | None = None,
    allocation_policy: str | None = None,
    send_on_close: bool | None = None,
    pickup_starts_at: dt.time | None = None,
    pickup_ends_at: dt.time | None = None,
    referent=None,
    notes: str = "",
    by,
) -> OrderRound:
    """A draft round: nothing is visible to families until it opens. Percent, policy and
    whether the close sends the order (`send_on_close`) default to the group's settings."""
    title = title.strip()
    if not title:
        fail("title", _("Dai un titolo al giro."))
    if supplier.network_id != group.network_id:
        fail("supplier", _("Il fornitore non è della rete del gruppo."))
    _check_dates(opens_at, closes_at, pickup_date)
    policy = allocation_policy or group.allocation_policy
    if policy not in AllocationPolicy.values:
        fail("allocation_policy", _("Criterio di ripartizione sconosciuto."))
    round = OrderRound.objects.create(
        group=group,
        supplier=supplier,
        title=title,
        notes=notes.strip(),
        opens_at=opens_at,
        closes_at=closes_at,
        pickup_date=pickup_date,
        pickup_starts_at=pickup_starts_at,
        pickup_ends_at=pickup_ends_at,
        fund_percent=_percent(
            "fund_percent", group.default_fund_percent if fund_percent is None else fund_percent
        ),
        allocation_policy=policy,
        send_on_close=group.send_order_on_close if send_on_close is None else send_on_close,
        referent=referent,
        created_by=by,
    )
    round.pickup_points.set(_check_pickup_points(group, pickup_points))
    _set_products(round, products)
    room_create_for_round(round=round)
    return round


@transaction.atomic
def round_set_products(*, round: OrderRound, products: Iterable[Product], by) -> OrderRound:
    """Choose the round's products (a draft only: an open round's products are frozen)."""
    round = lock_round(round.pk)
    if round.state != RoundState.DRAFT:
        fail(
            "products",
            _("I prodotti e i prezzi di un giro già aperto sono congelati."),
            "frozen",
        )
    _set_products(round, products)
    return round


DRAFT_ONLY = {"opens_at", "closes_at", "fund_percent", "allocation_policy", "pickup_points"}
EDITABLE = {
    "title",
    "notes",
    "pickup_date",
    "pickup_starts_at",
    "pickup_ends_at",
    "referent",
    "send_on_close",
}


@transaction.atomic
def round_update(*, round: OrderRound, by, now: dt.datetime | None = None, **changes) -> OrderRound:
    """Change a round's details. Dates, percent, policy and points only while a draft
    (an open round's deadline moves only by closing and reopening it)."""
    unknown = set(changes) - DRAFT_ONLY - EDITABLE
    if unknown:
        raise TypeError(f"round_update: unknown fields {sorted(unknown)}")
    now = now or timezone.now()
    round = lock_round(round.pk)
    if round.state in {RoundState.SETTLED, RoundState.CANCELLED}:
        fail("state", _("Un giro saldato o annullato non si modifica più."), "invalid_state")
    frozen = sorted(set(changes) & DRAFT_ONLY) if round.state != RoundState.DRAFT else []
    if frozen:
        fail(
            frozen[0],
            _("Questo dato non si modifica dopo l'apertura del giro."),
            "frozen",
        )
    if "title" in changes and not changes["title"].strip():
        fail("title", _("Dai un titolo al giro."))
    if "fund_percent" in changes:
        changes["fund_percent"] = _percent("fund_percent", changes["fund_percent"])
    if changes.get("allocation_policy", round.allocation_policy) not in AllocationPolicy.values:
        fail("allocation_policy", _("Criterio di ripartizione sconosciuto."))
    points = changes.pop("pickup_points", None)
    for field, value in changes.items():
        setattr(round, field, value.strip() if isinstance(value, str) else value)
    _check_dates(round.opens_at, round.closes_at, round.pickup_date)
    fields = list(changes)
    if {"pickup_date", "pickup_starts_at", "pickup_ends_at", "title"} & set(changes):
        round.revision += 1
        round.revised_at = now
        fields += ["revision", "revised_at"]
        if round.state != RoundState.DRAFT:
            schedule_round(round, now=now, jobs=(DELIVERY_REMINDER,))
    if fields:
        round.save(update_fields=[*fields, "updated_at"])
    if points is not None:
        round.pickup_points.set(_check_pickup_points(round.group, points))
    return round


@transaction.atomic
def round_update_draft(
    *, round: OrderRound, products: Iterable[Product], by, **changes
) -> OrderRound:
    """A draft's details and its products together, or neither (the draft's edit page)."""
    round = round_update(round=round, by=by, **changes)
    return round_set_products(round=round, products=products, by=by)


@transaction.atomic
def shared_cost_add(
    *, round: OrderRound, label: str, amount: Decimal, basis: str = SplitBasis.WEIGHT, by
) -> SharedCost:
    """Add a shared cost (transport); a closed round's shares are recomputed at once."""
    round = lock_round(round.pk)
    if round.state in {RoundState.SETTLED, RoundState.CANCELLED}:
        fail("state", _("Un giro saldato o annullato non si modifica più."), "invalid_state")
    errors = {}
    if not label.strip():
        errors["label"] = _("Descrivi la spesa (es. trasporto).")
    try:
        amount = Decimal(str(amount))
        if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            raise InvalidOperation
    except InvalidOperation:
        errors["amount"] = _("L'importo deve essere maggiore di zero, in euro e centesimi.")
    if basis not in SplitBasis.values:
        errors["basis"] = _("Ripartizione sconosciuta: a peso o a valore.")
    if errors:
        raise ValidationError(errors)
    cost = SharedCost.objects.create(round=round, label=label.strip(), amount=amount, basis=basis)
    _after_cost_change(round)
    return cost


@transaction.atomic
def shared_cost_remove(*, shared_cost: SharedCost, by) -> None:
    round = lock_round(shared_cost.round_id)
    if round.state in {RoundState.SETTLED, RoundState.CANCELLED}:
        fail("state", _("Un giro saldato o annullato non si modifica più."), "invalid_state")
    SharedCost.objects.filter(pk=shared_cost.pk).delete()
    _after_cost_change(round)


def _after_cost_change(round: OrderRound) -> None:
    if round.state in rules.CHARGED_STATES:
        with gc_paused():
            changed = reprice(round)
        if round.state == RoundState.DELIVERED:
            _notify_changed_totals(round, changed)


# --- Open -----------------------------------------------------------------------------------


@transaction.atomic
def round_open(*, round: OrderRound, by, now: dt.datetime | None = None) -> OrderRound:
    """Freeze the products' terms, schedule the close and reminders, tell the families."""
    now = now or timezone.now()
    round = lock_round(round.pk)
    _transition(round, RoundState.OPEN)
    if round.closes_at <= now:
        fail("closes_at", _("La chiusura degli ordini è già passata: spostala in avanti."))
    if not round.pickup_points.exists():
        fail("pickup_points", _("Scegli almeno un punto di ritiro."))
    round_products = list(
        RoundProduct.objects.filter(round=round)
        .select_related("product")
        .prefetch_related("product__price_tiers")
    )
    if not round_products:
        fail("products", _("Scegli almeno un prodotto."))
    unavailable = [rp.product.name for rp in round_products if not rp.product.is_available]
    if unavailable:
        fail(
            "products",
            _("Questi prodotti non sono più disponibili: %(names)s.")
            % {"names": ", ".join(unavailable)},
        )
    for round_product in round_products:
        _copy_terms(round_product, round_product.product)
        round_product.frozen_at = now
    RoundProduct.objects.bulk_update(round_products, [*FROZEN_FIELDS, "frozen_at"])
    round.state = RoundState.OPEN
    round.opened_at = now
    round.revision += 1
    round.revised_at = now
    round.save(update_fields=["state", "opened_at", "revision", "revised_at", "updated_at"])
    schedule_round(round, now=now)
    notify_families(round, "round_opened")
    announce_opened(round)
    return round


REMINDED_FIELDS = {"closing_24h": "reminded_24h_at", "closing_2h": "reminded_2h_at"}


@transaction.atomic
def round_remind(
    *,
    round: OrderRound,
    kind: str,
    now: dt.datetime | None = None,
    deadline: dt.datetime | None = None,
) -> bool:
    """Send the 24 h or 2 h reminder once per deadline (a conditional update decides who
    sends it). A job scheduled for `deadline` sends nothing once the round's deadline has
    moved (round_extend, round_reopen): the job for the new one does."""
    now = now or timezone.now()
    field = REMINDED_FIELDS[kind]
    same_deadline = {} if deadline is None else {"closes_at": deadline}
    claimed = OrderRound.objects.filter(
        pk=round.pk,
        state=RoundState.OPEN,
        closes_at__gt=now,
        **same_deadline,
        **{f"{field}__isnull": True},
    ).update(**{field: now})
    if claimed:
        notify_families(round, kind)
    return bool(claimed)


@transaction.atomic
def delivery_remind(*, round: OrderRound, now: dt.datetime | None = None) -> bool:
    """The pickup reminder, once, to the families that receive something."""
    now = now or timezone.now()
    claimed = OrderRound.objects.filter(
        pk=round.pk,
        state__in=[RoundState.CLOSED, RoundState.SENT, RoundState.DELIVERED],
        delivery_reminded_at__isnull=True,
    ).update(delivery_reminded_at=now)
    if claimed:
        notify_families(round, "delivery_reminder")
    return bool(claimed)


# --- Close, reopen, send --------------------------------------------------------------------


@transaction.atomic
def round_close(*, round: OrderRound, by=None, now: dt.datetime | None = None) -> OrderRound:
    """Close the round: allocate, price, share out; the closed round (sent too when its
    `send_on_close` says so).

    With the round locked, only a call that finds it open closes it, so the scheduled
    close, a sweeper and a coordinator's click close it exactly once; the others get
    RoundConflict "round_not_open". Without `by` (the scheduler) it never closes before the
    deadline ("deadline_not_reached"), in case the schedule is stale.
    """
    now = now or timezone.now()
    round = lock_round(round.pk)
    if round.state != RoundState.OPEN:
        raise RoundConflict(
            _("Il giro è «%(state)s»: si chiude solo un giro aperto.")
            % {"state": RoundState(round.state).label},
            code="round_not_open",
        )
    if by is None and now < round.closes_at:
        raise RoundConflict(
            _("Gli ordini chiudono il %(when)s: non è ancora il momento.")
            % {"when": local(round.closes_at)},
            code="deadline_not_reached",
        )
    with gc_paused():
        recompute(round)
    round.state = RoundState.CLOSED
    round.closed_at = now
    round.revision += 1
    round.revised_at = now
    round.save(update_fields=["state", "closed_at", "revision", "revised_at", "updated_at"])
    unschedule_round(round, jobs=(CLOSE, REMIND_24H, REMIND_2H, LAST_HOUR))
    notify_families(round, "round_closed")
    announce_closed(round)
    if round.send_on_close:
        _send(round, now)
    return round


@transaction.atomic
def round_reopen(
    *, round: OrderRound, closes_at: dt.datetime, by, now: dt.datetime | None = None
) -> OrderRound:
    """Take orders again until `closes_at`; the next close recomputes everything."""
    now = now or timezone.now()
    round = lock_round(round.pk)
    _transition(round, RoundState.OPEN)
    if timezone.is_naive(closes_at) or closes_at <= now:
        fail("closes_at", _("La nuova chiusura deve essere nel futuro."))
    if closes_at <= round.opens_at:
        fail("closes_at", _("La chiusura deve essere dopo l'apertura."))
    _clear_results(round)
    round.state = RoundState.OPEN
    round.closes_at = closes_at
    round.closed_at = None
    round.reminded_24h_at = None
    round.reminded_2h_at = None
    round.revision += 1
    round.revised_at = now
    round.save(
        update_fields=[
            "state",
            "closes_at",
            "closed_at",
            "reminded_24h_at",
            "reminded_2h_at",
            "revision",
            "revised_at",
            "updated_at",
        ]
    )
    schedule_round(round, now=now)
    notify_families(round, "round_opened", extra={"reopened": True})
    announce_opened(round, reopened=True)
    return round


@transaction.atomic
def round_extend(
    *, round: OrderRound, closes_at: dt.datetime, by, now: dt.datetime | None = None
) -> OrderRound:
    """Move an open round's deadline later; its families are told, and its close and closing
    reminders follow the new deadline.

    A reminder already sent goes out again only when its time before the new deadline is
    still to come (each reminder once per deadline); a job left for the old deadline sends
    nothing (round_remind).
    """
    now = now or timezone.now()
    round = lock_round(round.pk)
    if round.state != RoundState.OPEN:
        raise RoundConflict(
            _("Il giro è «%(state)s»: si proroga solo un giro aperto.")
            % {"state": RoundState(round.state).label},
            code="round_not_open",
        )
    if timezone.is_naive(closes_at):
        fail("closes_at", _("Indica l'ora con il fuso orario."))
    if closes_at <= now:
        fail("closes_at", _("La nuova chiusura deve essere nel futuro."))
    if closes_at <= round.closes_at:
        fail(
            "closes_at",
            _("La nuova chiusura deve essere dopo quella attuale (%(current)s).")
            % {"current": local(round.closes_at)},
        )
    if round.pickup_date < timezone.localdate(closes_at):
        fail(
            "closes_at",
            _("Il ritiro è %(day)s: la chiusura non può andare oltre quel giorno.")
            % {"day": formats.date_format(round.pickup_date, "l j F Y")},
        )
    previous = round.closes_at
    round.closes_at = closes_at
    fields = ["closes_at", "revision", "revised_at", "updated_at"]
    for kind, field in REMINDED_FIELDS.items():
        if getattr(round, field) is not None and reminder_time(closes_at, kind) > now:
            setattr(round, field, None)
            fields.append(field)
    round.revision += 1
    round.revised_at = now
    round.save(update_fields=fields)
    schedule_round(
        round, now=now, jobs=(CLOSE, LAST_HOUR, *(job for _hours, job in REMINDERS.values()))
    )
    notify_families(round, "round_extended", extra={"previous_closes_at": previous.isoformat()})
    return round


def _send(round: OrderRound, now: dt.datetime) -> None:
    round.state = RoundState.SENT
    round.sent_at = now
    round.save(update_fields=["state", "sent_at", "updated_at"])
    send_supplier_order_on_commit(round)


@transaction.atomic
def round_send_to_supplier(*, round: OrderRound, by, now: dt.datetime | None = None) -> OrderRound:
    """E-mail the order to the supplier (CSV, JSON, PDF); again if it was already sent."""
    now = now or timezone.now()
    round = lock_round(round.pk)
    if round.state == RoundState.SENT:
        send_supplier_order_on_commit(round)
        return round
    _transition(round, RoundState.SENT)
    _send(round, now)
    return round


# --- Delivery (gaf.services.settlement records it) ------------------------------------------


def _notify_changed_totals(
    round: OrderRound, changed: list[int], *, announce: bool = True
) -> list[int]:
    if changed:
        notify_families(round, "delivery_changes", family_ids=changed)
        if announce:
            announce_allocation_changed(round, len(changed))
    return changed
