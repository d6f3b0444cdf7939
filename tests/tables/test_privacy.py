"""Privacy as a tested rule (issue 13, item 8): nothing of a private table reaches anyone
but its members — not its pages, the tables list, other tables' pages, the calendar feeds
or anyone else's notifications.

A unique marker is planted in every text field of every object of a private table (the
table, requests, invitations, meetings, agenda, minutes, proposals, versions, status notes,
comments, moderation reasons, decisions); then every route of the tables is asked, with
the private table's real ids, by a visitor and by a signed-in non-member, with GET and
POST, and the marker must be in no answer (body or headers). The slug is left out: it is
the address itself, which only someone who already knows it can type.
"""

import datetime as dt

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from events.feeds import calendar_feed_token_rotate
from hub.notifications.models import Notification
from tables import api_urls as tables_api_urls
from tables import services, urls_plan
from tables import urls as tables_urls
from tables.models import (
    Comment,
    Invitation,
    Membership,
    MembershipRequest,
    ProposalStatusChange,
    Role,
    Table,
)
from tables.services import plan as plan_services
from tests.hub.factories import UserFactory
from tests.tables.factories import area, make_table
from tests.tables.plan_factories import make_plan

pytestmark = pytest.mark.django_db

MARK = "QZXPRIVATO7731"


def m(text: str) -> str:
    return f"{text} {MARK}"


@pytest.fixture
def world():
    """A private table full of marked content, and a public table next to it."""
    private = make_table(visibility=Table.Visibility.PRIVATE, name=m("Tavolo"))
    table = private.table
    # The address is what the visitor typed (a 404 page may repeat it): not content.
    Table.objects.filter(pk=table.pk).update(slug="tavolo-riservato")
    table.refresh_from_db()
    services.table_update(
        by=private.coordinator,
        table=table,
        name=table.name,
        description=m("Descrizione"),
        visibility=Table.Visibility.PRIVATE,
    )
    boss, member = private.coordinator, private.member
    public = make_table(visibility=Table.Visibility.PUBLIC)
    # Someone in both tables: the public table's pages must not carry the private one.
    Membership.objects.create(table=public.table, user=member, role=Role.MEMBER)

    invitation, _token = services.invitation_create(
        by=boss, table=table, email=f"{MARK.lower()}@example.org"
    )
    start = timezone.now() - dt.timedelta(days=1)
    meeting = services.meeting_create(
        by=boss,
        table=table,
        title=m("Riunione"),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place=m("Luogo"),
        online_url=f"https://meet.example.org/{MARK}",
    )
    upcoming = services.meeting_create(
        by=boss,
        table=table,
        title=m("Prossima"),
        starts_at=timezone.now() + dt.timedelta(days=3),
        ends_at=timezone.now() + dt.timedelta(days=3, hours=2),
        place=m("Sala"),
    )
    proposal = services.proposal_create(
        by=member,
        table=table,
        title=m("Proposta"),
        summary=m("Sintesi"),
        body=m("Testo"),
        area=area(),
    )
    services.proposal_publish(by=member, proposal=proposal, note=m("Nota"))
    services.proposal_update(by=member, proposal=proposal, body=m("Testo cambiato"))
    draft = services.proposal_create(by=member, table=table, title=m("Bozza"), area=area())
    item = services.agenda_item_add(
        by=boss, meeting=meeting, title=m("Punto"), notes=m("Note"), proposal=proposal
    )
    comment = services.comment_create(by=member, proposal=proposal, body=m("Commento"))
    hidden = services.comment_create(by=boss, proposal=proposal, body=m("Nascosto"))
    services.comment_hide(by=boss, comment=hidden, reason=m("Motivo"))
    services.endorsement_create(by=boss, proposal=proposal)
    suggestion = services.suggestion_create(
        by=private.observer, proposal=proposal, quote=m("Testo cambiato"), body=m("Suggerimento")
    )
    services.proposal_set_status(by=member, proposal=proposal, to_status="submitted")
    services.decision_record(
        by=boss,
        proposal=proposal,
        meeting=meeting,
        outcome="approved",
        votes_for=3,
        motivation=m("Motivazione"),
    )
    services.minutes_save(by=boss, meeting=meeting, body=m("Verbale"))
    services.minutes_approve(by=boss, meeting=meeting)
    # A request that was decided (a private table takes no requests: made directly).
    request = MembershipRequest.objects.create(
        table=table, user=UserFactory(), message=m("Richiesta")
    )
    outsider = private.outsider
    # The outsider is active elsewhere: a public proposal, a feed token.
    public_proposal = services.proposal_create(
        by=public.member, table=public.table, title="Proposta pubblica", area=area()
    )
    services.proposal_publish(by=public.member, proposal=public_proposal)
    Membership.objects.create(table=public.table, user=outsider, role=Role.MEMBER)
    # Mentioning the outsider inside the private table must not reach them.
    outsider.full_name = "Ospite Esterno"
    outsider.save()
    services.comment_create(by=member, proposal=proposal, body=m("@Ospite Esterno guarda"))
    # The approved proposal becomes an action of the network's public Piano Family.
    proposal.refresh_from_db()
    plan = make_plan(network=table.network, published=True)
    objective = plan.objectives.get()
    action = plan_services.objective_link_proposal(objective=objective, proposal=proposal, by=boss)
    return {
        "plan": plan,
        "objective": objective,
        "action": action,
        "private": private,
        "public": public,
        "table": table,
        "meeting": meeting,
        "upcoming": upcoming,
        "proposal": proposal,
        "draft": draft,
        "item": item,
        "comment": comment,
        "suggestion": suggestion,
        "request": request,
        "invitation": invitation,
        "membership": Membership.objects.get(table=table, user=member),
        "outsider": outsider,
    }


