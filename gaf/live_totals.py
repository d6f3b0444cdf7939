"""The live totals of an open round's order page, as pure functions on plain values.

After each order change the round's open pages must show the group's pool of every product
and, for each page's family, what it would receive and pay if the round closed now. Doing
the whole round's computation once per page made the last of 100 pages wait seconds, so
the work is cut in two:

- `round_shares`, once per change: what every page shows alike (each product's pool, as
  `pool_data`) and what a page needs to work out its own family's part without the other
  families' orders: where each queue of the allocation was cut, how the supplier's line of
  each product and each shared cost were split (gaf.allocation and gaf.money explain the
  cuts). Families' ids appear in the cuts and the changes: they stay on the server (the
  channel layer), never in what a browser receives.
- `family_figures`, once per page: the family's part, from those shares and its own order
  history (`FamilyOrders`, which the page's socket holds), with no query. It is exactly what
  gaf.rounds.compute_round gives the family (tests/gaf/test_live_totals.py checks it on
  random rounds).

`basket_total` is the family's running total while it types, before saving: its firm
quantities at the price tier the group reaches with them, and the Fondo Solidale's share.
The browser runs the same rule (frontend/src/gaf-round-core.js); both are checked on one
table of cases (frontend/test/basket-cases.json).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from gaf import allocation, money
from gaf import rounds as rules

ZERO = Decimal("0")
ZERO_CENTS = Decimal("0.00")


def decimal_text(value: Decimal | None) -> str | None:
    """A decimal as JSON carries it: a string in plain notation ("6.000", never "6E+3")."""
    if value is None:
        return None
    text = str(value)  # plain notation but for large exponents, and much faster
    return format(value, "f") if "E" in text else text


def case_progress(
    case_size: Decimal | None, missing_to_next_case: Decimal | None
) -> tuple[Decimal | None, int | None]:
    """How much of the case under way is filled, and in percent (None, None without cases)."""
    if case_size is None or missing_to_next_case is None:
        return None, None
    filled = case_size - missing_to_next_case
    return filled, int(filled * 100 / case_size)


def pool_data(case_size: Decimal | None, pool: rules.ProductPool) -> dict:
    """A product's pool as the order page's client renders it (frontend/src/gaf-round.js),
    the same figures as gaf/templates/gaf/includes/product_pool.html shows."""
    filled, percent = case_progress(case_size, pool.missing_to_next_case)
    return {
        "firm": decimal_text(pool.firm),
        "tolerance": decimal_text(pool.tolerance),
        "full_cases": pool.full_cases,
        "missing_to_next_case": decimal_text(pool.missing_to_next_case),
        "case_filled": decimal_text(filled),
        "case_percent": percent,
        "tolerance_completes": pool.tolerance_completes,
        "unit_price": decimal_text(pool.unit_price),
        "next_tier": None if pool.next_tier is None else [decimal_text(v) for v in pool.next_tier],
        "missing_to_next_tier": decimal_text(pool.missing_to_next_tier),
        "remaining": decimal_text(pool.remaining),
    }


# --- What a round shares ----------------------------------------------------------------------


@dataclass(frozen=True)
class ProductShares:
    """One product's part of the shares: its terms as a family's part needs them, the
    unit price the group has reached, the cuts of its two queues, and the split of its
    supplier line (None when nothing is billed)."""

    id: int
    multiple: Decimal
    weight_per_unit: Decimal
    price_now: Decimal  # the unit price the group's pooled firm quantity reaches
    firm_cut: allocation.Cut
    tolerance_cut: allocation.Cut
    split: tuple[int, money.SplitCut] | None  # (the line's total in cents, its cut)


@dataclass(frozen=True)
class CostShares:
    basis: str  # what the cost was split on: "weight", "value" or "equal"
    cut: money.LargestRemainderCut


@dataclass(frozen=True)
class RoundShares:
    """What the pages of a round need, once per change, to work out each family's part.

    `changes` are the order changes after `after` up to `version`, as `(sequence, family_id,
    product_id, firm, tolerance)`: a page adds its own family's to the history it holds.
    `costs` is empty while no family receives anything (no cost is charged then).
    """

    version: int
    after: int
    products: tuple[ProductShares, ...]
    fund_percent: Decimal
    costs: tuple[CostShares, ...]
    changes: tuple[tuple[int, int, int, Decimal, Decimal], ...]

    @cached_property
    def by_id(self) -> dict[int, ProductShares]:
        return {product.id: product for product in self.products}

    @cached_property
    def prices(self) -> dict[int, Decimal]:
        """Each product's unit price now (`saved_basket`)."""
        return {product.id: product.price_now for product in self.products}


