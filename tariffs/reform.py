"""The reform simulation for staff: the chosen rules and scales as plain values, the
households that use the service, and tariffs.simulation over them.

Reads only (the scale in force, through the selectors); writes nothing: the households
stay in the request and are gone with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tariffs import selectors, simulation
from tariffs.households_csv import HouseholdRow
from tariffs.models import Scale, TariffRule


def simulate_reform(
    *,
    current_rule: TariffRule,
    draft_rule: TariffRule | None,
    scale_kind: str,
    draft_scale: Scale | None,
    rows: Sequence[HouseholdRow],
    on: date,
) -> simulation.Summary:
    """Raises ValidationError when no household of the file uses the service."""
    service = current_rule.service
    users = [row.household for row in rows if service.kind in row.services]
    if not users:
        raise ValidationError(
            {
                "households": [
                    _(
                        "Nessuna famiglia del file usa il servizio «%(service)s»: "
                        "scrivilo nella colonna «servizi»."
                    )
                    % {"service": service.get_kind_display()}
                ]
            }
        )
    scale_name, current_scale = selectors.scales_in_force(service.municipality, on=on)[scale_kind]
    current_spec = current_rule.as_spec()
    draft_spec = draft_rule.as_spec() if draft_rule is not None else current_spec
    description = {
        "municipality": service.municipality.name,
        "service": service.name,
        "current_rule": str(current_rule),
        "draft_rule": str(draft_rule) if draft_rule is not None else _("la regola attuale"),
        "current_scale": scale_name,
        "draft_scale": draft_scale.name if draft_scale is not None else _("la scala attuale"),
    }
    return simulation.simulate(
        users,
        current=simulation.Scenario(scale=current_scale, rule=current_spec),
        draft=simulation.Scenario(
            scale=draft_scale.as_coefficients() if draft_scale is not None else current_scale,
            rule=draft_spec,
        ),
        months_per_year=service.months_per_year,
        description=description,
    )
