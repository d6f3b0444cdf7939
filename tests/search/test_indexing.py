"""The apps' documents reach the index through the pipeline: a change queues a task once
its transaction commits, the task re-reads the rows and upserts or deletes. Publishing,
unpublishing, deleting, view restrictions; events with their next dates; GAF products of
open rounds for their group's members only; the rebuild and the nightly reconciliation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule
from wagtail.models import PageViewRestriction

from events.models import EventPage
from gaf import services as gaf_services
from hub.models import Municipality
from search import selectors, services
from search.models import SearchDocument
from search.query import parse
from tests.associations.factories import make_association, make_initiative
from tests.events.factories import make_event, publish
from tests.gaf.factories import make_group, make_member, make_orchard_catalogue, make_round
from tests.hub.factories import UserFactory

pytestmark = pytest.mark.django_db


def ask(user=None, **params):
    return selectors.search(parse(params), user=user or AnonymousUser())


def titles(result) -> set[str]:
    return {hit.record["title"] for hit in result.hits}


@pytest.fixture
def orbassano(db):
    return Municipality.objects.get_or_create(
        slug="orbassano-test",
        defaults={"name": "Orbassano", "istat_code": "991171", "province": "TO"},
    )[0]


@pytest.fixture
def association(django_capture_on_commit_callbacks, orbassano):
    with django_capture_on_commit_callbacks(execute=True):
        return make_association(name="Polisportiva Orbassanese", municipalities=[orbassano])


def test_an_association_and_its_initiatives_are_indexed_when_published(
    association, django_capture_on_commit_callbacks, orbassano
):
    assert titles(ask(q="polisportiva")) == {"Polisportiva Orbassanese"}
    with django_capture_on_commit_callbacks(execute=True):
        initiative = make_initiative(
            association,
            title="Laboratorio bici per bambini",
            area=association.areas.first(),
            municipalities=[orbassano],
        )
    (hit,) = ask(q="laboratorio bici per bambini a Orbassano").hits
    assert hit.record["subtitle"] == "Polisportiva Orbassanese"
    assert hit.url == initiative.url
    with django_capture_on_commit_callbacks(execute=True):
        initiative.unpublish()
    assert ask(q="laboratorio").total == 0


def test_a_view_restriction_takes_the_pages_below_it_out(
    association, django_capture_on_commit_callbacks, orbassano
):
    with django_capture_on_commit_callbacks(execute=True):
        make_initiative(
            association,
            title="Doposcuola",
            area=association.areas.first(),
            municipalities=[orbassano],
        )
    assert ask(q="doposcuola").total == 1
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=association.page, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.add(Group.objects.create(name="Solo soci"))
    assert ask(q="doposcuola").total == 0
    assert ask(q="polisportiva").total == 0
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert ask(q="doposcuola").total == 1


def test_events_are_found_by_their_next_dates(association, django_capture_on_commit_callbacks):
    start = timezone.localtime() + dt.timedelta(days=10)
    start = start.replace(hour=17, minute=0, second=0, microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        event = make_event(
            association=association,
            title="Torneo di minibasket",
            start=start,
            end=start + dt.timedelta(hours=2),
            repeat="weekly",
            repeat_count=3,
        )
    day = start.date()
    assert titles(ask(dal=day.isoformat(), al=day.isoformat())) == {"Torneo di minibasket"}
    third = day + dt.timedelta(days=14)
    assert titles(ask(dal=third.isoformat(), al=third.isoformat())) == {"Torneo di minibasket"}
    assert (
        ask(
            dal=(day + dt.timedelta(days=1)).isoformat(),
            al=(day + dt.timedelta(days=6)).isoformat(),
        ).total
        == 0
    )
    (hit,) = ask(q="minibasket").hits
    assert hit.date == start
    with django_capture_on_commit_callbacks(execute=True):
        event.status = EventPage.Status.CANCELLED
        publish(event)
    assert ask(q="minibasket").total == 0


def test_a_past_event_is_not_indexed(association, django_capture_on_commit_callbacks):
    start = timezone.localtime() - dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        make_event(
            association=association,
            title="Festa passata",
            start=start,
            end=start + dt.timedelta(hours=1),
        )
    assert ask(q="festa passata").total == 0


@pytest.fixture
def gaf(django_capture_on_commit_callbacks):
    setup = make_group()
    supplier, apples, eggs = make_orchard_catalogue(setup)
    _family, member = make_member(setup)
    with django_capture_on_commit_callbacks(execute=True):
        round = make_round(setup, supplier, [apples, eggs])
    return setup, round, member


def test_gaf_products_of_an_open_round_are_for_the_group_members_only(
    gaf, django_capture_on_commit_callbacks
):
    setup, round, member = gaf
    assert titles(ask(member, q="mele")) == {"Mele renette"}
    assert ask(q="mele").total == 0
    assert ask(UserFactory(), q="mele").total == 0
    assert "Mele renette" in titles(ask(setup.coordinator, tipo="product"))
    # Someone else's products count nowhere for a stranger.
    assert "product" not in {item.value for item in ask(UserFactory()).facets["kind"]}
    with django_capture_on_commit_callbacks(execute=True):
        gaf_services.round_close(round=round, by=setup.coordinator, now=round.closes_at)
    assert ask(member, q="mele").total == 0


def test_an_order_does_not_reindex_the_round(gaf, django_capture_on_commit_callbacks):
    """A round is saved at every order (its change sequence): no indexing task for that."""
    setup, round, member = gaf
    item = round.products.get(code="MELE")
    written = dict(SearchDocument.objects.values_list("id", "updated_at"))
    with django_capture_on_commit_callbacks(execute=True):
        gaf_services.order_set_quantity(
            round=round,
            family=member.family_membership.family,
            round_product=item,
            firm=3,
            by_user=member,
            now=round.opens_at + dt.timedelta(minutes=5),
        )
    assert dict(SearchDocument.objects.values_list("id", "updated_at")) == written
    # While a change of what the products show does re-index them.
    with django_capture_on_commit_callbacks(execute=True):
        gaf_services.round_update(round=round, by=setup.coordinator, title="Frutta d'autunno")
    assert dict(SearchDocument.objects.values_list("id", "updated_at")) != written


def test_rebuild_and_reconciliation_with_the_apps_data(gaf, association, capsys):
    SearchDocument.objects.all().delete()
    call_command("search_reindex")
    output = capsys.readouterr().out
    assert "Search index rebuilt (documents: 3)" in output
    assert "load product" in output
    assert SearchDocument.objects.count() == 3
    SearchDocument.objects.filter(kind="association").delete()
    SearchDocument.objects.create(
        id="event-999999",
        kind="event",
        title="Fantasma",
        record={},
        checksum="x",
        title_words=" fantasma ",
        words=" fantasma ",
    )
    assert services.reconcile() == {"added": 1, "changed": 0, "removed": 1}
    assert services.reconcile() == {"added": 0, "changed": 0, "removed": 0}


def test_the_nightly_reconciliation_is_scheduled():
    schedule = Schedule.objects.get(name="search-nightly-reconciliation")
    assert schedule.func == "search.tasks.reconcile_nightly"
    assert schedule.schedule_type == Schedule.DAILY
    assert timezone.localtime(schedule.next_run).time() == dt.time(3, 30)