def round_shares(
    *,
    products: list[rules.ProductTerms],
    history: list[tuple[int, int, int, int, int]],
    unit: Decimal,
    policy: str,
    fund_percent: Decimal,
    costs: Iterable[rules.CostTerms],
    after: int,
) -> tuple[RoundShares, dict[int, dict]]:
    """The round's shares and every product's `pool_data`, from its order `history` (its
    changes in order, quantities in whole `unit`s, as gaf.loading.round_history reads them).

    The version is the history's last sequence: the state the figures are of. `after` is
    the sequence the history is announced from (the change's first sequence minus one).
    """
    priced, allocated = rules.allocate_and_price(
        products=products,
        changes=history,
        policy=policy,
        fund_percent=fund_percent,
        costs=costs,
        in_order=True,
        unit=unit,
    )
    by_product: dict[int, list] = defaultdict(list)
    for change in history:
        by_product[change[2]].append(change)
    shares, pools = [], {}
    for terms, product in zip(products, allocated, strict=True):
        changes = by_product.get(terms.id, [])
        pool = rules.product_pool(terms, changes, policy=policy, unit=unit)
        pools[terms.id] = pool_data(terms.case_size, pool)
        firm_cut, tolerance_cut = rules.allocation_cuts(terms, changes, policy, unit=unit)
        total_cents = int(product.priced.result.total.scaleb(2))
        units = product.priced.units
        split = None
        if total_cents and any(units.values()):
            split = (total_cents, money.split_cut(total_cents, units))
        shares.append(
            ProductShares(
                id=terms.id,
                multiple=terms.multiple,
                weight_per_unit=terms.weight_per_unit,
                price_now=pool.unit_price,
                firm_cut=firm_cut,
                tolerance_cut=tolerance_cut,
                split=split,
            )
        )
    cost_shares = []
    if priced.receiving:
        goods = {family_id: result.goods_total for family_id, result in priced.families.items()}
        for cost in costs:
            basis, weights = rules.cost_weights(cost, goods, priced.weights, priced.receiving)
            cost_shares.append(CostShares(basis, money.largest_remainder_cut(cost.amount, weights)))
    version = history[-1][0] if history else 0
    changes = tuple(
        (sequence, family_id, product_id, firm * unit, tolerance * unit)
        for sequence, family_id, product_id, firm, tolerance in history
        if sequence > after
    )
    return (
        RoundShares(version, after, tuple(shares), fund_percent, tuple(cost_shares), changes),
        pools,
    )


def shares_data(shares: RoundShares) -> dict:
    """The shares as JSON carries them (`shares_from_data` reads them back)."""

    def split_data(cut: money.SplitCut) -> list:
        return [cut.weight_sum, None if cut.last is None else list(cut.last)]

    return {
        "version": shares.version,
        "after": shares.after,
        "fund_percent": decimal_text(shares.fund_percent),
        "products": [
            [
                product.id,
                decimal_text(product.multiple),
                decimal_text(product.weight_per_unit),
                decimal_text(product.price_now),
                list(product.firm_cut),
                list(product.tolerance_cut),
                None if product.split is None else [product.split[0], split_data(product.split[1])],
            ]
            for product in shares.products
        ],
        "costs": [
            [cost.basis, decimal_text(cost.cut.total), cost.cut.places, split_data(cost.cut.cut)]
            for cost in shares.costs
        ],
        "changes": [
            [sequence, family_id, product_id, decimal_text(firm), decimal_text(tolerance)]
            for sequence, family_id, product_id, firm, tolerance in shares.changes
        ],
    }