def test_every_text_field_holds_the_marker(world):
    assert MARK in world["table"].name and MARK in world["table"].description
    assert MARK in ProposalStatusChange.objects.filter(proposal=world["proposal"]).first().note
    assert MARK in Comment.objects.filter(hidden=True).get().hidden_reason
    assert MARK.lower() in Invitation.objects.get().email


def _kwargs(world) -> dict:
    return {
        "slug": world["table"].slug,
        "proposal_id": world["proposal"].pk,
        "meeting_id": world["meeting"].pk,
        "request_id": world["request"].pk,
        "invitation_id": world["invitation"].pk,
        "membership_id": world["membership"].pk,
        "item_id": world["item"].pk,
        "comment_id": world["comment"].pk,
        "suggestion_id": world["suggestion"].pk,
        "token": "non-un-invito-valido",
    }


def _tables_urls(world) -> list[str]:
    kwargs = _kwargs(world)
    urls = []
    for pattern in tables_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        names = list(pattern.pattern.converters)
        url = reverse(f"tables:{pattern.name}", kwargs={n: kwargs[n] for n in names})
        urls.append(url)
        if "proposal_id" in names:
            draft_kwargs = {**{n: kwargs[n] for n in names}, "proposal_id": world["draft"].pk}
            urls.append(reverse(f"tables:{pattern.name}", kwargs=draft_kwargs))
    return urls


def _other_urls(world, user) -> list[str]:
    public = world["public"].table
    public_proposal = public.proposals.get()
    urls = [
        reverse("tables:table", kwargs={"slug": public.slug}),
        reverse("tables:proposal", kwargs={"slug": public.slug, "proposal_id": public_proposal.pk}),
        reverse("events:feed"),
        reverse("events:source_feed", kwargs={"name": "tavoli"}),
        "/",
    ]
    if user is not None:
        token = calendar_feed_token_rotate(user=user)
        urls += [
            reverse("events:personal_feed", kwargs={"token": token}),
            reverse("notifications"),
            reverse("notification_preferences"),
        ]
    return urls


def _leaks(response) -> bool:
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return MARK.encode() in body or MARK.lower().encode() in body or MARK in headers


@pytest.mark.parametrize("who", ["visitor", "outsider"])
def test_no_route_shows_anything_of_a_private_table_to_a_non_member(client, world, who):
    user = world["outsider"] if who == "outsider" else None
    if user is not None:
        client.force_login(user)
    checked = 0
    for url in _tables_urls(world):
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"body": "x", "reason": "x", "to_status": "x"})
            assert response.status_code < 500, (method, url)
            assert not _leaks(response), f"{method.upper()} {url} shows the private table"
            checked += 1
    for url in _other_urls(world, user):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not _leaks(response), f"GET {url} shows the private table"
        checked += 1
    assert checked > 60


def test_members_see_it_and_non_members_are_told_nothing(client, world):
    client.force_login(world["private"].observer)
    page = client.get(reverse("tables:table", kwargs={"slug": world["table"].slug}))
    assert page.status_code == 200 and MARK in page.content.decode()
    token = calendar_feed_token_rotate(user=world["private"].observer)
    feed = client.get(reverse("events:personal_feed", kwargs={"token": token}))
    assert MARK in feed.content.decode()
    outsider_notes = Notification.objects.filter(user=world["outsider"])
    assert not any(
        MARK in " ".join([n.title, n.body, n.url, n.place_label]) for n in outsider_notes
    )
    assert Notification.objects.filter(user=world["private"].member, title__contains=MARK).exists()


