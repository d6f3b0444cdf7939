"""Money rules: rounding, splitting to the cent, tier prices, VAT, the common fund."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaf.money import (
    VatLine,
    cents,
    fund_share,
    fund_total,
    line_price,
    split_cents,
    split_largest_remainder,
    vat_breakdown,
)

D = Decimal


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (D("2.345"), D("2.35")),
        (D("2.344"), D("2.34")),
        (D("0.005"), D("0.01")),
        (D("-2.345"), D("-2.35")),
        (D("7"), D("7.00")),
        ("1.115", D("1.12")),
    ],
)
def test_cents_rounds_halves_up(amount, expected):
    assert cents(amount) == expected
    assert cents(amount).as_tuple().exponent == -2


def test_floats_are_refused():
    with pytest.raises(TypeError, match="float"):
        cents(0.1)
    with pytest.raises(TypeError, match="float"):
        split_largest_remainder(D("1.00"), {"a": 0.5})


def test_split_on_delivered_weight():
    # A 6 kg cheese ordered as 2.5 + 2 + 1.5 kg; 5.4 kg delivered at 11.90 €/kg.
    _, delivered_total = line_price(D("5.4"), D("5.4"), D("11.90"))
    assert delivered_total == D("64.26")
    shares = split_largest_remainder(delivered_total, {"A": D("2.5"), "B": D("2"), "C": D("1.5")})
    # Exact shares 26.775, 21.42, 16.065: the one cent left goes to the tie A/C, A first.
    assert shares == {"A": D("26.78"), "B": D("21.42"), "C": D("16.06")}
    assert sum(shares.values()) == delivered_total


def test_split_equal_weights_gives_leftover_cents_to_the_first_keys():
    shares = split_largest_remainder(D("10.00"), {3: D(1), 1: D(1), 2: D(1)})
    assert shares == {1: D("3.34"), 2: D("3.33"), 3: D("3.33")}


def test_split_a_refund():
    shares = split_largest_remainder(D("-10.00"), {"a": D(1), "b": D(1), "c": D(1)})
    assert shares == {"a": D("-3.34"), "b": D("-3.33"), "c": D("-3.33")}


def test_split_zero_weight_gets_nothing():
    shares = split_largest_remainder(D("5.00"), {"a": D(0), "b": D(2)})
    assert shares == {"a": D("0.00"), "b": D("5.00")}


@pytest.mark.parametrize("weights", [{"a": D(0), "b": D(0)}, {}])
def test_split_needs_a_positive_weight(weights):
    with pytest.raises(ValueError, match="peso maggiore di zero"):
        split_largest_remainder(D("5.00"), weights)


def test_split_rejects_negative_weights():
    with pytest.raises(ValueError, match="negativi"):
        split_largest_remainder(D("5.00"), {"a": D(-1), "b": D(2)})


def test_split_rejects_fractions_of_a_cent():
    with pytest.raises(ValueError, match="centesimi"):
        split_largest_remainder(D("5.001"), {"a": D(1)})


TIERS = [(D("10"), D("2.80")), (D("30"), D("2.50"))]


@pytest.mark.parametrize(
    ("pooled", "unit_price", "total"),
    [
        (D("9.9"), D("3.00"), D("12.00")),
        (D("10"), D("2.80"), D("11.20")),
        (D("29"), D("2.80"), D("11.20")),
        (D("30"), D("2.50"), D("10.00")),
        (D("100"), D("2.50"), D("10.00")),
    ],
)
def test_line_price_tier_chosen_by_the_pooled_quantity(pooled, unit_price, total):
    assert line_price(D("4"), pooled, D("3.00"), TIERS) == (unit_price, total)


def test_line_price_tiers_in_any_order():
    assert line_price(D("4"), D("35"), D("3.00"), list(reversed(TIERS))) == (
        D("2.50"),
        D("10.00"),
    )


def test_line_price_rounds_the_total_half_up():
    assert line_price(D("1.5"), D("1.5"), D("3.33")) == (D("3.33"), D("5.00"))  # 4.995


def test_line_price_rejects_duplicate_thresholds_and_negatives():
    with pytest.raises(ValueError, match="soglia"):
        line_price(D(1), D(10), D(3), [(D(10), D(2)), (D(10), D(1))])
    with pytest.raises(ValueError, match="negative"):
        line_price(D(-1), D(10), D(3))
    with pytest.raises(ValueError, match="negativo"):
        line_price(D(1), D(10), D(-3))


def test_vat_breakdown_per_rate_from_gross_prices():
    lines = [(D("10.40"), D(4)), (D("5.20"), D(4)), (D("12.20"), D(22)), (D("1.10"), D(10))]
    assert vat_breakdown(lines) == {
        D(4): VatLine(rate=D(4), gross=D("15.60"), base=D("15.00"), vat=D("0.60")),
        D(10): VatLine(rate=D(10), gross=D("1.10"), base=D("1.00"), vat=D("0.10")),
        D(22): VatLine(rate=D(22), gross=D("12.20"), base=D("10.00"), vat=D("2.20")),
    }


def test_vat_breakdown_rounds_the_base_once_per_rate():
    # Ten lines of 0.10 at 22%: 1.00 / 1.22 = 0.8197 gives a base of 0.82, where rounding
    # each line (0.08) and adding would give 0.80.
    breakdown = vat_breakdown([(D("0.10"), D(22))] * 10)
    assert breakdown[D(22)] == VatLine(rate=D(22), gross=D("1.00"), base=D("0.82"), vat=D("0.18"))


def test_vat_breakdown_rejects_negative_rates():
    with pytest.raises(ValueError, match="aliquota"):
        vat_breakdown([(D("1.00"), D(-4))])


def test_fund_shares_and_their_total():
    amounts = [D("23.45"), D("17.10"), D("9.99")]
    shares = [fund_share(amount, D("2")) for amount in amounts]
    assert shares == [D("0.47"), D("0.34"), D("0.20")]  # 0.469, 0.342, 0.1998
    assert fund_total(shares) == D("1.01")


def test_fund_share_rounds_half_up():
    assert fund_share(D("0.25"), D("2")) == D("0.01")  # 0.005


def test_fund_total_of_nothing():
    assert fund_total([]) == D("0.00")


@pytest.mark.parametrize("percent", [D("-1"), D("100.01")])
def test_fund_share_percent_between_0_and_100(percent):
    with pytest.raises(ValueError, match="percentuale"):
        fund_share(D("10.00"), percent)


# Properties.

cent_amounts = st.integers(min_value=-(10**9), max_value=10**9).map(lambda c: D(c).scaleb(-2))
weight_values = st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False)
weight_maps = st.dictionaries(st.integers(0, 50), weight_values, min_size=1, max_size=12).filter(
    lambda weights: any(weights.values())
)


@given(cent_amounts, weight_maps)
def test_split_sums_exactly_and_stays_within_a_cent(total, weights):
    shares = split_largest_remainder(total, weights)
    assert sum(shares.values()) == total
    assert list(shares) == sorted(weights)
    weight_sum = sum(weights.values())
    for key, share in shares.items():
        assert share == share.quantize(D("0.01"))
        exact = total * weights[key] / weight_sum
        assert abs(share - exact) < D("0.01")


@given(cent_amounts, weight_maps, st.randoms())
def test_split_does_not_depend_on_the_order_of_the_weights(total, weights, rng):
    items = list(weights.items())
    rng.shuffle(items)
    assert split_largest_remainder(total, dict(items)) == split_largest_remainder(total, weights)


vat_rates = st.sampled_from([D(0), D(4), D(5), D(10), D(22), D("7.5")])


@given(st.lists(st.tuples(cent_amounts, vat_rates), max_size=20))
def test_vat_base_plus_vat_is_the_gross_per_rate(lines):
    breakdown = vat_breakdown(lines)
    assert set(breakdown) == {rate for _, rate in lines}
    for rate, line in breakdown.items():
        assert line.gross == sum((gross for gross, r in lines if r == rate), D(0))
        assert line.base + line.vat == line.gross
        assert line.base == line.base.quantize(D("0.01"))
        assert abs(line.base * (1 + rate / 100) - line.gross) <= D("0.01") * (1 + rate / 100)


@given(st.lists(st.tuples(cent_amounts, st.decimals(0, 100, places=2)), max_size=20))
def test_the_fund_entry_equals_the_sum_of_the_shares(contributions):
    shares = [fund_share(amount, percent) for amount, percent in contributions]
    assert fund_total(shares) == sum(shares, D(0))
    for share, (amount, percent) in zip(shares, contributions, strict=True):
        assert abs(share - amount * percent / 100) <= D("0.005")


@given(cent_amounts.filter(lambda total: total >= 0), weight_maps, st.integers(0, 4))
def test_split_in_whole_numbers_is_the_decimal_split(total, weights, extra_places):
    """split_cents on the weights in any common unit gives split_largest_remainder's cents
    (a round's lines are split in whole steps or thousandths)."""
    scale = 3 + extra_places
    whole = {key: int(weight.scaleb(scale)) for key, weight in weights.items()}
    cents = split_cents(int(total.scaleb(2)), whole)
    assert list(cents) == sorted(weights)
    assert {key: D(share).scaleb(-2) for key, share in cents.items()} == (
        split_largest_remainder(total, weights)
    )
