"""Residents and informal groups propose events from the public site; network staff approve
them into the municipality's events (or reject them with a reason); the proposer is told."""

from __future__ import annotations

from datetime import date, time, timedelta
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from events import proposals
from events.models import (
    EventOccurrence,
    EventPage,
    EventProposal,
    MunicipalEventsIndexPage,
)
from events.recurrence import ROME
from hub.models import Notification
from hub.roles import staff_group
from tests.associations.factories import make_association
from tests.events.factories import make_event
from tests.hub.factories import MunicipalityFactory, NetworkFactory, UserFactory

pytestmark = pytest.mark.django_db

PROPOSE_URL = reverse("events:propose")
MINE_URL = reverse("events:my_proposals")


def next_weekday(weekday: int, *, weeks_ahead: int = 2) -> date:
    today = timezone.localdate(timezone=ROME)
    day = today + timedelta(weeks=weeks_ahead)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


@pytest.fixture
def piossasco():
    network = NetworkFactory(name="CIdiS", slug="cidis")
    municipality = MunicipalityFactory(name="Piossasco", slug="piossasco")
    network.municipalities.add(municipality)
    return municipality


@pytest.fixture
def resident():
    return UserFactory(email="residente@example.org")


@pytest.fixture
def staff():
    user = UserFactory(email="staff-rete@example.org", is_staff=True)
    user.groups.add(staff_group())
    return user


def form_data(place, **changes) -> dict:
    data = {
        "title": "Camminata del quartiere",
        "description": "Una camminata per famiglie nel parco, con merenda.",
        "organizer_name": "Genitori di via Roma",
        "municipality": str(place.pk),
        "venue": "Parco Tetti Francesi",
        "address": "Via Roma 1",
        "day": next_weekday(5).isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "repeat": "",
        "repeat_until": "",
        "contact_email": "residente@example.org",
        "contact_phone": "",
    }
    data.update(changes)
    return data


def submit(municipality, user, **changes) -> EventProposal:
    data = form_data(municipality, **changes)
    return proposals.proposal_submit(
        user=user,
        data=proposals.ProposalData(
            title=data["title"],
            description=data["description"],
            organizer_name=data["organizer_name"],
            municipality=municipality,
            venue=data["venue"],
            address=data["address"],
            day=date.fromisoformat(data["day"]),
            start_time=time.fromisoformat(data["start_time"]),
            end_time=time.fromisoformat(data["end_time"]) if data["end_time"] else None,
            repeat=data["repeat"],
            repeat_until=date.fromisoformat(data["repeat_until"]) if data["repeat_until"] else None,
            contact_email=data["contact_email"],
        ),
    )


# --- Proposing ------------------------------------------------------------------------------


