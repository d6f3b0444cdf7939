"""The pure round computation (gaf.rounds): states, steps, and totals that add up."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaf import rounds
from gaf.rounds import CostTerms, ProductTerms, QuantityChange

D = Decimal


def terms(
    id=1, *, multiple="1", case=None, maximum=None, price="2.00", tiers=(), vat=4, weight="0"
):
    return ProductTerms(
        id=id,
        multiple=D(multiple),
        case_size=None if case is None else D(case),
        max_total=None if maximum is None else D(maximum),
        unit_price=D(price),
        tiers=tuple((D(a), D(b)) for a, b in tiers),
        vat_rate=D(vat),
        weight_per_unit=D(weight),
    )


def change(sequence, family, product, firm, tolerance="0"):
    return QuantityChange(sequence, family, product, D(firm), D(tolerance))


def test_transitions():
    assert rounds.can_transition("draft", "open")
    assert rounds.can_transition("closed", "open")
    assert not rounds.can_transition("sent", "open")
    assert rounds.can_transition("settled", "cancelled")
    assert not rounds.can_transition("cancelled", "open")
    assert not rounds.can_transition("open", "sent")


def test_steps():
    assert rounds.to_steps(D("2.5"), D("0.5")) == 5
    with pytest.raises(ValueError, match="non è un multiplo"):
        rounds.to_steps(D("2.3"), D("0.5"))


def test_half_kilo_steps_fill_cases():
    apples = terms(multiple="0.5", case="3", price="2.40")
    result = rounds.compute_round(
        products=[apples],
        changes=[change(1, 10, 1, "1.5"), change(2, 11, 1, "1", "0.5")],
        policy="fifo",
        fund_percent=D("0"),
    )
    assert result.products[1].allocated_total == D("3")
    assert result.products[1].cases == 1
    assert result.lines[(11, 1)].allocated == D("1.5")


def test_tolerance_never_goes_beyond_the_maximum():
    eggs = terms(case="6", maximum="10")
    result = rounds.compute_round(
        products=[eggs],
        changes=[change(1, 1, 1, "9"), change(2, 2, 1, "0", "3")],
        policy="fifo",
        fund_percent=D("0"),
    )
    # 9 firm + 3 tolerance would make 2 cases (12) > 10: only the full case of firm units.
    assert result.products[1].allocated_total == D("6")
    assert result.lines[(2, 1)].allocated == D("0")


def test_tier_by_allocated_quantity_and_supplier_line_split():
    # 3 families × 0.5 kg at 2.15 €/kg: the supplier line is 1.5 × 2.15 = 3.225 → 3.23;
    # the families share it 1.08 + 1.08 + 1.07 (largest remainder, ties to smaller id).
    cheese = terms(multiple="0.5", price="2.15")
    result = rounds.compute_round(
        products=[cheese],
        changes=[change(i, family, 1, "0.5") for i, family in enumerate((5, 6, 7), 1)],
        policy="fifo",
        fund_percent=D("0"),
    )
    assert result.products[1].total == D("3.23")
    assert [result.lines[(f, 1)].total for f in (5, 6, 7)] == [D("1.08"), D("1.08"), D("1.07")]


def test_shared_costs_by_weight_fall_back_to_value():
    wine = terms(id=1, price="7.00")  # pieces without a known weight
    flour = terms(id=2, price="1.00", weight="1")
    result = rounds.compute_round(
        products=[wine, flour],
        changes=[change(1, 1, 1, "3"), change(2, 2, 2, "5"), change(3, 3, 1, "1")],
        policy="fifo",
        fund_percent=D("0"),
        costs=[CostTerms(1, D("10.00"), "weight"), CostTerms(2, D("3.00"), "value")],
    )
    # By weight only family 2 has weight: it pays the whole 10 €. By value 21 : 5 : 7.
    shares = {f: result.families[f].shared_costs for f in (1, 2, 3)}
    assert shares == {1: D("1.91"), 2: D("10.45"), 3: D("0.64")}
    assert sum(shares.values()) == result.shared_costs_total == D("13.00")


def test_nothing_received_no_cost_charged():
    eggs = terms(case="6")
    result = rounds.compute_round(
        products=[eggs],
        changes=[change(1, 1, 1, "4")],
        policy="fifo",
        fund_percent=D("2"),
        costs=[CostTerms(1, D("5.00"), "weight")],
    )
    assert result.shared_costs_total == D("0.00")
    assert result.families[1].total == D("0.00")


def test_pool_status_for_the_order_page():
    apples = terms(multiple="0.5", case="6", price="2.40", tiers=[("12", "2.10"), ("30", "1.90")])
    pool = rounds.product_pool(
        apples,
        [change(1, 1, 1, "4"), change(2, 2, 1, "3", "2")],
        policy="fifo",
        family_id=2,
    )
    assert (pool.firm, pool.tolerance, pool.full_cases) == (D("7"), D("2"), 1)
    assert pool.missing_to_next_case == D("5")
    assert pool.tolerance_completes is False
    assert pool.next_tier == (D("12"), D("2.10"))
    assert pool.missing_to_next_tier == D("5")
    assert pool.family_would_receive == D("2")  # 6 kg: A's 4 first, then 2 of B's 3
    assert pool.unit_price == D("2.40")


quantities = st.integers(min_value=0, max_value=12)


@st.composite
def round_inputs(draw):
    products = [
        terms(
            id=pid,
            multiple=draw(st.sampled_from(["1", "0.5", "0.25"])),
            case=draw(st.sampled_from([None, "3", "6"])),
            price=str(draw(st.decimals(min_value="0.05", max_value="40", places=4))),
            tiers=draw(st.sampled_from([(), (("4", "1.50"),), (("2", "0.90"), ("9", "0.80"))])),
            vat=draw(st.sampled_from([4, 5, 10, 22])),
            weight=draw(st.sampled_from(["0", "1", "0.75"])),
        )
        for pid in range(1, draw(st.integers(1, 4)) + 1)
    ]
    changes = []
    for sequence in range(1, draw(st.integers(0, 25)) + 1):
        product = draw(st.sampled_from(products))
        changes.append(
            QuantityChange(
                sequence,
                draw(st.integers(1, 6)),
                product.id,
                draw(quantities) * product.multiple,
                draw(quantities) * product.multiple if product.case_size else D(0),
            )
        )
    delivered = {}
    for sequence_change in changes:
        if draw(st.booleans()):
            delivered[(sequence_change.family_id, sequence_change.product_id)] = draw(
                st.decimals(min_value="0", max_value="20", places=3)
            )
    costs = [
        CostTerms(i, draw(st.decimals(min_value="0.01", max_value="60", places=2)), basis)
        for i, basis in enumerate(draw(st.lists(st.sampled_from(["weight", "value"]), max_size=3)))
    ]
    percent = draw(st.decimals(min_value="0", max_value="10", places=2))
    return products, changes, delivered, costs, percent


@settings(max_examples=150, deadline=None)
@given(round_inputs())
def test_families_add_up_to_supplier_plus_fund_plus_costs(inputs):
    products, changes, delivered, costs, percent = inputs
    result = rounds.compute_round(
        products=products,
        changes=changes,
        policy="proportional",
        fund_percent=percent,
        costs=costs,
        delivered=delivered,
    )
    families = result.families.values()
    assert sum((f.total for f in families), D(0)) == (
        result.supplier_total + result.fund_total + result.shared_costs_total
    )
    assert sum((f.fund_share for f in families), D(0)) == result.fund_total
    assert sum((f.shared_costs for f in families), D(0)) == result.shared_costs_total
    for product_id, product in result.products.items():
        lines = [line for (_f, p), line in result.lines.items() if p == product_id]
        assert sum((line.total for line in lines), D(0)) == product.total
        for line in lines:
            # Half a cent from rounding the supplier's line, under a cent from the split.
            assert abs(line.total - line.billed * product.unit_price) < D("0.015")
    if result.shared_costs_total:
        assert result.shared_costs_total == sum((c.amount for c in costs), D(0))


@settings(max_examples=150, deadline=None)
@given(round_inputs(), st.sampled_from(["fifo", "proportional"]))
def test_pricing_the_allocation_again_gives_what_the_computation_gave(inputs, policy):
    """price_round (a delivery, a shared cost on a closed round) on what compute_round
    allocated: the same products, line totals, families and totals."""
    products, changes, delivered, costs, percent = inputs
    result = rounds.compute_round(
        products=products,
        changes=changes,
        policy=policy,
        fund_percent=percent,
        costs=costs,
        delivered=delivered,
    )
    billed: dict[int, dict[int, int]] = {}
    for (family_id, product_id), line in result.lines.items():
        billed.setdefault(product_id, {})[family_id] = int(line.billed.scaleb(3))
    priced = rounds.price_round(
        products=products,
        allocations={
            product_id: (product.allocated_total, product.cases)
            for product_id, product in result.products.items()
        },
        billed=billed,
        unit=D("0.001"),
        families={change.family_id for change in changes},
        fund_percent=percent,
        costs=costs,
    )
    assert {
        (family_id, product.product_id): product.amounts[cents]
        for product in priced.products
        for family_id, cents in product.cents.items()
    } == {key: line.total for key, line in result.lines.items()}
    for product in priced.products:
        expected = result.products[product.product_id]
        assert (product.result.unit_price, product.result.total) == (
            expected.unit_price,
            expected.total,
        )
        assert product.result.billed_total == expected.billed_total
    assert priced.families == result.families
    assert (priced.supplier_total, priced.fund_total, priced.shared_costs_total) == (
        result.supplier_total,
        result.fund_total,
        result.shared_costs_total,
    )


@settings(max_examples=100, deadline=None)
@given(round_inputs(), st.sampled_from(["fifo", "proportional"]))
def test_a_stored_history_in_order_gives_the_same_round(inputs, policy):
    """allocate_and_price(in_order=True, unit=...), as the close calls it on the stored
    history (by sequence, each once, in thousandths), prices as compute_round does."""
    products, changes, _delivered, costs, percent = inputs
    in_order = sorted(changes, key=lambda change: change.sequence)
    if len({change.sequence for change in in_order}) != len(in_order):
        return
    result = rounds.compute_round(
        products=products, changes=changes, policy=policy, fund_percent=percent, costs=costs
    )
    in_thousandths = [
        (
            change.sequence,
            change.family_id,
            change.product_id,
            *(int(quantity.scaleb(3)) for quantity in (change.firm, change.tolerance)),
        )
        for change in in_order
    ]
    priced, allocated = rounds.allocate_and_price(
        products=products,
        changes=in_thousandths,
        policy=policy,
        fund_percent=percent,
        costs=costs,
        in_order=True,
        unit=D("0.001"),
    )
    assert priced.families == result.families
    assert {product.product_id: product.result for product in priced.products} == result.products
    for product in allocated:
        for family_id, steps in product.allocated.items():
            line = result.lines[(family_id, product.priced.product_id)]
            assert steps * product.multiple == line.allocated
