"""Families' orders: quantities set inside one transaction with the round row locked.

Every limit is decided with the lock held, so no scheduler, second device or concurrent
family can get round it: the deadline (the instant of the decision is taken after the
lock is acquired), the supplier's maximum per product (pooled firm quantities), and in a
prepaid group the family's credit (its group membership row is locked too, always after
the round, so two devices ordering in two rounds still queue one behind the other).

Each change of a line is appended to OrderChange with the round's next sequence number;
quantities are set (not added), and a change that sets the same values is not recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gaf import money
from gaf import rounds as rules
from gaf.models import (
    QUANTITY,
    GroupMembership,
    Order,
    OrderChange,
    OrderLine,
    OrderRound,
    PickupPoint,
    RoundProduct,
    RoundState,
)
from gaf.money import exact
from gaf.selectors.accounts import available_credit
from gaf.services._common import (
    euro,
    fail,
    local,
    lock_round,
    membership_of,
    quantity_text,
)
from gaf.services._side_effects import round_changed_on_commit
from hub.models import Family
from hub.validation import parse_decimal

ZERO = Decimal("0")


@dataclass(frozen=True)
class LineInput:
    """One product of a basket: the firm quantity and the tolerance to set."""

    round_product: RoundProduct | int
    firm: Decimal | int | str
    tolerance: Decimal | int | str = ZERO


def _quantity(value) -> Decimal:
    """A quantity as the column holds it (hub.validation.parse_decimal: ASCII digits, a
    point or a comma, no exponent); ValidationError with the reason otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    return parse_decimal(value, **QUANTITY)


def _line_errors(
    round_product: RoundProduct, firm_raw, tolerance_raw
) -> tuple[dict[str, str], Decimal, Decimal]:
    """Field errors of one line ("firm", "tolerance"), and the parsed quantities."""
    errors = {}
    parsed = {}
    for field, raw in (("firm", firm_raw), ("tolerance", tolerance_raw)):
        try:
            parsed[field] = _quantity(raw)
        except ValidationError as error:
            errors[field] = (
                _("«%(value)s» non è una quantità.") % {"value": raw}
                if error.code == "invalid"
                else error.messages[0]
            )
    firm, tolerance = parsed.get("firm", ZERO), parsed.get("tolerance", ZERO)
    name, unit, step = round_product.name, round_product.unit, round_product.multiple
    for field, value in (("firm", firm), ("tolerance", tolerance)):
        if field in errors:
            continue
        if value < 0:
            errors[field] = _("%(product)s: la quantità non può essere negativa.") % {
                "product": name
            }
        elif not rules.is_multiple(value, step):
            errors[field] = _("%(product)s: si ordina a multipli di %(step)s.") % {
                "product": name,
                "step": quantity_text(step, unit),
            }
    if "firm" not in errors and 0 < firm < round_product.min_per_family:
        errors["firm"] = _("%(product)s: il minimo per famiglia è %(minimum)s.") % {
            "product": name,
            "minimum": quantity_text(round_product.min_per_family, unit),
        }
    if "tolerance" not in errors and tolerance > 0 and round_product.case_size is None:
        errors["tolerance"] = _(
            "%(product)s: la tolleranza serve solo ai prodotti venduti a colli."
        ) % {"product": name}
    if (
        "firm" not in errors
        and round_product.max_total is not None
        and firm > round_product.max_total
    ):
        errors["firm"] = _("%(product)s: la disponibilità massima è %(maximum)s.") % {
            "product": name,
            "maximum": quantity_text(round_product.max_total, unit),
        }
    return errors, firm, tolerance


def _check_window(round: OrderRound, now: dt.datetime) -> None:
    if round.state != RoundState.OPEN:
        fail(
            None,
            _("Il giro «%(title)s» non accetta ordini: è %(state)s.")
            % {"title": round.title, "state": RoundState(round.state).label},
            "round_not_open",
        )
    if now < round.opens_at:
        fail(
            None,
            _("Gli ordini apriranno il %(when)s.") % {"when": local(round.opens_at)},
            "not_yet_open",
        )
    if now >= round.closes_at:
        fail(
            None,
            _("Gli ordini si sono chiusi il %(when)s.") % {"when": local(round.closes_at)},
            "deadline_passed",
        )