def test_visitors_are_told_what_a_proposal_is_before_signing_in(client, piossasco):
    response = client.get(PROPOSE_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Come funziona" in html
    assert f"/accounts/login/?next={quote(PROPOSE_URL, safe='')}" in html
    assert 'name="title"' not in html
    refused = client.post(PROPOSE_URL, form_data(piossasco))
    assert refused.status_code == 302
    assert refused["Location"].startswith("/accounts/login/")
    assert not EventProposal.objects.exists()


def test_a_resident_proposes_and_staff_and_the_resident_are_emailed(
    client, piossasco, resident, staff, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(resident)
    form = client.get(PROPOSE_URL)
    assert form.status_code == 200
    assert 'value="residente@example.org"' in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PROPOSE_URL, form_data(piossasco))
    assert response.status_code == 302
    assert response["Location"] == MINE_URL
    proposal = EventProposal.objects.get()
    assert proposal.status == EventProposal.Status.PENDING
    assert proposal.proposed_by == resident
    assert timezone.localtime(proposal.start, ROME).time() == time(10)
    assert timezone.localtime(proposal.end, ROME).time() == time(12)
    (received,) = [m for m in mailoutbox if m.to == ["residente@example.org"]]
    assert "Camminata del quartiere" in received.subject
    # The staff hear through the notification centre: inbox, bell, and their e-mail
    # (the link opens the notification, which leads to the proposal in the admin).
    (to_review,) = [m for m in mailoutbox if m.to == ["staff-rete@example.org"]]
    assert "Camminata del quartiere" in to_review.subject
    (notice,) = Notification.objects.filter(user=staff, kind="events.proposal_to_review")
    assert notice.url == f"/admin/eventproposal/inspect/{proposal.pk}/"
    assert f"/notifiche/{notice.pk}/" in to_review.body
    mine = client.get(MINE_URL).content.decode()
    assert "Camminata del quartiere" in mine and "In attesa" in mine
    profile = client.get(reverse("profile")).content.decode()
    assert "Eventi che proponi" in profile and "Camminata del quartiere" in profile


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"day": "2020-01-04"}, "day", "La data è già passata."),
        ({"end_time": "09:00"}, "end_time", "L&#x27;ora di fine è prima dell&#x27;inizio"),
        ({"repeat": "weekly"}, "repeat_until", "Indica fino a quando si ripete."),
        ({"repeat": "daily", "repeat_until": "2030-01-01"}, "repeat", "opzione valida"),
        ({"municipality": "999999"}, "municipality", "opzione valida"),
        ({"title": ""}, "title", "Questo campo è obbligatorio."),
    ],
)
def test_bad_proposals_answer_400_with_the_message(
    client, piossasco, resident, changes, field, message
):
    client.force_login(resident)
    response = client.post(PROPOSE_URL, form_data(piossasco, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert not EventProposal.objects.exists()


def test_a_series_longer_than_two_years_is_refused(client, piossasco, resident):
    client.force_login(resident)
    day = next_weekday(5)
    response = client.post(
        PROPOSE_URL,
        form_data(
            piossasco,
            day=day.isoformat(),
            repeat="weekly",
            repeat_until=(day + timedelta(days=800)).isoformat(),
        ),
    )
    assert response.status_code == 400
    assert "2 anni" in response.context["form"].errors["repeat_until"][0]


def test_one_person_has_a_few_proposals_waiting_at_most(piossasco, resident, staff):
    for number in range(proposals.MAX_PENDING):
        submit(piossasco, resident, title=f"Evento {number}")
    with pytest.raises(ValidationError) as refused:
        submit(piossasco, resident, title="Uno di troppo")
    assert refused.value.code == "too_many"
    assert EventProposal.objects.filter(proposed_by=resident).count() == proposals.MAX_PENDING
    # Someone else still may; and once staff decide one, the resident may again.
    submit(piossasco, UserFactory(), title="Uno di troppo")
    proposals.proposal_reject(
        proposal=EventProposal.objects.filter(proposed_by=resident).first(),
        by=staff,
        reason="Data sbagliata.",
    )
    submit(piossasco, resident, title="Uno di troppo")


def test_the_same_proposal_twice_is_refused(piossasco, resident):
    submit(piossasco, resident)
    with pytest.raises(ValidationError) as refused:
        submit(piossasco, resident, title="camminata del quartiere")
    assert refused.value.code == "duplicate"


# --- Deciding -------------------------------------------------------------------------------


def test_staff_approve_a_weekly_proposal_into_the_municipality_events(
    client, piossasco, resident, staff, mailoutbox, django_capture_on_commit_callbacks
):
    day = next_weekday(5)
    proposal = submit(
        piossasco,
        resident,
        repeat="weekly",
        repeat_until=(day + timedelta(weeks=3)).isoformat(),
        day=day.isoformat(),
    )
    assert not MunicipalEventsIndexPage.objects.filter(municipality=piossasco).exists()
    client.force_login(staff)
    inspect = client.get(reverse("eventproposal:inspect", args=[proposal.pk]))
    assert inspect.status_code == 200
    assert reverse("eventproposal:approve", args=[proposal.pk]) in inspect.content.decode()
    confirm = client.get(reverse("eventproposal:approve", args=[proposal.pk]))
    assert "eventi del Comune di Piossasco" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("eventproposal:approve", args=[proposal.pk]))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == EventProposal.Status.APPROVED
    assert proposal.decided_by == staff
    event = EventPage.objects.get(pk=proposal.event_id)
    index = MunicipalEventsIndexPage.objects.get(municipality=piossasco)
    assert event.live and event.get_parent().pk == index.pk and index.live
    assert event.association is None
    assert (event.venue, event.address, event.municipality) == (
        "Parco Tetti Francesi",
        "Via Roma 1",
        piossasco,
    )
    assert EventOccurrence.objects.filter(event=event).count() == 4
    (approved,) = [m for m in mailoutbox if "è pubblicato" in m.subject]
    assert approved.to == ["residente@example.org"]
    assert event.url in approved.body
    # It is an event of the Comune like the others: on the list and its page.
    listing = client.get(reverse("events:list"), {"comune": "piossasco"})
    assert "Camminata del quartiere" in listing.content.decode()
    page = client.get(event.url).content.decode()
    assert "A cura di: Genitori di via Roma" in page
    mine = client.get(MINE_URL)  # staff have none
    assert "Camminata del quartiere" not in mine.content.decode()
    again = client.post(reverse("eventproposal:approve", args=[proposal.pk]))
    assert again.status_code == 302
    assert EventPage.objects.filter(title="Camminata del quartiere").count() == 1


def test_staff_reject_with_a_reason_that_reaches_the_proposer(
    client, piossasco, resident, staff, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = submit(piossasco, resident)
    client.force_login(staff)
    url = reverse("eventproposal:reject", args=[proposal.pk])
    empty = client.post(url, {"reason": "  "})
    assert empty.status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == EventProposal.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Il parco è chiuso per lavori quel giorno."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == EventProposal.Status.REJECTED
    assert not EventPage.objects.filter(title="Camminata del quartiere").exists()
    (rejected,) = [m for m in mailoutbox if "non è stata accolta" in m.subject]
    assert "Il parco è chiuso per lavori quel giorno." in rejected.body
    client.force_login(resident)
    mine = client.get(MINE_URL).content.decode()
    assert "Respinta" in mine and "Il parco è chiuso per lavori quel giorno." in mine


@pytest.mark.parametrize("url_name", ["index", "inspect", "approve", "reject", "edit", "delete"])
def test_only_staff_decide(client, piossasco, resident, url_name):
    association = make_association()
    editor = UserFactory()
    editor.groups.add(association.group)  # Wagtail admin access, not staff
    proposal = submit(piossasco, resident)
    url = reverse(f"eventproposal:{url_name}", args=[] if url_name == "index" else [proposal.pk])
    for user in (resident, editor):
        client.force_login(user)
        for response in (client.get(url), client.post(url, {"reason": "No", "title": "X"})):
            assert response.status_code in {302, 403}
            if response.status_code == 302:
                assert "/admin/" in response["Location"] or "login" in response["Location"]
    proposal.refresh_from_db()
    assert proposal.status == EventProposal.Status.PENDING
    assert proposal.title == "Camminata del quartiere"
    with pytest.raises(ValidationError):
        proposals.proposal_approve(proposal=proposal, by=editor)


@pytest.mark.parametrize("url_name", ["edit", "delete", "add", "history"])
def test_staff_change_proposals_only_through_the_decisions(
    client, piossasco, resident, staff, url_name
):
    """No generic form writes around the services, not even for staff."""
    proposal = submit(piossasco, resident)
    client.force_login(staff)
    url = reverse(f"eventproposal:{url_name}", args=[] if url_name == "add" else [proposal.pk])
    for response in (client.get(url), client.post(url, {"title": "Cambiato"})):
        assert response.status_code in {302, 403}
    proposal.refresh_from_db()
    assert proposal.title == "Camminata del quartiere"
    assert EventProposal.objects.count() == 1


def test_staff_see_pending_proposals_on_the_dashboard(client, piossasco, resident, staff):
    client.force_login(staff)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Proposte di eventi da esaminare" not in home
    proposal = submit(piossasco, resident)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Proposte di eventi da esaminare" in home
    assert reverse("eventproposal:inspect", args=[proposal.pk]) in home
    assert "Proposte di eventi" in home  # the menu entry


# --- The home page ----------------------------------------------------------------------------


def test_the_home_page_shows_the_next_events_with_constant_queries(
    client, piossasco, django_assert_max_num_queries
):
    association = make_association(municipalities=[piossasco])
    start = timezone.now().astimezone(ROME).replace(minute=0, second=0, microsecond=0)
    make_event(
        association=association,
        title="Evento già passato",
        start=start - timedelta(days=3),
        end=start - timedelta(days=3, hours=-1),
    )
    for number in range(3):
        make_event(
            association=association,
            title=f"Laboratorio {number}",
            start=start + timedelta(days=number + 1),
            end=start + timedelta(days=number + 1, hours=2),
        )
    client.get("/")
    with django_assert_max_num_queries(40) as three:
        html = client.get("/").content.decode()
    assert "Prossimi eventi" in html
    assert html.index("Laboratorio 0") < html.index("Laboratorio 2")
    assert "Evento già passato" not in html
    assert reverse("events:propose") in html
    for number in range(3, 9):
        make_event(
            association=association,
            title=f"Laboratorio {number}",
            start=start + timedelta(days=number + 1),
            end=start + timedelta(days=number + 1, hours=2),
        )
    with django_assert_max_num_queries(len(three.captured_queries)):
        html = client.get("/").content.decode()
    assert "Laboratorio 3" in html
    assert "Laboratorio 4" not in html  # four dates at most


def test_the_home_page_without_events(client):
    html = client.get("/").content.decode()
    assert "Non ci sono eventi in programma nei prossimi giorni." in html
