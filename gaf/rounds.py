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

The allocation depends only on the order history; a delivery changes only what is billed.
So `price_round` prices an allocation already made (the stored one, once the round is
closed) with the same code `compute_round` uses after allocating.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

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


class QuantityChange(NamedTuple):
    """From `sequence` on, `family_id` wants `firm` of `product_id` and accepts `tolerance`.

    A named tuple: a round has one per order change, tens of thousands.
    """

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


class LineResult(NamedTuple):
    """One family's line of one product (a named tuple: one per order line)."""

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
class PricedProduct:
    """One product priced, its lines family by family in a compact form (tens of thousands
    of lines: no object per line). A line's total is `amounts[cents[family_id]]`; what it
    is billed is `units[family_id] × unit`."""

    product_id: int
    result: ProductResult
    units: dict[int, int]  # family_id → billed quantity in `unit`s
    unit: Decimal
    cents: dict[int, int]  # family_id → the line's total in cents
    amounts: dict[int, Decimal]  # cents → the amount, one Decimal per distinct total


@dataclass(frozen=True)
class PricedRound:
    """`price_round`'s answer: every product priced, each family's result, the totals."""

    products: list[PricedProduct]
    families: dict[int, FamilyResult]
    supplier_total: Decimal
    fund_total: Decimal
    shared_costs_total: Decimal
    # What the shared costs were split on: each family's weight of goods in kg, and the
    # families that receive something.
    weights: dict[int, Decimal] = field(default_factory=dict)
    receiving: frozenset[int] = frozenset()


@dataclass(frozen=True)
class RoundResult:
    products: dict[int, ProductResult]
    lines: dict[tuple[int, int], LineResult]  # (family_id, product_id)
    families: dict[int, FamilyResult]
    supplier_total: Decimal
    fund_total: Decimal
    shared_costs_total: Decimal


# --- Allocation -----------------------------------------------------------------------------


def _events(
    terms: ProductTerms,
    changes: list[QuantityChange],
    *,
    with_tolerance: bool,
    unit: Decimal | None = None,
):
    """The changes as allocation events, `(sequence, family_id, firm, tolerance)` in steps;
    with `unit`, the changes' quantities are whole numbers of it."""
    multiple = terms.multiple

    def steps(quantity) -> int:
        return to_steps(quantity if unit is None else quantity * unit, multiple)

    # A product's quantities repeat: each distinct one is divided once.
    firm = {quantity: steps(quantity) for quantity in {c[3] for c in changes}}
    if not with_tolerance:
        return [(c[0], c[1], firm[c[3]], 0) for c in changes]
    tolerance = {quantity: steps(quantity) for quantity in {c[4] for c in changes}}
    return [(c[0], c[1], firm[c[3]], tolerance[c[4]]) for c in changes]


def _case_steps(terms: ProductTerms) -> int | None:
    return None if terms.case_size is None else to_steps(terms.case_size, terms.multiple)


def _allocate_units(
    terms: ProductTerms,
    changes: list[QuantityChange],
    policy: str,
    *,
    in_order: bool = False,
    unit: Decimal | None = None,
):
    """`allocation.allocate_units` for one product, in steps; see `allocate_product`."""
    case_steps = _case_steps(terms)
    result = allocation.allocate_units(
        case_steps,
        _events(terms, changes, with_tolerance=True, unit=unit),
        policy,
        in_order=in_order,
    )
    if terms.max_total is not None and result[4] * terms.multiple > terms.max_total:
        result = allocation.allocate_units(
            case_steps,
            _events(terms, changes, with_tolerance=False, unit=unit),
            policy,
            in_order=in_order,
        )
    return result


def allocate_product(
    terms: ProductTerms,
    changes: Iterable[QuantityChange],
    policy: str,
    *,
    unit: Decimal | None = None,
) -> allocation.RoundAllocation:
    """The product's allocation in steps, never beyond the supplier's maximum.

    Firm quantities never exceed the maximum (orders are refused beyond it), but tolerance
    can complete a case that would: then the tolerance is left out and only full cases of
    firm quantities are ordered.
    """
    firm, tolerance, allocated, cases, allocated_total = _allocate_units(
        terms, list(changes), policy, unit=unit
    )
    return allocation.RoundAllocation(
        families={
            family_id: allocation.Allocation(
                firm_wanted=firm[family_id],
                tolerance_wanted=tolerance[family_id],
                allocated=allocated[family_id],
            )
            for family_id in sorted(firm)
        },
        cases=cases,
        allocated_total=allocated_total,
    )