def _check_credit(
    round: OrderRound,
    family: Family,
    lines_after: dict[int, tuple[Decimal, Decimal]],
    products: dict[int, RoundProduct],
    increases: bool,
) -> None:
    if not increases:
        return
    credit = available_credit(
        group_id=round.group_id, family_id=family.pk, exclude_round_id=round.pk
    )
    needed = sum(
        (
            money.commitment(firm, tolerance, products[rp_id].unit_price, round.fund_percent)
            for rp_id, (firm, tolerance) in lines_after.items()
        ),
        ZERO,
    )
    if needed > credit:
        fail(
            None,
            _(
                "Credito insufficiente: questo ordine può costare fino a %(needed)s, "
                "il credito disponibile è %(credit)s."
            )
            % {"needed": euro(needed), "credit": euro(max(credit, ZERO))},
            "insufficient_credit",
        )


def _apply(
    *,
    round_id: int,
    family: Family,
    wanted: Sequence[LineInput],
    by_user,
    now: dt.datetime | None,
    keys: Sequence[str],
    pickup_point: PickupPoint | None = None,
) -> tuple[Order, dict[int, OrderLine]]:
    """Validate every line with the round locked, then write them all, or raise and write none.

    `keys[i]` prefixes the error fields of `wanted[i]` ("" or "lines.0.").
    """
    round = lock_round(round_id)
    now = now or timezone.now()
    _check_window(round, now)
    membership = membership_of(round.group_id, family.pk, lock=round.group.prepaid_mode)
    if membership is None:
        fail(
            None,
            _("La famiglia non fa parte del gruppo «%(group)s».") % {"group": round.group.name},
            "not_member",
        )

    ids = [
        item.round_product.pk
        if isinstance(item.round_product, RoundProduct)
        else item.round_product
        for item in wanted
    ]
    products = {rp.pk: rp for rp in RoundProduct.objects.filter(round=round, pk__in=ids)}
    order = Order.objects.filter(round=round, family=family).first()
    current = (
        {line.round_product_id: line for line in OrderLine.objects.filter(order=order)}
        if order
        else {}
    )

    errors: dict[str, str] = {}
    changes: dict[int, tuple[Decimal, Decimal]] = {}
    seen: set[int] = set()
    for key, rp_id, item in zip(keys, ids, wanted, strict=True):
        if rp_id in seen:
            errors[f"{key}round_product"] = _("Questo prodotto compare due volte nell'ordine.")
            continue
        seen.add(rp_id)
        round_product = products.get(rp_id)
        if round_product is None:
            errors[f"{key}round_product"] = _("Il prodotto non fa parte di questo giro.")
            continue
        line_errors, firm, tolerance = _line_errors(round_product, item.firm, item.tolerance)
        errors.update({f"{key}{field}": message for field, message in line_errors.items()})
        line = current.get(rp_id)
        before = (line.firm, line.tolerance) if line else (ZERO, ZERO)
        if not line_errors and (firm, tolerance) != before:
            changes[rp_id] = (firm, tolerance)
    if pickup_point is not None and not round.pickup_points.filter(pk=pickup_point.pk).exists():
        errors["pickup_point"] = _("Il punto di ritiro non è tra quelli del giro.")
    if errors:
        raise ValidationError(errors)

    _check_maximums(round, family, changes, products, current, keys, ids)
    if round.group.prepaid_mode:
        lines_after = {rp_id: (line.firm, line.tolerance) for rp_id, line in current.items()}
        lines_after.update(changes)
        missing = set(lines_after) - set(products)
        if missing:
            products.update({rp.pk: rp for rp in RoundProduct.objects.filter(pk__in=missing)})
        increases = any(
            sum(after)
            > (current[rp_id].firm + current[rp_id].tolerance if rp_id in current else ZERO)
            for rp_id, after in changes.items()
        )
        _check_credit(round, family, lines_after, products, increases)

    if order is None:
        order = Order.objects.create(
            round=round,
            family=family,
            pickup_point=pickup_point or _default_pickup_point(round, membership),
        )
    elif pickup_point is not None and order.pickup_point_id != pickup_point.pk:
        order.pickup_point = pickup_point
        order.save(update_fields=["pickup_point", "updated_at"])
    return order, _write(round, order, family, changes, current, by_user, now)


def _default_pickup_point(round: OrderRound, membership: GroupMembership) -> PickupPoint | None:
    points = list(round.pickup_points.order_by("name"))
    preferred = [point for point in points if point.pk == membership.default_pickup_point_id]
    return (preferred or points or [None])[0]


