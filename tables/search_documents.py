"""Tables, their proposals and their approved minutes, and the objectives of published
Piano Family plans, as searchable documents (registered with search in apps.py; issue 13,
items 8 and the search issue's "kinds added later").

A public table's documents are visible to everyone ("public"); a private table's only to
its members ("table:<id>", the scope scopes_of grants to each member, and to superusers,
who see every table): the search engines filter on it, in hits and facet counts, so a
private table's content never reaches anyone else. Drafts are never indexed (only their
co-authors and the coordinators read them); minutes only once approved.

The services' saves reindex what they touch (search.signals connects the Watches below):
a proposal saved, its municipalities or age bands changed; minutes written or approved; a
meeting renamed or moved; a table renamed or made private, which re-reads every document
of the table.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from associations.search_documents import age_bounds
from hub.models import AgeBand, Municipality
from hub.rules import is_person
from search import registry
from search.documents import PUBLIC, Document, scope
from tables.links import meeting_path, proposal_path, table_path
from tables.models import (
    Meeting,
    Membership,
    Minutes,
    Objective,
    PianoFamily,
    Proposal,
    ProposalStatus,
    Table,
)

SCOPE = "table"


def visible_to(table: Table) -> tuple[str, ...]:
    return (PUBLIC,) if table.is_public else (scope(SCOPE, table.pk),)


def scopes_of(user) -> list[str]:
    """ "table:<id>" for each private table the person sits at (every private table for a
    superuser, who sees every table)."""
    if not is_person(user):
        return []
    private = Table.objects.filter(visibility=Table.Visibility.PRIVATE)
    if not user.is_superuser:
        private = private.filter(pk__in=Membership.objects.filter(user=user).values("table_id"))
    return [scope(SCOPE, table_id) for table_id in private.values_list("pk", flat=True)]


def _municipalities(table: Table) -> tuple[str, ...]:
    return (table.municipality.name,) if table.municipality_id else ()


# --- Tables -----------------------------------------------------------------------------------


def table_ids() -> Iterator[int]:
    yield from Table.objects.values_list("pk", flat=True)


def table_documents(ids: Sequence[int]) -> Iterator[Document]:
    for table in Table.objects.filter(pk__in=ids).select_related("network", "municipality"):
        yield Document(
            kind="table",
            object_id=table.pk,
            title=table.name,
            subtitle=f"{table.get_kind_display()} · {table.network.name}",
            text=table.description,
            url=table_path(table),
            municipality=_municipalities(table),
            visible_to=visible_to(table),
        )


# --- Proposals --------------------------------------------------------------------------------


def _proposals() -> QuerySet[Proposal]:
    return Proposal.objects.exclude(status=ProposalStatus.DRAFT)


def proposal_ids() -> Iterator[int]:
    yield from _proposals().values_list("pk", flat=True)


def proposal_documents(ids: Sequence[int]) -> Iterator[Document]:
    proposals = (
        _proposals()
        .filter(pk__in=ids)
        .select_related("table__municipality", "area")
        .prefetch_related(
            Prefetch("municipalities", queryset=Municipality.objects.order_by("name")),
            Prefetch("age_bands", queryset=AgeBand.objects.order_by(*AgeBand._meta.ordering)),
        )
    )
    for proposal in proposals:
        table = proposal.table
        bands = list(proposal.age_bands.all())
        age_min, age_max = age_bounds(bands)
        towns = tuple(town.name for town in proposal.municipalities.all())
        yield Document(
            kind="proposal",
            object_id=proposal.pk,
            title=proposal.title,
            subtitle=f"{table.name} · {proposal.get_status_display()}",
            text=" ".join([proposal.summary, proposal.body]),
            url=proposal_path(proposal, table),
            municipality=towns or _municipalities(table),
            area=(proposal.area.name,),
            age_bands=tuple(band.name for band in bands),
            age_min=age_min,
            age_max=age_max,
            visible_to=visible_to(table),
        )


# --- Minutes ----------------------------------------------------------------------------------


def _approved_minutes() -> QuerySet[Minutes]:
    return Minutes.objects.filter(approved_at__isnull=False).exclude(
        meeting__status=Meeting.Status.CANCELLED
    )


def minutes_ids() -> Iterator[int]:
    yield from _approved_minutes().values_list("pk", flat=True)


def minutes_documents(ids: Sequence[int]) -> Iterator[Document]:
    for minutes in (
        _approved_minutes().filter(pk__in=ids).select_related("meeting__table__municipality")
    ):
        meeting = minutes.meeting
        table = meeting.table
        yield Document(
            kind="minutes",
            object_id=minutes.pk,
            title=gettext("Verbale: %(title)s") % {"title": meeting.title},
            subtitle=table.name,
            text=minutes.body,
            url=meeting_path(meeting, table) + "#verbale",
            municipality=_municipalities(table),
            dates=(meeting.starts_at,),
            visible_to=visible_to(table),
        )


# --- Piano Family objectives ------------------------------------------------------------------
#
# A published plan is public (its pages, dashboard and reports serve everyone); a draft's
# objectives are not indexed (its pages answer 404 to all but its editors).


def _published_objectives() -> QuerySet[Objective]:
    return Objective.objects.filter(plan__status=PianoFamily.PlanStatus.PUBLISHED)


def objective_ids() -> Iterator[int]:
    yield from _published_objectives().values_list("pk", flat=True)


def objective_documents(ids: Sequence[int]) -> Iterator[Document]:
    objectives = (
        _published_objectives()
        .filter(pk__in=ids)
        .select_related("plan__network", "plan__municipality", "macro_area", "area")
        .prefetch_related(
            Prefetch("municipalities", queryset=Municipality.objects.order_by("name"))
        )
    )
    for objective in objectives:
        plan = objective.plan
        towns = tuple(town.name for town in objective.municipalities.all())
        if not towns and plan.municipality_id:
            towns = (plan.municipality.name,)
        yield Document(
            kind="objective",
            object_id=objective.pk,
            title=objective.title,
            subtitle=f"{plan.title} · {objective.macro_area.name}",
            text=" ".join([objective.description, objective.expected_results]),
            url=reverse(
                "piano_family:objective",
                kwargs={"slug": plan.slug, "objective_id": objective.pk},
            ),
            municipality=towns,
            area=(objective.area.name,) if objective.area_id else (),
            visible_to=(PUBLIC,),
        )


def _plan_objectives(plan: PianoFamily) -> list[int]:
    return list(Objective.objects.filter(plan=plan).values_list("pk", flat=True))


# --- What touches what ------------------------------------------------------------------------


def _table_proposals(table: Table) -> list[int]:
    return list(Proposal.objects.filter(table=table).values_list("pk", flat=True))


def _table_minutes(table: Table) -> list[int]:
    return list(Minutes.objects.filter(meeting__table=table).values_list("pk", flat=True))


def _meeting_minutes(meeting: Meeting) -> list[int]:
    return list(Minutes.objects.filter(meeting=meeting).values_list("pk", flat=True))


def register() -> None:
    registry.register_kind(
        "table",
        label=_("Tavoli"),
        load=table_documents,
        indexable_ids=table_ids,
        watch=[registry.Watch(Table, lambda table: [table.pk])],
    )
    registry.register_kind(
        "proposal",
        label=_("Proposte dei tavoli"),
        load=proposal_documents,
        indexable_ids=proposal_ids,
        watch=[
            registry.Watch(Proposal, lambda proposal: [proposal.pk]),
            registry.Watch(Table, _table_proposals),
        ],
    )
    registry.register_kind(
        "minutes",
        label=_("Verbali dei tavoli"),
        load=minutes_documents,
        indexable_ids=minutes_ids,
        watch=[
            registry.Watch(Minutes, lambda minutes: [minutes.pk]),
            registry.Watch(
                Meeting, _meeting_minutes, fields=frozenset({"title", "starts_at", "status"})
            ),
            registry.Watch(Table, _table_minutes),
        ],
    )
    registry.register_kind(
        "objective",
        label=_("Obiettivi del Piano Family"),
        load=objective_documents,
        indexable_ids=objective_ids,
        watch=[
            registry.Watch(Objective, lambda objective: [objective.pk]),
            registry.Watch(
                PianoFamily, _plan_objectives, fields=frozenset({"title", "slug", "status"})
            ),
        ],
    )
    registry.register_scopes(scopes_of)