def shares_from_data(data: Mapping) -> RoundShares:
    def split_cut(data: list) -> money.SplitCut:
        weight_sum, last = data
        return money.SplitCut(weight_sum, None if last is None else tuple(last))

    def cut(data: list) -> allocation.Cut:
        return tuple(data)

    return RoundShares(
        version=data["version"],
        after=data["after"],
        products=tuple(
            ProductShares(
                id=product_id,
                multiple=Decimal(multiple),
                weight_per_unit=Decimal(weight),
                price_now=Decimal(price_now),
                firm_cut=cut(firm_cut),
                tolerance_cut=cut(tolerance_cut),
                split=None if split is None else (split[0], split_cut(split[1])),
            )
            for (
                product_id,
                multiple,
                weight,
                price_now,
                firm_cut,
                tolerance_cut,
                split,
            ) in data["products"]
        ),
        fund_percent=Decimal(data["fund_percent"]),
        costs=tuple(
            CostShares(basis, money.LargestRemainderCut(Decimal(total), places, split_cut(cut)))
            for basis, total, places, cut in data["costs"]
        ),
        changes=tuple(
            (sequence, family_id, product_id, Decimal(firm), Decimal(tolerance))
            for sequence, family_id, product_id, firm, tolerance in data["changes"]
        ),
    )


# --- A family's part ------------------------------------------------------------------------


class FamilyOrders:
    """One family's own order history in a round, `(sequence, product_id, firm, tolerance)`
    events, and the sequence up to which it is known to be complete (`known`)."""

    def __init__(self, family_id: int, events: Iterable[tuple], *, known: int) -> None:
        self.family_id = family_id
        self.events = sorted(events)
        self.known = known
        # Each product's latest (firm, tolerance), in the order of its first change.
        self.lines = {
            product_id: (firm, tolerance) for _s, product_id, firm, tolerance in self.events
        }
        self._queues: dict[int, tuple] = {}

    def followed_by(self, shares: RoundShares) -> FamilyOrders | None:
        """This history with the family's changes that `shares` announce; None when they
        start after the history ends (a broadcast went missing: read it again)."""
        if shares.after > self.known:
            return None
        if shares.version <= self.known:
            return self
        have = {event[0] for event in self.events}
        mine = [
            (sequence, product_id, firm, tolerance)
            for sequence, family_id, product_id, firm, tolerance in shares.changes
            if family_id == self.family_id and sequence not in have
        ]
        if not mine:
            # Nothing of the family's: the same history, known further (its queues kept).
            self.known = shares.version
            return self
        return FamilyOrders(self.family_id, [*self.events, *mine], known=shares.version)

    def as_of(self, version: int) -> FamilyOrders:
        """The history up to the change number `version` (a page may hold changes newer
        than the state it is about to show: they wait for their own state)."""
        if not self.events or self.events[-1][0] <= version:
            return self
        return FamilyOrders(
            self.family_id,
            [event for event in self.events if event[0] <= version],
            known=min(self.known, version),
        )

    def queues(self, product_id: int, multiple: Decimal) -> tuple:
        """The family's units of a product it ordered, in steps of `multiple`:
        `(firm_blocks, tolerance_blocks)` (gaf.allocation.family_blocks)."""
        known = self._queues.get(product_id)
        if known is None or known[0] != multiple:
            events = [
                (sequence, rules.to_steps(firm, multiple), rules.to_steps(tolerance, multiple))
                for sequence, pid, firm, tolerance in self.events
                if pid == product_id
            ]
            known = self._queues[product_id] = (
                multiple,
                allocation.family_blocks((sequence, firm) for sequence, firm, _t in events),
                allocation.family_blocks((sequence, t) for sequence, _f, t in events),
            )
        return known[1], known[2]


@dataclass(frozen=True)
class FamilyFigures:
    """What the family would receive of each product it ordered, and its bill, if the round
    closed now (`bill` is None when it would receive nothing and pay nothing)."""

    receive: dict[int, Decimal]
    bill: rules.FamilyResult | None