def allocation_cuts(
    terms: ProductTerms,
    changes: list[QuantityChange],
    policy: str,
    *,
    unit: Decimal | None = None,
) -> tuple[allocation.Cut, allocation.Cut]:
    """The cuts of the firm and the tolerance queues of the product's allocation
    (`_allocate_units`, the maximum included): see allocation.allocation_cuts."""
    case_steps = _case_steps(terms)
    events = _events(terms, changes, with_tolerance=True, unit=unit)
    firm_cut, tolerance_cut, allocated = allocation.allocation_cuts(case_steps, events, policy)
    if terms.max_total is not None and allocated * terms.multiple > terms.max_total:
        events = _events(terms, changes, with_tolerance=False, unit=unit)
        firm_cut, tolerance_cut, _allocated = allocation.allocation_cuts(case_steps, events, policy)
    return firm_cut, tolerance_cut


# --- Money ----------------------------------------------------------------------------------


def _in_units(quantities: Mapping[int, Decimal]) -> tuple[dict[int, int], Decimal]:
    """Quantities as whole numbers of one unit (the power of ten of their finest place)."""
    distinct = set(quantities.values())
    places = max([0, *(-quantity.as_tuple().exponent for quantity in distinct)])
    whole = {quantity: int(quantity.scaleb(places)) for quantity in distinct}
    unit = Decimal(1).scaleb(-places)
    return {key: whole[quantity] for key, quantity in quantities.items()}, unit


class _Families:
    """What the products add up to per family while they are priced one by one.

    Tens of thousands of lines go through `price`, so it works in whole numbers: what a
    family is billed in units of the product (its steps, or thousandths), amounts in
    cents, split with `money.split_cents` exactly as `money.split_largest_remainder`
    splits the decimals (scaling the weights by one factor changes no share).
    """

    def __init__(self, families: Iterable[int]) -> None:
        self.goods: dict[int, int] = dict.fromkeys(families, 0)  # cents
        self.weight: dict[int, Decimal] = dict.fromkeys(self.goods, ZERO)
        self.receiving: set[int] = set()
        self._amounts: dict[int, Decimal] = {}

    def amount(self, cents: int) -> Decimal:
        """Cents as a Decimal with two places (each distinct amount made once)."""
        known = self._amounts.get(cents)
        if known is None:
            known = self._amounts[cents] = Decimal(cents).scaleb(-2)
        return known

    def price(
        self,
        terms: ProductTerms,
        allocated_total: Decimal,
        cases: int | None,
        units: dict[int, int],
        unit: Decimal,
        billed_total: Decimal,
    ) -> PricedProduct:
        """Price one product: each family is billed `units[family_id]` × `unit`, the
        group `billed_total` (their sum)."""
        unit_price, total = money.line_price(
            billed_total, allocated_total, terms.unit_price, terms.tiers
        )
        if total == 0 or not any(units.values()):
            family_cents = dict.fromkeys(units, 0)
        else:
            family_cents = money.split_cents(int(total.scaleb(2)), units)
            goods = self.goods
            for family_id, cents in family_cents.items():
                goods[family_id] += cents
        receiving = [family_id for family_id, billed in units.items() if billed > 0]
        self.receiving.update(receiving)
        weight_per_unit = terms.weight_per_unit
        if weight_per_unit:
            weight = self.weight
            weight_of = {billed: billed * unit * weight_per_unit for billed in set(units.values())}
            for family_id in receiving:
                weight[family_id] += weight_of[units[family_id]]
        result = ProductResult(
            allocated_total=allocated_total,
            cases=cases,
            unit_price=unit_price,
            billed_total=billed_total,
            total=total,
        )
        amounts = {cents: self.amount(cents) for cents in set(family_cents.values())}
        return PricedProduct(terms.id, result, units, unit, family_cents, amounts)

    def price_billed(
        self,
        terms: ProductTerms,
        allocated_total: Decimal,
        cases: int | None,
        billed: dict[int, Decimal],
    ) -> PricedProduct:
        """`price` on what each family is billed, as decimals."""
        billed_total = sum(billed.values(), ZERO)
        if any(quantity < 0 for quantity in set(billed.values())):
            # What the decimals would refuse, refused the same way.
            _unit_price, total = money.line_price(
                billed_total, allocated_total, terms.unit_price, terms.tiers
            )
            if total != 0 and any(billed.values()):
                money.split_largest_remainder(total, billed)
        units, unit = _in_units(billed)
        return self.price(terms, allocated_total, cases, units, unit, billed_total)

    def finish(self, products: list[PricedProduct], fund_percent: Decimal, costs) -> PricedRound:
        """The round priced: each family's result, the supplier's, the fund's and the costs'
        totals."""
        goods = {family_id: self.amount(cents) for family_id, cents in self.goods.items()}
        fund_shares = {
            family_id: money.fund_share(goods_total, fund_percent)
            for family_id, goods_total in goods.items()
        }
        cost_shares, shared_costs_total = _split_costs(costs, goods, self.weight, self.receiving)
        families = {
            family_id: FamilyResult(
                goods_total=goods[family_id],
                fund_share=fund_shares[family_id],
                shared_costs=cost_shares[family_id],
                total=goods[family_id] + fund_shares[family_id] + cost_shares[family_id],
            )
            for family_id in sorted(goods)
        }
        return PricedRound(
            products=products,
            families=families,
            supplier_total=sum((product.result.total for product in products), ZERO_CENTS),
            fund_total=money.fund_total(fund_shares.values()),
            shared_costs_total=shared_costs_total,
            weights=self.weight,
            receiving=frozenset(self.receiving),
        )


