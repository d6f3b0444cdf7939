"""The rules of an order round as pure functions: its states, and what its orders add up to.

No database here: the services load plain values, call these functions and store the
results, so the same computation serves the close, a reopened round, the delivery and the
live "if the round closed now" view, and is tested without a database.

Quantities are decimals in the product's unit. The allocation (gaf.allocation) works on
whole units, so each quantity is divided by the product's `multiple` (the step a family
orders in: 0.5 kg, 1 piece) and the result multiplied back.

Money, for one product: the tier is chosen by the quantity the group is allocated; the
supplier's line is `line_price(billed pooled quantity)`; the families' line totals are that
line split by largest remainder in proportion to what each is billed, so they add up to
the supplier's line to the cent (each less than 1.5 cents from quantity × unit price). A family's
Fondo Solidale share is `fund_share(goods total)`, rounded per family, and the fund's entry
is the sum of those shares. Shared costs are split by largest remainder on the billed
weight or value. So, for every round: the families' totals add up to the supplier's total
+ the fund + the shared costs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from gaf import allocation, money

ZERO = Decimal("0")
ZERO_CENTS = Decimal("0.00")

# --- States ---------------------------------------------------------------------------------

DRAFT, OPEN, CLOSED, SENT, DELIVERED, SETTLED, CANCELLED = (
    "draft",
    "open",
    "closed",
    "sent",
    "delivered",
    "settled",
    "cancelled",
)

TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({OPEN, CANCELLED}),
    OPEN: frozenset({CLOSED, CANCELLED}),
    # Reopening is allowed until the order has gone to the supplier.
    CLOSED: frozenset({OPEN, SENT, CANCELLED}),
    SENT: frozenset({DELIVERED, CANCELLED}),
    # A delivery can be corrected (recorded again) until the round is settled.
    DELIVERED: frozenset({DELIVERED, SETTLED, CANCELLED}),
    # Cancelling a settled round reverses its fund contribution.
    SETTLED: frozenset({CANCELLED}),
    CANCELLED: frozenset(),
}

# States in which a family owes what its order came to.
CHARGED_STATES = frozenset({CLOSED, SENT, DELIVERED, SETTLED})

# Service error codes that mean a conflict with the round's state rather than bad input
# (pages and the API answer 409): the round does not take this order now, or is not open to
# be closed or extended ("round_not_open"), or its deadline has not come for the scheduled
# close ("deadline_not_reached").
ROUND_CONFLICTS = frozenset(
    {"round_not_open", "not_yet_open", "deadline_passed", "deadline_not_reached"}
)


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def coordinator_actions(state: str) -> frozenset[str]:
    """What a coordinator can do to a round in `state`, by the transitions above.

    "edit" changes a draft's details and products; "open" and "reopen" both lead to OPEN,
    from a draft and from a closed round; "extend" moves an open round's deadline later;
    "send" also sends a sent order again; "record_delivery" records or corrects a delivery;
    "documents" are there from the close on.
    """
    actions = {
        "edit": state == DRAFT,
        "open": state == DRAFT and can_transition(state, OPEN),
        "close": can_transition(state, CLOSED),
        "extend": state == OPEN,
        "reopen": state == CLOSED and can_transition(state, OPEN),
        "send": state == SENT or can_transition(state, SENT),
        "record_delivery": can_transition(state, DELIVERED),
        "settle": can_transition(state, SETTLED),
        "cancel": can_transition(state, CANCELLED),
        "documents": state in CHARGED_STATES,
    }
    return frozenset(name for name, allowed in actions.items() if allowed)


def shared_costs_editable(state: str) -> bool:
    """Shared costs are split among what families owe, until the round is settled."""
    return state in CHARGED_STATES and state != SETTLED


# --- Quantities -----------------------------------------------------------------------------


def to_steps(quantity: Decimal, multiple: Decimal) -> int:
    """`quantity` in whole multiples; ValueError when it is not a whole multiple."""
    steps = quantity / multiple
    if steps != steps.to_integral_value():
        raise ValueError(f"{quantity} non è un multiplo di {multiple}.")
    return int(steps)


def is_multiple(quantity: Decimal, multiple: Decimal) -> bool:
    return quantity % multiple == 0


# --- Inputs and results ---------------------------------------------------------------------


@dataclass(frozen=True)
class ProductTerms:
    """A round product's frozen terms. `weight_per_unit` is in kg (0 when unknown)."""

    id: int
    multiple: Decimal
    case_size: Decimal | None
    max_total: Decimal | None
    unit_price: Decimal
    tiers: tuple[tuple[Decimal, Decimal], ...]
    vat_rate: Decimal
    weight_per_unit: Decimal = ZERO


