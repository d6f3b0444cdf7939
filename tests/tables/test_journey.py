"""The tables' journey as new people walk it (issue 13, "done means"), through the pages
only: a municipal officer creates the table of Bruino's families, a family asks to join and
is let in, an association is invited by e-mail; the family drafts a proposal and publishes
it, the association comments and endorses it, the table decides at a meeting, the proposal
becomes an action of Bruino's Piano Family, and its progress shows on the public dashboard
as the proposal moves on. A visitor reads it all; search finds it.

The same journey at a private table: the family is invited too (the table is not there for
non-members to ask), and a visitor or a signed-in non-member sees nothing of it anywhere:
its pages answer 404, search finds nothing, and the public objective counts the action's
progress while naming it only as a private table's proposal."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hub.models import Municipality
from hub.notifications.models import Notification
from tables.models import (
    Membership,
    Objective,
    ObjectiveAction,
    Proposal,
    Role,
    Status,
    Table,
)
from tables.services import plan as plan_services
from tests.hub.factories import NetworkFactory, UserFactory
from tests.tables.factories import area
from tests.tables.plan_factories import make_objective, make_plan

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")


def local(moment: dt.datetime) -> str:
    return moment.astimezone(ROME).strftime("%Y-%m-%dT%H:%M")


def ok(response, status=302):
    body = "" if response.streaming else response.content.decode()[:2000]
    assert response.status_code == status, body
    return response


def invite(client, table, person, step) -> None:
    """The coordinator (signed in) invites `person` by e-mail; they follow the link."""
    mail.outbox.clear()
    with step():
        ok(
            client.post(
                reverse("tables:invite", kwargs={"slug": table.slug}),
                {"email": person.email, "role": "member"},
            )
        )
    (invitation_mail,) = [m for m in mail.outbox if m.to == [person.email] and "/invito/" in m.body]
    accept_url = re.search(r"https?://[^/\s]+(/tavoli/invito/[^\s]+/)", invitation_mail.body)[1]
    client.force_login(person)
    ok(client.get(accept_url), 200)
    with step():
        ok(client.post(accept_url, {"answer": "accept"}))
    assert Membership.objects.get(table=table, user=person).role == Role.MEMBER


@pytest.mark.parametrize("visibility", ["public", "private"])
def test_a_table_from_creation_to_the_piano_family_dashboard(
    client, django_capture_on_commit_callbacks, settings, visibility
):
    settings.MEILISEARCH_URL = None
    private = visibility == "private"

    def step():
        return django_capture_on_commit_callbacks(execute=True)

    bruino = Municipality.objects.get_or_create(
        slug="bruino-journey",
        defaults={"name": "Bruino", "istat_code": "990037", "province": "TO"},
    )[0]
    network = NetworkFactory(name="Rete CIdiS")
    network.municipalities.add(bruino)
    officer = UserFactory(email="ufficio.famiglia@comune.bruino.to.it", is_staff=True)
    officer.full_name = "Laura Ferrero"
    officer.save()
    family = UserFactory(email="famiglia.rossi@example.org", full_name="Giulia Rossi")
    helper = UserFactory(email="presidenza@genitori-bruino.example.org", full_name="Marco Neri")

    # 1. The officer creates the table.
    client.force_login(officer)
    ok(client.get(reverse("tables:table_create")), 200)
    with step():
        ok(
            client.post(
                reverse("tables:table_create"),
                {
                    "name": "Tavolo delle famiglie di Bruino",
                    "kind": "municipal",
                    "network": network.pk,
                    "municipality": bruino.pk,
                    "visibility": visibility,
                    "description": "Le famiglie di Bruino co-progettano i servizi.",
                },
            )
        )
    table = Table.objects.get(name="Tavolo delle famiglie di Bruino")
    table_url = reverse("tables:table", kwargs={"slug": table.slug})

    # 2. A family reads the public table, asks to join, is let in; a private table is not
    # there for them until they are invited.
    client.force_login(family)
    if private:
        ok(client.get(table_url), 404)
        client.force_login(officer)
        invite(client, table, family, step)
    else:
        assert "Le famiglie di Bruino" in ok(client.get(table_url), 200).content.decode()
        with step():
            ok(
                client.post(
                    reverse("tables:join", kwargs={"slug": table.slug}),
                    {"message": "Siamo una famiglia con due bambini."},
                )
            )
        client.force_login(officer)
        page = ok(client.get(table_url), 200).content.decode()
        assert "Siamo una famiglia con due bambini." in page
        request_id = table.membership_requests.get().pk
        with step():
            ok(
                client.post(
                    reverse(
                        "tables:request_decide",
                        kwargs={"slug": table.slug, "request_id": request_id},
                    ),
                    {"decision": "approve", "role": "member"},
                )
            )
    assert Membership.objects.get(table=table, user=family).role == Role.MEMBER

    # 3. The officer invites the parents' association; its president follows the e-mail.
    client.force_login(officer)
    invite(client, table, helper, step)

    # 4. The officer convenes a meeting.
    client.force_login(officer)
    start = timezone.now() + dt.timedelta(days=7)
    with step():
        ok(
            client.post(
                reverse("tables:meeting_create", kwargs={"slug": table.slug}),
                {
                    "title": "Tavolo di primavera",
                    "starts_at": local(start),
                    "ends_at": local(start + dt.timedelta(hours=2)),
                    "place": "Sala consiliare, piazza del Municipio 3",
                },
            )
        )
    meeting = table.meetings.get()
    assert Notification.objects.filter(user=family, kind="tables.meeting").exists()

    # 5. The family drafts a proposal and publishes it.
    client.force_login(family)
    with step():
        ok(
            client.post(
                reverse("tables:proposal_create", kwargs={"slug": table.slug}),
                {
                    "title": "Centro estivo condiviso",
                    "summary": "Un centro estivo gestito da famiglie e associazioni.",
                    "area": area().pk,
                    "municipalities": [bruino.pk],
                    "budget_estimate": "4500,00",
                    "body": "Quattro settimane a luglio, nel cortile della scuola primaria.",
                },
            )
        )
    proposal = Proposal.objects.get(title="Centro estivo condiviso")

    def proposal_url(name="tables:proposal"):
        return reverse(name, kwargs={"slug": table.slug, "proposal_id": proposal.pk})

    with step():
        ok(client.post(proposal_url("tables:proposal_status"), {"to_status": "discussion"}))

    # 6. The association comments, mentioning the family, and endorses it.
    client.force_login(helper)
    mail.outbox.clear()
    with step():
        ok(
            client.post(
                proposal_url("tables:comment_create"),
                {"body": "@Giulia Rossi ci siamo: mettiamo due educatori.", "stance": "for"},
            )
        )
        ok(client.post(proposal_url("tables:endorse")))
    # The mention reached the family at once, by e-mail.
    assert any(m.to == [family.email] and "menzionato" in m.subject for m in mail.outbox)

    # 7. The family submits it to the table; the officer decides at the meeting.
    client.force_login(family)
    with step():
        ok(client.post(proposal_url("tables:proposal_status"), {"to_status": "submitted"}))
    client.force_login(officer)
    decision = {
        "meeting": meeting.pk,
        "outcome": "approved",
        "votes_for": "9",
        "votes_against": "0",
        "votes_abstained": "1",
        "motivation": "Risponde al bisogno di conciliazione delle famiglie.",
    }
    with step():
        ok(
            client.post(
                reverse("tables:agenda_add", kwargs={"slug": table.slug, "meeting_id": meeting.pk}),
                {"title": "Centro estivo", "proposal": proposal.pk},
            )
        )
    # Not before the meeting: the table decides when it meets.
    refused = ok(client.post(proposal_url("tables:proposal_decision"), decision), 400)
    assert "già cominciata" in refused.content.decode()
    # A week later, the meeting is under way.
    table.meetings.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(minutes=30),
        ends_at=timezone.now() + dt.timedelta(minutes=90),
    )
    with step():
        ok(client.post(proposal_url("tables:proposal_decision"), decision))
    proposal.refresh_from_db()
    assert proposal.status == "approved"

    # 8. The approved proposal becomes an action of Bruino's Piano Family.
    plan = make_plan(municipality=bruino, by=officer, title="Piano Family Bruino 2022-2023")
    objective = make_objective(
        plan,
        by=officer,
        title="Conciliare famiglia e lavoro d'estate",
        method=Objective.ProgressMethod.ACTIONS_AVERAGE,
    )
    plan_services.plan_publish(plan=plan, by=officer)
    objective_url = reverse("piano_family:objective", args=[plan.slug, objective.pk])
    with step():
        ok(client.post(proposal_url("tables:proposal_link_objective"), {"objective": objective.pk}))
    action = ObjectiveAction.objects.get(objective=objective)
    assert action.status == Status.NOT_STARTED
    assert 'aria-valuenow="0"' in ok(client.get(objective_url), 200).content.decode()
    # ... and follows it as the work starts: the public progress moves with it.
    with step():
        ok(client.post(proposal_url("tables:proposal_status"), {"to_status": "in_progress"}))
    action.refresh_from_db()
    assert action.status == Status.IN_PROGRESS

    # 9. A visitor reads it all and finds it; at a private table, neither a visitor nor a
    # signed-in non-member sees anything of it, while its members find it.
    outsider = UserFactory(email="vicino.curioso@example.org")
    table_pages = (
        table_url,
        proposal_url(),
        reverse("tables:meeting", args=[table.slug, meeting.pk]),
    )
    for reader in (None, outsider):
        if reader is None:
            client.logout()
        else:
            client.force_login(reader)
        for url in table_pages:
            response = ok(client.get(url), 404 if private else 200)
            assert ("Centro estivo condiviso" in response.content.decode()) is not private, url
        objective_page = ok(client.get(objective_url), 200).content.decode()
        assert ("Centro estivo condiviso" in objective_page) is not private
        if private:
            assert "Proposta di un tavolo riservato" in objective_page
        assert 'aria-valuenow="50"' in objective_page
        dashboard = ok(client.get(reverse("piano_family:dashboard", args=[plan.slug])), 200)
        if private:
            assert "Centro estivo condiviso" not in dashboard.content.decode()
        found = ok(client.get("/api/v1/search/", {"q": "centro estivo"}), 200).json()
        assert ("Centro estivo condiviso" in str(found)) is not private
        # The search page marks the words found: "<mark>Centro</mark> estivo condiviso".
        search_page = ok(client.get("/cerca/", {"q": "centro"}), 200).content.decode()
        assert ("estivo condiviso" in search_page) is not private
    client.force_login(family)
    found = ok(client.get("/api/v1/search/", {"q": "centro estivo"}), 200).json()
    assert "Centro estivo condiviso" in str(found)