def family_figures(shares: RoundShares, orders: FamilyOrders) -> FamilyFigures:
    family_id = orders.family_id
    receive: dict[int, Decimal] = {}
    goods_cents = 0
    weight = ZERO
    receiving = False
    products = shares.by_id
    for product_id in orders.lines:
        product = products.get(product_id)
        if product is None:
            continue
        firm_blocks, tolerance_blocks = orders.queues(product_id, product.multiple)
        steps = allocation.served_by_cut(
            product.firm_cut, family_id, firm_blocks
        ) + allocation.served_by_cut(product.tolerance_cut, family_id, tolerance_blocks)
        receive[product.id] = steps * product.multiple
        if product.split is not None:
            total_cents, cut = product.split
            goods_cents += money.split_share(total_cents, steps, family_id, cut)
        if steps:
            receiving = True
            if product.weight_per_unit:
                weight += steps * product.multiple * product.weight_per_unit
    if not receive:
        return FamilyFigures({}, None)
    goods = Decimal(goods_cents).scaleb(-2)
    fund = money.fund_share(goods, shares.fund_percent)
    shared = ZERO_CENTS
    if receiving:
        for cost in shares.costs:
            basis_weight = {"weight": weight, "value": goods}.get(cost.basis, Decimal(1))
            shared += money.largest_remainder_share(cost.cut, family_id, basis_weight)
    total = goods + fund + shared
    bill = rules.FamilyResult(goods, fund, shared, total)
    if not receiving and not total:
        bill = None
    return FamilyFigures(receive, bill)


def family_data(figures: FamilyFigures, orders: FamilyOrders | None, basket: Decimal) -> dict:
    """The family's part as the page's client renders it: per product its order and what
    it would receive, its bill if the round closed now, and its running total."""
    lines = orders.lines if orders is not None else {}
    bill = figures.bill
    return {
        "lines": {
            str(product_id): {
                "firm": decimal_text(firm),
                "tolerance": decimal_text(tolerance),
                "receive": decimal_text(figures.receive.get(product_id, ZERO)),
            }
            for product_id, (firm, tolerance) in lines.items()
        },
        "has_order": any(firm or tolerance for firm, tolerance in lines.values()),
        "bill": None
        if bill is None
        else {
            "goods": decimal_text(bill.goods_total),
            "fund": decimal_text(bill.fund_share),
            "shared": decimal_text(bill.shared_costs),
            "total": decimal_text(bill.total),
        },
        "basket": decimal_text(basket),
    }


# --- The running total while the family types ---------------------------------------------------


def basket_total(
    items: Iterable[tuple[Decimal, Decimal, Decimal, Iterable[tuple[Decimal, Decimal]]]],
    fund_percent: Decimal,
) -> tuple[Decimal, Decimal, Decimal]:
    """`(goods, fund, total)` of a basket: each item `(firm, others, base_price, tiers)` is
    the family's firm quantity of a product, the other families' pooled firm quantity, and
    the product's prices; the tier is the one the group reaches with the family's quantity
    (gaf.money.line_price), the fund's share is on the goods (gaf.money.fund_share)."""
    goods = ZERO_CENTS
    for firm, others, base_price, tiers in items:
        goods += money.line_price(firm, others + firm, base_price, tiers)[1]
    fund = money.fund_share(goods, fund_percent)
    return goods, fund, goods + fund


def saved_basket(
    lines: Mapping[int, tuple[Decimal, Decimal]],
    prices: Mapping[int, Decimal],
    fund_percent: Decimal,
) -> Decimal:
    """The running total of the family's saved order (`basket_total` of its lines against
    the group's pools, which count them): what the page shows before the family types
    anything, and what the server confirms after each change. `prices` are the unit prices
    the group's pools reach (the `price_now` of each product's shares): the pool with the
    family's saved quantity is the pool itself, so each line is priced at it."""
    goods = ZERO_CENTS
    for product_id, (firm, _tolerance) in lines.items():
        price = prices.get(product_id)
        if firm and price is not None:
            goods += (firm * price).quantize(money.CENT, rounding=ROUND_HALF_UP)
    return goods + money.fund_share(goods, fund_percent)