@dataclass(frozen=True)
class QuantityChange:
    """From `sequence` on, `family_id` wants `firm` of `product_id` and accepts `tolerance`."""

    sequence: int
    family_id: int
    product_id: int
    firm: Decimal
    tolerance: Decimal


@dataclass(frozen=True)
class CostTerms:
    id: int
    amount: Decimal
    basis: str  # "weight" or "value"


@dataclass(frozen=True)
class LineResult:
    firm: Decimal
    tolerance: Decimal
    allocated: Decimal
    billed: Decimal  # delivered when recorded, else allocated
    unit_price: Decimal
    total: Decimal


@dataclass(frozen=True)
class ProductResult:
    allocated_total: Decimal
    cases: int | None
    unit_price: Decimal  # the tier price applied
    billed_total: Decimal
    total: Decimal


@dataclass(frozen=True)
class FamilyResult:
    goods_total: Decimal
    fund_share: Decimal
    shared_costs: Decimal
    total: Decimal


@dataclass(frozen=True)
class RoundResult:
    products: dict[int, ProductResult]
    lines: dict[tuple[int, int], LineResult]  # (family_id, product_id)
    families: dict[int, FamilyResult]
    supplier_total: Decimal
    fund_total: Decimal
    shared_costs_total: Decimal


# --- Allocation -----------------------------------------------------------------------------


def _events(terms: ProductTerms, changes: Iterable[QuantityChange], *, with_tolerance: bool):
    return [
        allocation.OrderEvent(
            sequence=change.sequence,
            family_id=change.family_id,
            firm=to_steps(change.firm, terms.multiple),
            tolerance=to_steps(change.tolerance, terms.multiple) if with_tolerance else 0,
        )
        for change in changes
    ]


def _case_steps(terms: ProductTerms) -> int | None:
    return None if terms.case_size is None else to_steps(terms.case_size, terms.multiple)


def allocate_product(
    terms: ProductTerms, changes: Iterable[QuantityChange], policy: str
) -> allocation.RoundAllocation:
    """The product's allocation in steps, never beyond the supplier's maximum.

    Firm quantities never exceed the maximum (orders are refused beyond it), but tolerance
    can complete a case that would: then the tolerance is left out and only full cases of
    firm quantities are ordered.
    """
    changes = list(changes)
    case_steps = _case_steps(terms)
    result = allocation.allocate(case_steps, _events(terms, changes, with_tolerance=True), policy)
    if terms.max_total is not None and result.allocated_total * terms.multiple > terms.max_total:
        result = allocation.allocate(
            case_steps, _events(terms, changes, with_tolerance=False), policy
        )
    return result


# --- Money ----------------------------------------------------------------------------------


def _split(total: Decimal, weights: Mapping[int, Decimal]) -> dict[int, Decimal]:
    if total == 0 or not any(weights.values()):
        return dict.fromkeys(weights, ZERO_CENTS)
    return money.split_largest_remainder(total, weights)


def compute_round(
    *,
    products: Iterable[ProductTerms],
    changes: Iterable[QuantityChange],
    policy: str,
    fund_percent: Decimal,
    costs: Iterable[CostTerms] = (),
    delivered: Mapping[tuple[int, int], Decimal] | None = None,
) -> RoundResult:
    """Allocate every product and work out every line, family and total (module docstring).

    `delivered` maps (family_id, product_id) to the quantity actually delivered; lines not
    in it are billed what they were allocated.
    """
    delivered = delivered or {}
    by_product: dict[int, list[QuantityChange]] = defaultdict(list)
    families: set[int] = set()
    for change in changes:
        by_product[change.product_id].append(change)
        families.add(change.family_id)

    product_results: dict[int, ProductResult] = {}
    lines: dict[tuple[int, int], LineResult] = {}
    goods: dict[int, Decimal] = dict.fromkeys(families, ZERO_CENTS)
    weight: dict[int, Decimal] = dict.fromkeys(families, ZERO)
    billed_any: set[int] = set()

    for terms in products:
        shares = allocate_product(terms, by_product.get(terms.id, ()), policy)
        allocated_total = shares.allocated_total * terms.multiple
        billed = {
            family_id: delivered.get((family_id, terms.id), share.allocated * terms.multiple)
            for family_id, share in shares.families.items()
        }
        billed_total = sum(billed.values(), ZERO)
        unit_price, total = money.line_price(
            billed_total, allocated_total, terms.unit_price, terms.tiers
        )
        family_totals = _split(total, billed)
        product_results[terms.id] = ProductResult(
            allocated_total=allocated_total,
            cases=shares.cases,
            unit_price=unit_price,
            billed_total=billed_total,
            total=total,
        )
        for family_id, share in shares.families.items():
            lines[(family_id, terms.id)] = LineResult(
                firm=share.firm_wanted * terms.multiple,
                tolerance=share.tolerance_wanted * terms.multiple,
                allocated=share.allocated * terms.multiple,
                billed=billed[family_id],
                unit_price=unit_price,
                total=family_totals[family_id],
            )
            goods[family_id] += family_totals[family_id]
            weight[family_id] += billed[family_id] * terms.weight_per_unit
            if billed[family_id] > 0:
                billed_any.add(family_id)

    fund_shares = {
        family_id: money.fund_share(goods_total, fund_percent)
        for family_id, goods_total in goods.items()
    }
    cost_shares, shared_costs_total = _split_costs(costs, goods, weight, billed_any)
    family_results = {
        family_id: FamilyResult(
            goods_total=goods[family_id],
            fund_share=fund_shares[family_id],
            shared_costs=cost_shares[family_id],
            total=goods[family_id] + fund_shares[family_id] + cost_shares[family_id],
        )
        for family_id in sorted(families)
    }
    return RoundResult(
        products=product_results,
        lines=lines,
        families=family_results,
        supplier_total=sum((result.total for result in product_results.values()), ZERO_CENTS),
        fund_total=money.fund_total(fund_shares.values()),
        shared_costs_total=shared_costs_total,
    )


