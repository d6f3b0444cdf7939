"""The reform simulation as a pure function: revenues, more/less/same, by band and by number
of children, worked out by hand on a few households."""

from decimal import Decimal

from tariffs import indicators, pricing, simulation
from tariffs.indicators import Household

D = Decimal
CURRENT = pricing.TariffSpec(
    method=pricing.BANDS,
    bands=pricing.bands_from_data(
        [
            {"from": "0", "to": "5000", "price": "20.00"},
            {"from": "5000", "to": "15000", "price": "45.00"},
            {"from": "15000", "to": None, "price": "80.00"},
        ]
    ),
)
DRAFT = pricing.TariffSpec(
    method=pricing.BANDS,
    bands=pricing.bands_from_data(
        [
            {"from": "0", "to": "5000", "price": "10.00"},
            {"from": "5000", "to": "15000", "price": "45.00"},
            {"from": "15000", "to": None, "price": "95.00"},
        ]
    ),
)
ISEE = indicators.ISEE_SCALE
# ISE chosen so that the ISEE indicator (ISE / parameter) falls in a known band.
FAMILIES = [
    Household(adults=1, ise=D("3000")),  # 3,000: first band, 20 -> 10
    Household(adults=2, children_ages=(4,), ise=D("20400")),  # 20,400/2.04 = 10,000: same
    Household(adults=2, children_ages=(4, 8), ise=D("49200")),  # /2.46 = 20,000: 80 -> 95
    Household(adults=2, children_ages=(1, 4, 8, 12, 15), ise=D("0")),  # 0: 20 -> 10
]


def run(draft=DRAFT, draft_scale=ISEE, families=FAMILIES):
    return simulation.simulate(
        families,
        current=simulation.Scenario(scale=ISEE, rule=CURRENT),
        draft=simulation.Scenario(scale=draft_scale, rule=draft),
        months_per_year=10,
        description={"municipality": "Lissone"},
    )


def test_totals_count_every_household_and_sum_yearly_revenues():
    summary = run()
    total = summary.total
    assert total.households == 4
    assert total.revenue_current == D("20") * 10 + D("45") * 10 + D("80") * 10 + D("20") * 10
    assert total.revenue_draft == D("10") * 10 + D("45") * 10 + D("95") * 10 + D("10") * 10
    assert (total.more, total.less, total.same) == (1, 2, 1)
    assert total.difference == D("-50.00")
    assert total.mean_difference == D("-12.50")
    assert total.share(total.less) == D("50.0")


def test_breakdowns_by_the_current_rules_bands_and_by_children():
    summary = run()
    assert [group.label for group in summary.by_band] == [
        "da 0 a 5.000 €",
        "da 5.000 a 15.000 €",
        "da 15.000 € in su",
    ]
    assert [(g.households, g.more, g.less, g.same) for g in summary.by_band] == [
        (2, 0, 2, 0),
        (1, 0, 0, 1),
        (1, 1, 0, 0),
    ]
    assert [group.label for group in summary.by_children] == [
        "nessun figlio",
        "1 figlio",
        "2 figli",
        "3 figli",
        "4 o più figli",
    ]
    assert [g.households for g in summary.by_children] == [1, 1, 1, 0, 1]
    assert summary.by_children[3].share(0) is None
    # The breakdowns partition the households and the revenues.
    for groups in (summary.by_band, summary.by_children):
        assert sum(g.households for g in groups) == summary.total.households
        assert sum(g.revenue_draft for g in groups) == summary.total.revenue_draft


def test_a_linear_rule_is_broken_down_by_default_bands():
    linear = pricing.TariffSpec(
        method=pricing.LINEAR,
        min_price=D("10"),
        max_price=D("100"),
        lower_threshold=D("1000"),
        upper_threshold=D("30000"),
    )
    assert simulation.band_limits(linear) == simulation.DEFAULT_BAND_LIMITS
    summary = simulation.simulate(
        FAMILIES,
        current=simulation.Scenario(scale=ISEE, rule=linear),
        draft=simulation.Scenario(scale=ISEE, rule=linear),
        months_per_year=1,
    )
    assert summary.total.same == 4
    assert summary.total.difference == 0
    assert summary.by_band[-1].label == "da 30.000 € in su"


def test_a_draft_scale_alone_changes_the_indicator_not_the_rule():
    family = Household(adults=2, children_ages=(4, 8), ise=D("38000"))
    # ISEE: 38,000 / 2.46 = 15,447.15 (top band, 80 €); example Fattore Famiglia:
    # 38,000 / (2.46 + 2 × 0.10) = 14,285.71 (middle band, 45 €).
    summary = run(draft=CURRENT, draft_scale=indicators.EXAMPLE_FATTORE_FAMIGLIA, families=[family])
    assert (summary.total.more, summary.total.less, summary.total.same) == (0, 1, 0)
    assert summary.total.revenue_current == D("800.00")
    assert summary.total.revenue_draft == D("450.00")
    # The band is the current indicator's.
    assert summary.by_band[2].households == 1


def test_the_summary_goes_to_data_and_back():
    summary = run()
    again = simulation.Summary.from_data(summary.as_data())
    assert again.as_data() == summary.as_data()
    assert again.total.revenue_current == summary.total.revenue_current
    assert again.description == {"municipality": "Lissone"}
