"""Reads: the municipalities and services the calculator offers, and what is in force."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hub.models import Municipality
from tariffs import indicators
from tariffs.models import Scale, ScaleKind, Service, Status, TariffRule

# When no scale is in force for a municipality, its network or everyone, the calculator
# still answers with the built-in ones (tariffs.indicators documents both).
BUILT_IN_SCALES = {
    ScaleKind.ISEE: (_("Scala ISEE (DPCM 159/2013)"), indicators.ISEE_SCALE),
    ScaleKind.FATTORE_FAMIGLIA: (
        _("Fattore Famiglia: scala di esempio"),
        indicators.EXAMPLE_FATTORE_FAMIGLIA,
    ),
}


def _in_force(on: date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_until__isnull=True) | Q(valid_until__gte=on))


def municipality_choices() -> list[tuple[str, str]]:
    """(slug, name) of the municipalities with at least one service: one query."""
    return list(
        Municipality.objects.filter(tariff_services__isnull=False)
        .distinct()
        .order_by("name")
        .values_list("slug", "name")
    )


def municipality_by_slug(slug: str) -> Municipality | None:
    return Municipality.objects.filter(slug=slug).first()


def scales_in_force(
    municipality: Municipality, *, on: date
) -> dict[str, tuple[str, indicators.ScaleCoefficients]]:
    """{kind: (name, coefficients)}: the municipality's own scale first, then its
    network's, then the one for everyone, then the built-in one. One query."""
    rows = (
        Scale.objects.filter(_in_force(on), status=Status.ACTIVE)
        .filter(
            Q(municipality=municipality)
            | Q(network__municipalities=municipality)
            | Q(municipality__isnull=True, network__isnull=True)
        )
        .order_by("-valid_from", "pk")
    )

    def priority(scale: Scale) -> int:
        if scale.municipality_id:
            return 0
        return 1 if scale.network_id else 2

    chosen: dict[str, Scale] = {}
    for scale in rows:
        current = chosen.get(scale.kind)
        if current is None or priority(scale) < priority(current):
            chosen[scale.kind] = scale
    result = {}
    for kind, (name, built_in) in BUILT_IN_SCALES.items():
        scale = chosen.get(kind)
        if scale is None:
            result[kind] = (str(name), built_in)
        else:
            result[kind] = (scale.name, scale.as_coefficients())
    return result


def services_with_rules(
    municipality: Municipality, *, kinds: list[str], on: date
) -> list[tuple[Service, TariffRule | None]]:
    """The municipality's services of these kinds, each with its rule in force (or None).
    Two queries."""
    services = list(
        Service.objects.filter(municipality=municipality, kind__in=kinds).order_by("kind")
    )
    rules: dict[int, TariffRule] = {}
    for rule in TariffRule.objects.filter(
        _in_force(on), status=Status.ACTIVE, service__in=services
    ).order_by("valid_from"):
        rules[rule.service_id] = rule  # the latest start wins
    return [(service, rules.get(service.pk)) for service in services]


# --- Reform simulation (staff) ------------------------------------------------------------


def simulation_rules() -> list[TariffRule]:
    """Every tariff rule, in force, past or draft, with its service and municipality, for
    the simulation's choices: one query."""
    return list(
        TariffRule.objects.select_related("service__municipality").order_by(
            "service__municipality__name", "service__kind", "status", "-valid_from", "pk"
        )
    )


def draft_scales() -> list[Scale]:
    """The draft scales, for the simulation's choices: one query."""
    return list(
        Scale.objects.filter(status=Status.DRAFT)
        .select_related("municipality", "network")
        .order_by("kind", "name", "pk")
    )
