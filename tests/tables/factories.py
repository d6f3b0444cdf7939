"""Tables for tests: a network with its municipalities, a table with its people, proposals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from hub.models import Area
from tables import services
from tables.models import Meeting, Membership, Proposal, Role, Table
from tests.hub.factories import MunicipalityFactory, NetworkFactory, UserFactory


@dataclass
class TableSetup:
    table: Table
    coordinator: object
    member: object
    observer: object
    outsider: object


def make_table(
    *, visibility: str = Table.Visibility.PUBLIC, kind: str = Table.Kind.MUNICIPAL, name=None
) -> TableSetup:
    network = NetworkFactory()
    towns = [MunicipalityFactory(), MunicipalityFactory()]
    network.municipalities.add(*towns)
    coordinator = UserFactory(is_staff=True)
    table = services.table_create(
        by=coordinator,
        kind=kind,
        network=network,
        municipality=towns[0] if kind == Table.Kind.MUNICIPAL else None,
        name=name or f"Tavolo delle famiglie di {towns[0].name}",
        description="Programma e co-progetta le buone pratiche.",
        visibility=visibility,
    )
    member = UserFactory()
    observer = UserFactory()
    Membership.objects.create(table=table, user=member, role=Role.MEMBER)
    Membership.objects.create(table=table, user=observer, role=Role.OBSERVER)
    return TableSetup(table, coordinator, member, observer, UserFactory())


def area() -> Area:
    return Area.objects.order_by("pk").first()


def make_proposal(setup: TableSetup, *, by=None, publish=True, **fields) -> Proposal:
    values = {
        "title": "Doposcuola condiviso",
        "summary": "Un doposcuola gestito dalle famiglie.",
        "body": "Le famiglie si alternano due pomeriggi a settimana.",
        "area": area(),
        "budget_estimate": Decimal("1500.00"),
    }
    values.update(fields)
    proposal = services.proposal_create(by=by or setup.member, table=setup.table, **values)
    if publish:
        services.proposal_publish(by=by or setup.member, proposal=proposal)
        proposal.refresh_from_db()
    return proposal


def make_meeting(setup: TableSetup, *, days=-1, **fields) -> Meeting:
    start = timezone.now() + dt.timedelta(days=days)
    values = {
        "title": "Riunione del tavolo",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
        "place": "Sala consiliare",
    }
    values.update(fields)
    return services.meeting_create(by=setup.coordinator, table=setup.table, **values)
