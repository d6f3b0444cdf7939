"""A tariff reform simulated over anonymous households, as a pure function.

For each household: its indicator under the current scale and the monthly price of the
service under the current rule; the same under the draft (a draft scale, a draft rule, or
both); the yearly amounts are the monthly prices times the service's months a year. Then
the revenue under each, how many families would pay more, less or the same, and the same
figures by band of the current indicator and by number of children.

Plain values in and out (tariffs.indicators, tariffs.pricing); nothing is stored. The
summary turns into JSON-ready data and back (`as_data`/`from_data`) so that the page can
hand the figures to the report's download without keeping the households anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from hub.formatting import euro
from tariffs import indicators, pricing

ZERO = Decimal("0.00")
# Bands of the indicator for a rule that has none of its own (linear): euros.
DEFAULT_BAND_LIMITS = (
    Decimal(0),
    Decimal(5000),
    Decimal(10000),
    Decimal(15000),
    Decimal(20000),
    Decimal(30000),
)
CHILDREN_GROUPS = (0, 1, 2, 3, 4)  # the last one: 4 or more


@dataclass(frozen=True)
class Scenario:
    scale: indicators.ScaleCoefficients
    rule: pricing.TariffSpec


@dataclass
class Group:
    """One row of a breakdown (a band, a number of children) or the whole."""

    label: str
    households: int = 0
    more: int = 0
    less: int = 0
    same: int = 0
    revenue_current: Decimal = ZERO
    revenue_draft: Decimal = ZERO

    def add(self, current: Decimal, draft: Decimal) -> None:
        self.households += 1
        self.revenue_current += current
        self.revenue_draft += draft
        if draft > current:
            self.more += 1
        elif draft < current:
            self.less += 1
        else:
            self.same += 1

    @property
    def difference(self) -> Decimal:
        return self.revenue_draft - self.revenue_current

    @property
    def mean_difference(self) -> Decimal:
        """The yearly change per household, to the cent."""
        if not self.households:
            return ZERO
        return (self.difference / self.households).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def share(self, count: int) -> Decimal | None:
        """`count` as a percentage of the group's households (None for an empty group)."""
        if not self.households:
            return None
        return (Decimal(count) * 100 / self.households).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    def as_data(self) -> dict:
        return {
            "label": self.label,
            "households": self.households,
            "more": self.more,
            "less": self.less,
            "same": self.same,
            "revenue_current": str(self.revenue_current),
            "revenue_draft": str(self.revenue_draft),
        }

    @classmethod
    def from_data(cls, data: dict) -> Group:
        return cls(
            label=str(data["label"]),
            households=int(data["households"]),
            more=int(data["more"]),
            less=int(data["less"]),
            same=int(data["same"]),
            revenue_current=Decimal(data["revenue_current"]),
            revenue_draft=Decimal(data["revenue_draft"]),
        )


@dataclass
class Summary:
    total: Group
    by_band: list[Group] = field(default_factory=list)
    by_children: list[Group] = field(default_factory=list)
    # What was compared, in words, for the report's heading.
    description: dict[str, str] = field(default_factory=dict)

    def as_data(self) -> dict:
        return {
            "total": self.total.as_data(),
            "by_band": [group.as_data() for group in self.by_band],
            "by_children": [group.as_data() for group in self.by_children],
            "description": dict(self.description),
        }

    @classmethod
    def from_data(cls, data: dict) -> Summary:
        return cls(
            total=Group.from_data(data["total"]),
            by_band=[Group.from_data(item) for item in data["by_band"]],
            by_children=[Group.from_data(item) for item in data["by_children"]],
            description={str(key): str(value) for key, value in data["description"].items()},
        )


def band_limits(rule: pricing.TariffSpec) -> tuple[Decimal, ...]:
    """The lower ends of the bands a breakdown uses: the rule's own bands, or
    DEFAULT_BAND_LIMITS for a linear rule."""
    if rule.method == pricing.BANDS and rule.bands:
        return tuple(sorted(band.lower for band in rule.bands))
    return DEFAULT_BAND_LIMITS


def _euros(value: Decimal) -> str:
    """A band's limit: "6.000", or "6.000,50" when it has cents."""
    if value != value.to_integral_value():
        return euro(value)
    return formats.number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


def band_label(limits: Sequence[Decimal], index: int) -> str:
    if index + 1 < len(limits):
        return _("da %(from)s a %(to)s €") % {
            "from": _euros(limits[index]),
            "to": _euros(limits[index + 1]),
        }
    return _("da %(from)s € in su") % {"from": _euros(limits[index])}


def children_label(count: int) -> str:
    if count == CHILDREN_GROUPS[-1]:
        return _("%(n)d o più figli") % {"n": count}
    if count == 0:
        return _("nessun figlio")
    if count == 1:
        return _("1 figlio")
    return _("%(n)d figli") % {"n": count}


def _band_index(limits: Sequence[Decimal], value: Decimal) -> int:
    index = 0
    for position, lower in enumerate(limits):
        if value >= lower:
            index = position
    return index


def simulate(
    households: Iterable[indicators.Household],
    *,
    current: Scenario,
    draft: Scenario,
    months_per_year: int,
    description: dict[str, str] | None = None,
) -> Summary:
    """The yearly effect of moving from `current` to `draft` for these households."""
    limits = band_limits(current.rule)
    total = Group(_("Tutte le famiglie"))
    by_band = [Group(band_label(limits, index)) for index in range(len(limits))]
    by_children = [Group(children_label(count)) for count in CHILDREN_GROUPS]
    same_scale = current.scale == draft.scale
    for household in households:
        value_current = indicators.compute(household, current.scale, explain=False).value
        value_draft = (
            value_current
            if same_scale
            else indicators.compute(household, draft.scale, explain=False).value
        )
        price_current = pricing.monthly_price(current.rule, value_current, explain=False).price
        price_draft = pricing.monthly_price(draft.rule, value_draft, explain=False).price
        yearly_current = price_current * months_per_year
        yearly_draft = price_draft * months_per_year
        total.add(yearly_current, yearly_draft)
        by_band[_band_index(limits, value_current)].add(yearly_current, yearly_draft)
        by_children[min(household.children, CHILDREN_GROUPS[-1])].add(yearly_current, yearly_draft)
    return Summary(
        total=total,
        by_band=by_band,
        by_children=by_children,
        description=dict(description or {}),
    )