def _split_costs(
    costs: Iterable[CostTerms],
    goods: Mapping[int, Decimal],
    weight: Mapping[int, Decimal],
    receiving: set[int],
) -> tuple[dict[int, Decimal], Decimal]:
    """Each family's part of the shared costs, and the total actually charged.

    Only families that receive goods share the costs. By weight when the goods have a
    known weight, otherwise by value, otherwise in equal parts; with no family receiving
    anything there is no delivery, and no cost to charge.
    """
    shares = dict.fromkeys(goods, ZERO_CENTS)
    charged = ZERO_CENTS
    if not receiving:
        return shares, charged
    for cost in costs:
        by_weight = {family_id: weight[family_id] for family_id in receiving}
        by_value = {family_id: goods[family_id] for family_id in receiving}
        if cost.basis == "weight" and any(by_weight.values()):
            weights = by_weight
        elif any(by_value.values()):
            weights = by_value
        else:
            weights = dict.fromkeys(receiving, Decimal(1))
        for family_id, part in money.split_largest_remainder(cost.amount, weights).items():
            shares[family_id] += part
        charged += cost.amount
    return shares, charged


# --- Live view ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductPool:
    """How a product stands while orders come in, in the product's unit.

    `missing_to_next_case` is None for products not sold by the case; `next_tier` is the
    next volume discount `(min_quantity, unit_price)` not yet reached, with
    `missing_to_next_tier` the firm quantity still needed; `family_would_receive` is what
    the given family would get if the round closed now.
    """

    product_id: int
    firm: Decimal
    tolerance: Decimal
    full_cases: int | None
    missing_to_next_case: Decimal | None
    tolerance_completes: bool
    unit_price: Decimal
    next_tier: tuple[Decimal, Decimal] | None
    missing_to_next_tier: Decimal | None
    remaining: Decimal | None  # still orderable before the maximum, None without a maximum
    family_would_receive: Decimal | None


def product_pool(
    terms: ProductTerms,
    changes: Iterable[QuantityChange],
    *,
    policy: str,
    family_id: int | None = None,
) -> ProductPool:
    changes = list(changes)
    status = allocation.pool_status(
        _case_steps(terms), _events(terms, changes, with_tolerance=True)
    )
    firm = status.firm * terms.multiple
    would_receive = None
    if family_id is not None:
        share = allocate_product(terms, changes, policy).families.get(family_id)
        would_receive = ZERO if share is None else share.allocated * terms.multiple
    unit_price, _total = money.line_price(ZERO, firm, terms.unit_price, terms.tiers)
    upcoming = sorted(tier for tier in terms.tiers if tier[0] > firm)
    next_tier = upcoming[0] if upcoming else None
    return ProductPool(
        product_id=terms.id,
        firm=firm,
        tolerance=status.tolerance * terms.multiple,
        full_cases=status.full_cases,
        missing_to_next_case=(
            None
            if status.missing_to_next_case is None
            else status.missing_to_next_case * terms.multiple
        ),
        tolerance_completes=status.tolerance_completes,
        unit_price=unit_price,
        next_tier=next_tier,
        missing_to_next_tier=None if next_tier is None else next_tier[0] - firm,
        remaining=None if terms.max_total is None else max(terms.max_total - firm, ZERO),
        family_would_receive=would_receive,
    )
