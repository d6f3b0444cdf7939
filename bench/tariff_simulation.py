"""A tariff reform over 20,000 households: the hub's computation against a bare loop.

Generates N households (seeded: the same ones every run): 1 to 3 adults, 0 to 5 children
aged 0 to 20, some with a disability, some with all parents working, ISE from 0 to 80,000 €.
For each household and each scale (the ISEE scale and the example Fattore Famiglia,
tariffs.indicators), works out the indicator and the monthly price of a canteen (four bands)
and a nursery (linear between two thresholds, with a cap), then the yearly revenue of each
service under each scale and how many families would pay more, less or the same.

Hub: tariffs.simulation.simulate, the reform simulation of the staff's page, once per
service with the ISEE scale as the current scenario and the example Fattore Famiglia as the
draft (indicators.compute + pricing.monthly_price with explain=False, validation, Decimal,
and its breakdowns by band and by number of children); for information, the indicators
and prices with the steps in words, as the calculator computes them (gettext and Italian
number formatting).
Baseline, same run: a plain-Python loop over the same rules written inline (Decimal, the
same rounding, no validation, no steps). Both must give the same revenues to the cent.

Run: .venv/bin/python bench/tariff_simulation.py [--households 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

import django

django.setup()

from tariffs import indicators, pricing, simulation  # noqa: E402

D = Decimal
CENT = D("0.01")
CANTEEN = pricing.TariffSpec(
    method=pricing.BANDS,
    exemption_threshold=D("3000"),
    bands=pricing.bands_from_data(
        [
            {"from": "0", "to": "6000", "price": "35.00"},
            {"from": "6000", "to": "12000", "price": "55.00"},
            {"from": "12000", "to": "20000", "price": "75.00"},
            {"from": "20000", "to": None, "price": "95.00"},
        ]
    ),
)
NURSERY = pricing.TariffSpec(
    method=pricing.LINEAR,
    min_price=D("120.00"),
    max_price=D("520.00"),
    lower_threshold=D("5000"),
    upper_threshold=D("30000"),
    cap=D("480.00"),
)
SERVICES = {"canteen": (CANTEEN, 9), "nursery": (NURSERY, 11)}
SCALES = {"isee": indicators.ISEE_SCALE, "ff": indicators.EXAMPLE_FATTORE_FAMIGLIA}


def households(count: int) -> list[indicators.Household]:
    rng = random.Random(17)
    result = []
    for _ in range(count):
        adults = rng.choice((1, 2, 2, 2, 3))
        children = tuple(rng.randint(0, 20) for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4, 5))))
        result.append(
            indicators.Household(
                adults=adults,
                children_ages=children,
                disabled_members=1 if rng.random() < 0.05 else 0,
                all_parents_work=rng.random() < 0.6,
                ise=D(rng.randint(0, 8_000_000)) / 100,
            )
        )
    return result


def summarise(prices: dict[str, list[Decimal]]) -> dict:
    summary = {}
    for service, (_spec, months) in SERVICES.items():
        isee, ff = prices[f"{service}:isee"], prices[f"{service}:ff"]
        summary[service] = {
            "revenue_isee": str(sum(isee, D("0")) * months),
            "revenue_ff": str(sum(ff, D("0")) * months),
            "pay_more": sum(1 for a, b in zip(isee, ff, strict=True) if b > a),
            "pay_less": sum(1 for a, b in zip(isee, ff, strict=True) if b < a),
            "pay_same": sum(1 for a, b in zip(isee, ff, strict=True) if b == a),
        }
    return summary


def through_the_hub(families: list[indicators.Household]) -> dict:
    """The reform simulation's module: ISEE now, the example Fattore Famiglia as the draft."""
    summary = {}
    for service, (spec, months) in SERVICES.items():
        total = simulation.simulate(
            families,
            current=simulation.Scenario(scale=SCALES["isee"], rule=spec),
            draft=simulation.Scenario(scale=SCALES["ff"], rule=spec),
            months_per_year=months,
        ).total
        summary[service] = {
            "revenue_isee": str(total.revenue_current),
            "revenue_ff": str(total.revenue_draft),
            "pay_more": total.more,
            "pay_less": total.less,
            "pay_same": total.same,
        }
    return summary