@dataclass(frozen=True)
class AllocatedProduct:
    """A product allocated and priced (`allocate_and_price`): by family, the steps wanted
    firm and as tolerance and the steps allocated (read them, never change them)."""

    priced: PricedProduct
    firm: dict[int, int]
    tolerance: dict[int, int]
    allocated: dict[int, int]
    multiple: Decimal


def allocate_and_price(
    *,
    products: Iterable[ProductTerms],
    changes: Iterable[QuantityChange],
    policy: str,
    fund_percent: Decimal,
    costs: Iterable[CostTerms] = (),
    delivered: Mapping[tuple[int, int], Decimal] | None = None,
    in_order: bool = False,
    unit: Decimal | None = None,
) -> tuple[PricedRound, list[AllocatedProduct]]:
    """`compute_round` in a compact form: what a round's close stores, line by line.

    `in_order`: the changes come as a round's stored history does, by sequence, each
    sequence once, no quantity negative (see allocation.allocate_units). `unit`: the
    changes' quantities are whole numbers of it (as read from the database: thousandths).
    """
    delivered = delivered or {}
    changes = changes if isinstance(changes, list) else list(changes)
    by_product: dict[int, list[QuantityChange]] = defaultdict(list)
    for change in changes:
        by_product[change[2]].append(change)
    # Read in the history's order, not product by product: tens of thousands of rows walked
    # in the order they lie in memory.
    families = _Families(sorted({change[1] for change in changes}))
    allocated_products = []
    for terms in products:
        firm, tolerance, allocated, cases, allocated_steps = _allocate_units(
            terms, by_product.get(terms.id, []), policy, in_order=in_order, unit=unit
        )
        multiple = terms.multiple
        allocated_total = allocated_steps * multiple
        product_id = terms.id
        if delivered and any((family_id, product_id) in delivered for family_id in allocated):
            priced = families.price_billed(
                terms,
                allocated_total,
                cases,
                {
                    family_id: delivered.get((family_id, product_id), steps * multiple)
                    for family_id, steps in allocated.items()
                },
            )
        else:
            # As the decimals add up: ZERO + each quantity, exactly.
            billed_total = sum(allocated.values()) * multiple + ZERO if allocated else ZERO
            priced = families.price(
                terms, allocated_total, cases, allocated, multiple, billed_total
            )
        allocated_products.append(AllocatedProduct(priced, firm, tolerance, allocated, multiple))
    priced_round = families.finish(
        [product.priced for product in allocated_products], fund_percent, costs
    )
    return priced_round, allocated_products


