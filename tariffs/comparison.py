"""The calculator: a household's tariffs under ISEE and under the Fattore Famiglia.

Reads only (scales and rules in force); writes nothing and logs nothing: what a family
types stays in the request. Used by the public page and by the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hub.models import Municipality
from tariffs import indicators, pricing, selectors
from tariffs.models import ScaleKind, ServiceKind


@dataclass(frozen=True)
class ServiceComparison:
    kind: str
    name: str
    months_per_year: int
    isee: pricing.Priced
    fattore_famiglia: pricing.Priced

    @property
    def monthly_difference(self) -> Decimal:
        """Fattore Famiglia minus ISEE: negative when the family would pay less."""
        return self.fattore_famiglia.price - self.isee.price

    @property
    def yearly_isee(self) -> Decimal:
        return self.isee.price * self.months_per_year

    @property
    def yearly_fattore_famiglia(self) -> Decimal:
        return self.fattore_famiglia.price * self.months_per_year

    @property
    def yearly_difference(self) -> Decimal:
        return self.monthly_difference * self.months_per_year


@dataclass(frozen=True)
class Comparison:
    municipality: Municipality
    isee_scale: str
    fattore_famiglia_scale: str
    isee: indicators.Indicator
    fattore_famiglia: indicators.Indicator
    services: tuple[ServiceComparison, ...]

    @property
    def monthly_difference(self) -> Decimal:
        return sum((row.monthly_difference for row in self.services), Decimal("0.00"))

    @property
    def yearly_difference(self) -> Decimal:
        return sum((row.yearly_difference for row in self.services), Decimal("0.00"))

    @property
    def yearly_difference_size(self) -> Decimal:
        """How much more or less, for the sentence that says which."""
        return abs(self.yearly_difference)


def compare(
    *,
    household: indicators.Household,
    municipality_slug: str,
    service_kinds: list[str],
    on: date,
) -> Comparison:
    """Raises ValidationError (by field: adults, ise, municipality, services, ...) for an
    impossible household, an unknown municipality or a service it does not offer."""
    indicators.validate_household(household)
    municipality = selectors.municipality_by_slug(municipality_slug)
    if municipality is None:
        raise ValidationError({"municipality": [_("Comune sconosciuto.")]})
    if not service_kinds:
        raise ValidationError({"services": [_("Scegli almeno un servizio.")]})
    unknown = [kind for kind in service_kinds if kind not in ServiceKind.values]
    if unknown:
        raise ValidationError(
            {"services": [_("Servizio sconosciuto: %(kind)s.") % {"kind": ", ".join(unknown)}]}
        )
    found = selectors.services_with_rules(municipality, kinds=service_kinds, on=on)
    offered = {service.kind for service, rule in found if rule is not None}
    missing = [str(ServiceKind(kind).label) for kind in service_kinds if kind not in offered]
    if missing:
        raise ValidationError(
            {
                "services": [
                    _("%(municipality)s non ha una tariffa in vigore per: %(services)s.")
                    % {"municipality": municipality.name, "services": ", ".join(missing)}
                ]
            }
        )
    scales = selectors.scales_in_force(municipality, on=on)
    isee_name, isee_scale = scales[ScaleKind.ISEE]
    ff_name, ff_scale = scales[ScaleKind.FATTORE_FAMIGLIA]
    isee = indicators.compute(household, isee_scale)
    ff = indicators.compute(household, ff_scale)
    rows = []
    for service, rule in found:
        spec = rule.as_spec()
        rows.append(
            ServiceComparison(
                kind=service.kind,
                name=service.name,
                months_per_year=service.months_per_year,
                isee=pricing.monthly_price(spec, isee.value),
                fattore_famiglia=pricing.monthly_price(spec, ff.value),
            )
        )
    return Comparison(
        municipality=municipality,
        isee_scale=isee_name,
        fattore_famiglia_scale=ff_name,
        isee=isee,
        fattore_famiglia=ff,
        services=tuple(rows),
    )
