"""The live totals (gaf.live_totals): a family's part worked out from the round's shares and
its own orders is what the whole round's computation gives it; the running total's rule."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaf import allocation, live_totals, money
from gaf import rounds as rules
from gaf.rounds import CostTerms, ProductTerms

D = Decimal
UNIT = D("0.001")


def terms(id, *, multiple="1", case=None, maximum=None, price="2.00", tiers=(), weight="0"):
    return ProductTerms(
        id=id,
        multiple=D(multiple),
        case_size=None if case is None else D(case),
        max_total=None if maximum is None else D(maximum),
        unit_price=D(price),
        tiers=tuple((D(a), D(b)) for a, b in tiers),
        vat_rate=D(4),
        weight_per_unit=D(weight),
    )


@st.composite
def open_rounds(draw):
    products = []
    for pid in range(1, draw(st.integers(1, 4)) + 1):
        case = draw(st.sampled_from([None, "3", "6"]))
        products.append(
            terms(
                pid,
                multiple=draw(st.sampled_from(["1", "0.5", "0.25"])),
                case=case,
                maximum=draw(st.sampled_from([None, "12", "30"])),
                price=str(draw(st.decimals(min_value="0.05", max_value="40", places=4))),
                tiers=draw(st.sampled_from([(), (("4", "1.50"),), (("2", "0.90"), ("9", "0.80"))])),
                weight=draw(st.sampled_from(["0", "1", "0.75", "0.001"])),
            )
        )
    history = []
    for sequence in range(1, draw(st.integers(0, 30)) + 1):
        product = draw(st.sampled_from(products))
        firm = draw(st.integers(0, 12)) * product.multiple
        tolerance = draw(st.integers(0, 12)) * product.multiple if product.case_size else D(0)
        history.append(
            (
                sequence,
                draw(st.integers(1, 6)),
                product.id,
                int(firm / UNIT),
                int(tolerance / UNIT),
            )
        )
    costs = [
        CostTerms(i, draw(st.decimals(min_value="-5", max_value="60", places=2)), basis)
        for i, basis in enumerate(draw(st.lists(st.sampled_from(["weight", "value"]), max_size=3)))
    ]
    percent = draw(st.decimals(min_value="0", max_value="10", places=2))
    policy = draw(st.sampled_from(["fifo", "proportional"]))
    return products, history, costs, percent, policy


def own_orders(history, family_id, *, known):
    return live_totals.FamilyOrders(
        family_id,
        [(s, p, firm * UNIT, tol * UNIT) for s, f, p, firm, tol in history if f == family_id],
        known=known,
    )


@settings(max_examples=300, deadline=None)
@given(open_rounds())
def test_a_familys_part_from_the_shares_is_what_the_round_gives_it(inputs):
    products, history, costs, percent, policy = inputs
    result = rules.compute_round(
        products=products,
        changes=history,
        policy=policy,
        fund_percent=percent,
        costs=costs,
        unit=UNIT,
    )
    shares, pools = live_totals.round_shares(
        products=products,
        history=history,
        unit=UNIT,
        policy=policy,
        fund_percent=percent,
        costs=costs,
        after=0,
    )
    # As the consumers get them: through JSON.
    shares = live_totals.shares_from_data(json.loads(json.dumps(live_totals.shares_data(shares))))
    for family_id in range(1, 7):
        orders = own_orders(history, family_id, known=shares.version)
        figures = live_totals.family_figures(shares, orders)
        # The running total of the saved order is the rule's, the pool counting the family.
        items = [
            (firm, D(pools[p.id]["firm"]) - firm, p.unit_price, p.tiers)
            for p in products
            for firm, _tolerance in [orders.lines.get(p.id, (D(0), D(0)))]
        ]
        assert (
            live_totals.saved_basket(orders.lines, shares.prices, percent)
            == (live_totals.basket_total(items, percent)[2])
        )
        expected = {p: line.allocated for (f, p), line in result.lines.items() if f == family_id}
        assert figures.receive == expected
        family = result.families.get(family_id)
        if family is None or (not family.total and not any(expected.values())):
            assert figures.bill is None
        else:
            assert figures.bill == family


@settings(max_examples=100, deadline=None)
@given(open_rounds(), st.data())
def test_a_page_following_the_changes_holds_the_familys_whole_history(inputs, data):
    """Shares announced change by change (some arriving twice, some late) keep a family's
    history complete; one that starts after what the page holds is refused (reload)."""
    products, history, costs, percent, policy = inputs
    family_id = 1
    orders = live_totals.FamilyOrders(family_id, [], known=0)
    done = 0
    while done < len(history):
        upto = data.draw(st.integers(done + 1, len(history)))
        shares, _pools = live_totals.round_shares(
            products=products,
            history=history[:upto],
            unit=UNIT,
            policy=policy,
            fund_percent=percent,
            costs=costs,
            after=done,
        )
        orders = orders.followed_by(shares)
        assert orders.followed_by(shares) is orders  # the same announcement again
        done = upto
    assert orders.known == len(history)
    assert orders.events == own_orders(history, family_id, known=0).events
    if len(history) >= 2:
        late, _pools = live_totals.round_shares(
            products=products,
            history=history,
            unit=UNIT,
            policy=policy,
            fund_percent=percent,
            costs=costs,
            after=len(history) - 1,
        )
        assert live_totals.FamilyOrders(family_id, [], known=0).followed_by(late) is None


# --- The cuts ---------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([None, 1, 3, 6]),
    st.lists(st.tuples(st.integers(1, 5), st.integers(0, 9), st.integers(0, 9)), max_size=30),
    st.sampled_from(["fifo", "proportional"]),
)
def test_a_queue_cut_serves_each_family_what_the_allocation_serves_it(case, orders, policy):
    events = [(sequence, f, firm, tol) for sequence, (f, firm, tol) in enumerate(orders, 1)]
    firm, _tolerance, allocated, _cases, _total = allocation.allocate_units(case, events, policy)
    firm_cut, tolerance_cut, _units = allocation.allocation_cuts(case, events, policy)
    for family_id in firm:
        mine = [(s, q, t) for s, f, q, t in events if f == family_id]
        served = allocation.served_by_cut(
            firm_cut, family_id, allocation.family_blocks((s, q) for s, q, _t in mine)
        ) + allocation.served_by_cut(
            tolerance_cut, family_id, allocation.family_blocks((s, t) for s, _q, t in mine)
        )
        assert served == allocated[family_id]


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10_000), st.dictionaries(st.integers(1, 20), st.integers(0, 50), min_size=1))
def test_a_split_cut_gives_each_key_its_share(total, weights):
    if not sum(weights.values()):
        weights[1] = 1
    cut = money.split_cut(total, weights)
    for key, share in money.split_cents(total, weights).items():
        assert money.split_share(total, weights[key], key, cut) == share


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(min_value="-100", max_value="100", places=2),
    st.dictionaries(
        st.integers(1, 9), st.decimals(min_value="0", max_value="50", places=3), min_size=1
    ),
)
def test_a_largest_remainder_cut_gives_each_key_its_part(total, weights):
    if not any(weights.values()):
        weights[1] = D("0.5")
    cut = money.largest_remainder_cut(total, weights)
    for key, part in money.split_largest_remainder(total, weights).items():
        assert money.largest_remainder_share(cut, key, weights[key]) == part


# --- The running total ------------------------------------------------------------------------

BASKET_CASES = json.loads(
    (
        __import__("pathlib").Path(__file__).resolve().parents[2]
        / "frontend"
        / "test"
        / "basket-cases.json"
    ).read_text()
)


@pytest.mark.parametrize("case", BASKET_CASES, ids=[case["name"] for case in BASKET_CASES])
def test_the_running_total_rule_on_the_shared_table(case):
    """The table the browser's rule is checked on too (frontend/test/gaf-round-core.test.mjs)."""
    items = [
        (D(firm), D(others), D(price), [(D(low), D(tier)) for low, tier in tiers])
        for firm, others, price, tiers in case["items"]
    ]
    goods, fund, total = live_totals.basket_total(items, D(case["fund_percent"]))
    assert [str(goods), str(fund), str(total)] == case["expected"]