def compute_round(
    *,
    products: Iterable[ProductTerms],
    changes: Iterable[QuantityChange],
    policy: str,
    fund_percent: Decimal,
    costs: Iterable[CostTerms] = (),
    delivered: Mapping[tuple[int, int], Decimal] | None = None,
    unit: Decimal | None = None,
) -> RoundResult:
    """Allocate every product and work out every line, family and total (module docstring).

    `changes` are QuantityChanges, or plain tuples of their fields in their order; with
    `unit`, their quantities are whole numbers of it.

    `delivered` maps (family_id, product_id) to the quantity actually delivered; lines not
    in it are billed what they were allocated.
    """
    delivered = delivered or {}
    priced_round, allocated_products = allocate_and_price(
        products=products,
        changes=changes,
        policy=policy,
        fund_percent=fund_percent,
        costs=costs,
        delivered=delivered,
        unit=unit,
    )
    lines: dict[tuple[int, int], LineResult] = {}
    for product in allocated_products:
        priced, multiple = product.priced, product.multiple
        product_id, unit_price = priced.product_id, priced.result.unit_price
        cents, amounts = priced.cents, priced.amounts
        quantity: dict[int, Decimal] = {}
        for family_id in sorted(product.firm):
            firm = product.firm[family_id]
            tolerance = product.tolerance[family_id]
            allocated = product.allocated[family_id]
            for steps in (firm, tolerance, allocated):
                if steps not in quantity:
                    quantity[steps] = steps * multiple
            lines[(family_id, product_id)] = LineResult(
                quantity[firm],
                quantity[tolerance],
                quantity[allocated],
                delivered.get((family_id, product_id), quantity[allocated]),
                unit_price,
                amounts[cents[family_id]],
            )
    return RoundResult(
        products={product.product_id: product.result for product in priced_round.products},
        lines=lines,
        families=priced_round.families,
        supplier_total=priced_round.supplier_total,
        fund_total=priced_round.fund_total,
        shared_costs_total=priced_round.shared_costs_total,
    )


def price_round(
    *,
    products: Iterable[ProductTerms],
    allocations: Mapping[int, tuple[Decimal, int | None]],
    billed: Mapping[int, Mapping[int, int]],
    unit: Decimal,
    families: Iterable[int],
    fund_percent: Decimal,
    costs: Iterable[CostTerms] = (),
) -> PricedRound:
    """Price an allocation already made, as `compute_round` prices the one it makes.

    `allocations` maps each product to its `(allocated_total, cases)`; `billed` maps it to
    what each family is billed, in whole `unit`s (a closed round stores thousandths): the
    allocated quantity, or the delivered one once recorded. `families` are those the
    allocation concerns (compute_round: the families in the order history). Given what
    `compute_round` allocated from the same history, the products, the lines' totals, the
    families and the totals are the ones it gives.
    """
    totals_of = _Families(sorted(families))
    priced = []
    for terms in products:
        allocated_total, cases = allocations.get(terms.id, (ZERO, _no_cases(terms)))
        units = billed.get(terms.id, {})
        # As the decimals add up: ZERO + each quantity, exactly.
        billed_total = sum(units.values()) * unit + ZERO if units else ZERO
        priced.append(totals_of.price(terms, allocated_total, cases, units, unit, billed_total))
    return totals_of.finish(priced, fund_percent, costs)


def _no_cases(terms: ProductTerms) -> int | None:
    return None if terms.case_size is None else 0


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
        _basis, weights = cost_weights(cost, goods, weight, receiving)
        for family_id, part in money.split_largest_remainder(cost.amount, weights).items():
            shares[family_id] += part
        charged += cost.amount
    return shares, charged


def cost_weights(
    cost: CostTerms,
    goods: Mapping[int, Decimal],
    weight: Mapping[int, Decimal],
    receiving: Iterable[int],
) -> tuple[str, dict[int, Decimal]]:
    """What a shared cost is split on among the families `receiving` goods, and its name:
    "weight" (kg) when asked and known, else "value" (goods), else "equal" parts."""
    by_weight = {family_id: weight[family_id] for family_id in receiving}
    if cost.basis == "weight" and any(by_weight.values()):
        return "weight", by_weight
    by_value = {family_id: goods[family_id] for family_id in by_weight}
    if any(by_value.values()):
        return "value", by_value
    return "equal", dict.fromkeys(by_weight, Decimal(1))


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
    unit: Decimal | None = None,
) -> ProductPool:
    """How the product stands (ProductPool); with `unit`, the changes' quantities are
    whole numbers of it."""
    changes = list(changes)
    status = allocation.pool_status(
        _case_steps(terms), _events(terms, changes, with_tolerance=True, unit=unit)
    )
    firm = status.firm * terms.multiple
    would_receive = None
    if family_id is not None:
        share = allocate_product(terms, changes, policy, unit=unit).families.get(family_id)
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