def as_the_calculator(families: list[indicators.Household], *, explain: bool = True) -> dict:
    prices: dict[str, list[Decimal]] = {
        f"{service}:{scale}": [] for service in SERVICES for scale in SCALES
    }
    for household in families:
        for scale_key, scale in SCALES.items():
            value = indicators.compute(household, scale, explain=explain).value
            for service, (spec, _months) in SERVICES.items():
                priced = pricing.monthly_price(spec, value, explain=explain)
                prices[f"{service}:{scale_key}"].append(priced.price)
    return summarise(prices)


def _bare_parameter(household, scale) -> Decimal:
    members = household.adults + len(household.children_ages)
    base = scale.base
    parameter = (
        base[members - 1]
        if members <= len(base)
        else base[-1] + scale.extra_member * (members - len(base))
    )
    children = len(household.children_ages)
    large = D("0")
    for count, value in scale.large_family:
        if children >= count:
            large = value
    parameter += large
    if household.all_parents_work and any(age < 18 for age in household.children_ages):
        parameter += (
            scale.young_child_working_parents
            if any(age < 3 for age in household.children_ages)
            else scale.minors_working_parents
        )
    parameter += scale.per_disabled_member * household.disabled_members
    parameter += scale.per_child * children
    return parameter


def _bare_canteen(value: Decimal) -> Decimal:
    if value < 3000:
        return D("0.00")
    if value < 6000:
        return D("35.00")
    if value < 12000:
        return D("55.00")
    if value < 20000:
        return D("75.00")
    return D("95.00")


def _bare_nursery(value: Decimal) -> Decimal:
    if value <= 5000:
        price = D("120.00")
    elif value >= 30000:
        price = D("520.00")
    else:
        price = (D("120.00") + D("400.00") * (value - 5000) / 25000).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
    return min(price, D("480.00"))


def bare_loop(families: list[indicators.Household]) -> dict:
    prices: dict[str, list[Decimal]] = {
        f"{service}:{scale}": [] for service in SERVICES for scale in SCALES
    }
    for household in families:
        for scale_key, scale in SCALES.items():
            value = (household.ise / _bare_parameter(household, scale)).quantize(
                CENT, rounding=ROUND_HALF_UP
            )
            prices[f"canteen:{scale_key}"].append(_bare_canteen(value))
            prices[f"nursery:{scale_key}"].append(_bare_nursery(value))
    return summarise(prices)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=20_000)
    arguments = parser.parse_args()
    families = households(arguments.households)

    started = time.perf_counter()
    baseline = bare_loop(families)
    baseline_seconds = time.perf_counter() - started
    started = time.perf_counter()
    hub = through_the_hub(families)
    hub_seconds = time.perf_counter() - started
    started = time.perf_counter()
    explained = as_the_calculator(families)
    explained_seconds = time.perf_counter() - started
    if not hub == explained == baseline:
        raise SystemExit(f"The two computations disagree:\nhub {hub}\nbare {baseline}")

    print(f"households: {len(families)}, scales: ISEE and example Fattore Famiglia")
    for service, figures in hub.items():
        print(
            f"{service}: revenue ISEE {figures['revenue_isee']} €, Fattore Famiglia "
            f"{figures['revenue_ff']} €; families paying more {figures['pay_more']}, "
            f"less {figures['pay_less']}, the same {figures['pay_same']}"
        )
    print(f"hub (tariffs.simulation.simulate, once per service): {hub_seconds:.3f} s")
    print(f"hub with the steps in words (as the calculator): {explained_seconds:.3f} s")
    print(f"bare loop, same rules inline: {baseline_seconds:.3f} s")
    ratio = hub_seconds / baseline_seconds
    print(f"ratio hub / bare: {ratio:.2f}")
    print(
        "RESULT "
        + json.dumps(
            {
                "households": len(families),
                "hub_seconds": round(hub_seconds, 4),
                "baseline_seconds": round(baseline_seconds, 4),
                "hub_explained_seconds": round(explained_seconds, 4),
                "ratio_explained": round(explained_seconds / baseline_seconds, 2),
                "ratio": round(ratio, 2),
                "households_per_second_hub": round(len(families) / hub_seconds),
                "summary": hub,
            }
        )
    )


if __name__ == "__main__":
    main()
