"""Tables, proposals and approved minutes in search: indexed by the services' saves, found
by everyone for a public table and by its members only for a private one."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from search import selectors
from search.models import SearchDocument
from search.query import parse
from tables import services
from tables.models import Table
from tables.search_documents import minutes_documents, proposal_documents, scopes_of
from tests.hub.factories import UserFactory
from tests.tables.factories import make_meeting, make_proposal, make_table

pytestmark = pytest.mark.django_db


def titles(user=None, **params) -> set[str]:
    result = selectors.search(parse(params), user=user or AnonymousUser())
    return {hit.record["title"] for hit in result.hits}


@pytest.fixture
def indexed(django_capture_on_commit_callbacks, settings):
    """Run each block's after-commit tasks (the indexing), as the task cluster would."""
    settings.MEILISEARCH_URL = None

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def test_a_public_table_s_proposals_are_found_once_published(indexed):
    with indexed():
        setup = make_table(name="Tavolo delle famiglie di Bruino")
        draft = make_proposal(setup, title="Orti condivisi Zucchina", publish=False)
    assert titles(q="Bruino") == {"Tavolo delle famiglie di Bruino"}
    assert titles(q="Zucchina") == set()  # a draft is never indexed
    with indexed():
        services.proposal_publish(by=setup.member, proposal=draft)
    assert titles(q="Zucchina") == {"Orti condivisi Zucchina"}
    with indexed():
        draft.refresh_from_db()
        services.proposal_update(by=setup.member, proposal=draft, body="Semi di Melanzana")
    assert titles(q="Melanzana") == {"Orti condivisi Zucchina"}
    assert titles(tipo="proposal") == {"Orti condivisi Zucchina"}


def test_minutes_are_found_once_approved(indexed):
    with indexed():
        setup = make_table()
        meeting = make_meeting(setup, title="Riunione di Orbassano")
        services.minutes_save(by=setup.coordinator, meeting=meeting, body="Verbale Castagna")
    assert titles(q="Castagna") == set()
    with indexed():
        services.minutes_approve(by=setup.coordinator, meeting=meeting)
    assert titles(q="Castagna") == {"Verbale: Riunione di Orbassano"}


def test_a_table_made_private_leaves_everyone_s_results_but_its_members(indexed):
    with indexed():
        setup = make_table(name="Tavolo di Rivalta Pomodoro")
        make_proposal(setup, title="Ludoteca Pomodoro")
        meeting = make_meeting(setup, title="Riunione Pomodoro")
        services.minutes_save(by=setup.coordinator, meeting=meeting, body="Pomodoro")
        services.minutes_approve(by=setup.coordinator, meeting=meeting)
    everything = {"Tavolo di Rivalta Pomodoro", "Ludoteca Pomodoro", "Verbale: Riunione Pomodoro"}
    assert titles(q="Pomodoro") == everything
    with indexed():
        services.table_update(
            by=setup.coordinator,
            table=setup.table,
            name=setup.table.name,
            description=setup.table.description,
            visibility=Table.Visibility.PRIVATE,
        )
    assert titles(q="Pomodoro") == set()
    assert titles(setup.outsider, q="Pomodoro") == set()
    assert titles(setup.observer, q="Pomodoro") == everything
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert titles(superuser, q="Pomodoro") == everything
    # A member who leaves finds nothing more at once (scopes are read at each search).
    with indexed():
        services.membership_remove(
            by=setup.coordinator, membership=setup.table.memberships.get(user=setup.observer)
        )
    assert titles(setup.observer, q="Pomodoro") == set()
    assert scopes_of(AnonymousUser()) == []


def test_the_rebuild_indexes_the_same_documents(indexed):
    with indexed():
        setup = make_table(visibility=Table.Visibility.PRIVATE)
        proposal = make_proposal(setup)
        meeting = make_meeting(setup)
        services.minutes_save(by=setup.coordinator, meeting=meeting, body="Verbale")
        services.minutes_approve(by=setup.coordinator, meeting=meeting)
    ours = SearchDocument.objects.filter(kind__in=["table", "proposal", "minutes"])
    before = dict(ours.values_list("id", "checksum"))
    ours.delete()
    call_command("search_reindex", verbosity=0)
    after = dict(ours.values_list("id", "checksum"))
    assert after == before
    assert f"proposal-{proposal.pk}" in after
    assert all(
        document.visible_to == (f"table:{setup.table.pk}",)
        for document in [
            *proposal_documents([proposal.pk]),
            *minutes_documents([meeting.minutes.pk]),
        ]
    )


def test_loading_documents_takes_a_fixed_number_of_queries(django_assert_num_queries):
    setup = make_table()
    ids = [make_proposal(setup, title=f"Proposta {n}").pk for n in range(5)]
    with django_assert_num_queries(3):  # proposals, their municipalities, their age bands
        assert len(list(proposal_documents(ids))) == 5


def test_a_piano_family_objective_is_found_once_its_plan_is_published(indexed):
    from tables.services import plan as plan_services
    from tests.tables.plan_factories import make_objective, make_plan, staff_user

    staff = staff_user()
    with indexed():
        plan = make_plan(by=staff, title="Piano Family di Rivalta")
        make_objective(
            plan,
            by=staff,
            title="Sportello Girasole per le famiglie",
            macro_area="C",
            area="comunicazione",
            description="Un punto d'ascolto per i neogenitori.",
        )
    assert titles(q="Girasole") == set()  # a draft plan's pages answer 404: not indexed
    with indexed():
        plan_services.plan_publish(plan=plan, by=staff)
    assert titles(q="Girasole") == {"Sportello Girasole per le famiglie"}
    assert titles(q="neogenitori", tipo="objective") == {"Sportello Girasole per le famiglie"}
    (document,) = SearchDocument.objects.filter(kind="objective")
    assert document.record["url"].startswith(f"/piano-family/{plan.slug}/obiettivi/")