def _check_maximums(round, family, changes, products, current, keys, ids) -> None:
    """Pooled firm quantities never exceed a product's maximum (one query)."""
    rising = [
        rp_id
        for rp_id, (firm, _tolerance) in changes.items()
        if products[rp_id].max_total is not None
        and firm > (current[rp_id].firm if rp_id in current else ZERO)
    ]
    if not rising:
        return
    others = dict(
        OrderLine.objects.filter(round_product_id__in=rising)
        .exclude(order__family=family)
        .values("round_product_id")
        .annotate(total=Sum("firm"))
        .values_list("round_product_id", "total")
    )
    errors = {}
    for rp_id in rising:
        product = products[rp_id]
        remaining = max(product.max_total - exact(others.get(rp_id), "0.001"), ZERO)
        if changes[rp_id][0] > remaining:
            key = keys[ids.index(rp_id)]
            errors[f"{key}firm"] = (
                _("%(product)s: ne restano solo %(remaining)s.")
                % {"product": product.name, "remaining": quantity_text(remaining, product.unit)}
                if remaining
                else _("%(product)s: esaurito.") % {"product": product.name}
            )
    if errors:
        raise ValidationError(errors, code="over_maximum")


def _write(round, order, family, changes, current, by_user, now) -> dict[int, OrderLine]:
    if not changes:
        return current
    new_lines, changed_lines, events = [], [], []
    sequence = before = round.last_sequence
    for rp_id, (firm, tolerance) in sorted(changes.items()):
        line = current.get(rp_id)
        previous = (line.firm, line.tolerance) if line else (ZERO, ZERO)
        if line is None:
            line = OrderLine(order=order, round_product_id=rp_id)
            new_lines.append(line)
            current[rp_id] = line
        else:
            changed_lines.append(line)
        line.firm, line.tolerance = firm, tolerance
        sequence += 1
        events.append(
            OrderChange(
                round=round,
                sequence=sequence,
                order=order,
                round_product_id=rp_id,
                family=family,
                firm=firm,
                tolerance=tolerance,
                previous_firm=previous[0],
                previous_tolerance=previous[1],
                by_user=by_user,
                created_at=now,
            )
        )
    OrderLine.objects.bulk_create(new_lines)
    OrderLine.objects.bulk_update(changed_lines, ["firm", "tolerance"])
    OrderChange.objects.bulk_create(events)
    round.last_sequence = sequence
    round.save(update_fields=["last_sequence", "updated_at"])
    round_changed_on_commit(round, after=before, progressed=changes)
    return current


@transaction.atomic
def order_set_quantity(
    *,
    round: OrderRound,
    family: Family,
    round_product: RoundProduct,
    firm: Decimal | int | str,
    tolerance: Decimal | int | str = ZERO,
    by_user,
    now: dt.datetime | None = None,
) -> OrderLine:
    """Set one product's firm quantity and tolerance in the family's order.

    Errors are ValidationError: on "firm"/"tolerance" for the quantities, without a field
    for the round (code round_not_open, not_yet_open, deadline_passed), the membership
    (not_member) or the credit (insufficient_credit).
    """
    _order, lines = _apply(
        round_id=round.pk,
        family=family,
        wanted=[LineInput(round_product, firm, tolerance)],
        by_user=by_user,
        now=now,
        keys=[""],
    )
    return lines[round_product.pk]


@transaction.atomic
def order_set_quantities(
    *,
    round: OrderRound,
    family: Family,
    lines: Sequence[LineInput],
    by_user,
    pickup_point: PickupPoint | None = None,
    now: dt.datetime | None = None,
) -> Order:
    """Set several products at once: all of them, or (on any error) none.

    Products not listed keep their quantities. Errors name the line: "lines.2.firm".
    """
    order, _lines = _apply(
        round_id=round.pk,
        family=family,
        wanted=list(lines),
        by_user=by_user,
        now=now,
        keys=[f"lines.{index}." for index in range(len(lines))],
        pickup_point=pickup_point,
    )
    return order


@transaction.atomic
def order_set_pickup_point(
    *, round: OrderRound, family: Family, pickup_point: PickupPoint, by_user
) -> Order:
    """Choose where to collect; possible until the goods are delivered."""
    round = lock_round(round.pk)
    if round.state not in {RoundState.OPEN, RoundState.CLOSED, RoundState.SENT}:
        fail(None, _("Il punto di ritiro non si cambia più per questo giro."), "invalid_state")
    if not round.pickup_points.filter(pk=pickup_point.pk).exists():
        fail("pickup_point", _("Il punto di ritiro non è tra quelli del giro."))
    order = Order.objects.filter(round=round, family=family).first()
    if order is None:
        fail(None, _("La famiglia non ha un ordine in questo giro."), "no_order")
    order.pickup_point = pickup_point
    order.save(update_fields=["pickup_point", "updated_at"])
    return order
