"""A table with people in every role and a proposal and a meeting to co-edit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from hub.models import Area, MacroArea
from tables.models import (
    AgendaItem,
    Meeting,
    Membership,
    Proposal,
    ProposalCoAuthor,
    Role,
    Table,
)
from tests.hub.factories import NetworkFactory, UserFactory


@dataclass
class World:
    table: Table
    proposal: Proposal
    meeting: Meeting
    coordinator: object
    author: object
    coauthor: object
    member: object  # a member, not a co-author
    observer: object
    outsider: object


def _area() -> Area:
    # Transactional tests flush the taxonomy that the migrations seeded.
    found = Area.objects.order_by("pk").first()
    if found is not None:
        return found
    macro, _created = MacroArea.objects.get_or_create(code="D", defaults={"name": "Comunità"})
    return Area.objects.create(name="Comunità educante", slug="comunita-educante", macro_area=macro)


def make_world(*, visibility=Table.Visibility.PRIVATE, status="discussion", body="") -> World:
    network = NetworkFactory()
    table = Table.objects.create(
        kind=Table.Kind.INTERCOMMUNAL,
        network=network,
        name="Tavolo intercomunale",
        slug=f"tavolo-{network.pk}",
        visibility=visibility,
    )
    people = {
        role: UserFactory(full_name=name)
        for role, name in [
            ("coordinator", "Carla Coordinatrice"),
            ("author", "Anna Autrice"),
            ("coauthor", "Bruno Coautore"),
            ("member", "Marco Membro"),
            ("observer", "Olga Osservatrice"),
            ("outsider", "Ugo Esterno"),
        ]
    }
    for key, role in [
        ("coordinator", Role.COORDINATOR),
        ("author", Role.MEMBER),
        ("coauthor", Role.MEMBER),
        ("member", Role.MEMBER),
        ("observer", Role.OBSERVER),
    ]:
        Membership.objects.create(table=table, user=people[key], role=role)
    proposal = Proposal.objects.create(
        table=table,
        title="Ludoteca diffusa",
        slug="ludoteca-diffusa",
        body=body,
        area=_area(),
        status=status,
        created_by=people["author"],
    )
    for key in ("author", "coauthor"):
        ProposalCoAuthor.objects.create(proposal=proposal, user=people[key])
    start = timezone.now() + dt.timedelta(days=1)
    meeting = Meeting.objects.create(
        table=table,
        title="Riunione di marzo",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="Sala consiliare",
    )
    AgendaItem.objects.create(meeting=meeting, order=1, title="Apertura e presenze")
    AgendaItem.objects.create(
        meeting=meeting, order=2, title="Ludoteca diffusa", notes="Presenta Anna."
    )
    return World(table=table, proposal=proposal, meeting=meeting, **people)


def proposal_path(proposal) -> str:
    return f"/ws/tables/docs/proposal/{proposal.pk}/"


def minutes_path(meeting) -> str:
    return f"/ws/tables/docs/minutes/{meeting.pk}/"