def _api_and_plan_urls(world) -> list[str]:
    """Every API route of the tables and the plans, and every Piano Family page and export,
    with the private table's real ids (the plan itself is public)."""
    table, proposal, plan = world["table"], world["proposal"], world["plan"]
    urls = []
    for pattern in tables_api_urls.api_patterns:
        names = set(pattern.pattern.converters)
        kwargs = {"slug": plan.slug if pattern.name.startswith("plans") else table.slug}
        if "id" in names:
            ids = {
                "tables-meeting": [world["meeting"].pk, world["upcoming"].pk],
                "plans-objective": [world["objective"].pk],
            }.get(pattern.name, [proposal.pk, world["draft"].pk])
            urls += [
                reverse(
                    f"api:{pattern.name}",
                    kwargs={**{k: kwargs[k] for k in names if k != "id"}, "id": i},
                )
                for i in ids
            ]
        else:
            urls.append(reverse(f"api:{pattern.name}", kwargs={k: kwargs[k] for k in names}))
    plan_kwargs = {
        "slug": plan.slug,
        "objective_id": world["objective"].pk,
        "action_id": world["action"].pk,
        "update_id": 1,
    }
    for pattern in urls_plan.urlpatterns:
        names = pattern.pattern.converters
        urls.append(
            reverse(f"piano_family:{pattern.name}", kwargs={n: plan_kwargs[n] for n in names})
        )
    return urls


@pytest.mark.parametrize("who", ["visitor", "outsider"])
def test_the_api_and_the_piano_family_show_nothing_of_a_private_table(client, world, who):
    user = world["outsider"] if who == "outsider" else None
    if user is not None:
        client.force_login(user)
    checked = 0
    for url in _api_and_plan_urls(world):
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"body": "x", "to_status": "submitted"})
            assert response.status_code < 500, (method, url)
            assert not _leaks(response), f"{method.upper()} {url} shows the private table"
            checked += 1
    assert checked > 40


def test_a_member_reads_the_private_table_through_the_api(client, world):
    client.force_login(world["private"].observer)
    response = client.get(f"/api/v1/table-proposals/{world['proposal'].pk}/comments/")
    assert response.status_code == 200 and MARK in response.content.decode()
    plan, objective = world["plan"], world["objective"]
    page = client.get(reverse("piano_family:objective", args=[plan.slug, objective.pk]))
    assert MARK in page.content.decode()


# --- Search (the database engine: the one every deployment has) -----------------------------


@pytest.fixture
def indexed_world(request, django_capture_on_commit_callbacks, settings):
    """The world with every change indexed, as the tasks after each commit do."""
    settings.MEILISEARCH_URL = None
    with django_capture_on_commit_callbacks(execute=True):
        return request.getfixturevalue("world")


def _search_urls() -> list[tuple[str, dict]]:
    asks = [{"q": MARK}, {"q": MARK.lower()}, {"q": "Proposta"}, {"q": "Verbale"}]
    asks += [{"tipo": kind} for kind in ("table", "proposal", "minutes")]
    urls = [(url, params) for url in ("/cerca/", "/api/v1/search/") for params in asks]
    urls.append(("/api/v1/search/suggest/", {"q": MARK[:6]}))
    return urls


# Asked instead of the marker: what the answer says of a query that matches nothing.
PROBE = "QZXNESSUNO0000"


def _marks(body: bytes, mark: str) -> int:
    return body.count(mark.encode()) + body.count(mark.lower().encode())


@pytest.mark.parametrize("who", ["visitor", "outsider"])
def test_search_finds_nothing_of_a_private_table_for_a_non_member(client, indexed_world, who):
    if who == "outsider":
        client.force_login(indexed_world["outsider"])
    for url, params in _search_urls():
        response = client.get(url, params)
        assert response.status_code == 200, (url, params)
        if not any(MARK.lower() in value.lower() for value in params.values()):
            assert not _leaks(response), f"GET {url} {params} shows the private table"
            continue
        # The page and the API repeat what was asked: the marker may appear only as often
        # as a query that matches nothing appears in its own answer.
        probe = client.get(
            url,
            {
                k: v.replace(MARK, PROBE).replace(MARK.lower(), PROBE.lower())
                for k, v in params.items()
            },
        )
        assert _marks(response.content, MARK) == _marks(probe.content, PROBE), (
            f"GET {url} {params} shows the private table"
        )
    # The public table's proposal is there for everyone.
    found = client.get("/api/v1/search/", {"q": "Proposta pubblica"}).content.decode()
    assert "Proposta pubblica" in found


def test_members_find_their_private_table_s_content(client, indexed_world):
    client.force_login(indexed_world["private"].observer)
    body = client.get("/api/v1/search/", {"q": MARK}).content.decode()
    for text in ("Tavolo", "Proposta", "Verbale: Riunione"):
        assert f"{text} {MARK}" in body, text
    assert "Bozza" not in body  # drafts are never indexed
    page = client.get("/cerca/", {"q": MARK}).content.decode()
    assert f"Proposta <mark>{MARK}</mark>" in page
