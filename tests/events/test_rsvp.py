"""Registration (RSVP): places, strict-FIFO waiting list, closing, e-mails with the .ics,
views with bad input, the organizer's CSV, the event page panel, the profile section, and
no overbooking under real concurrent registrations (PostgreSQL and SQLite)."""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from associations import services as association_services
from associations.models import AssociationMembership
from events import selectors, services
from events.models import EventPage, Registration
from hub.models import Notification
from hub.tasks import send_templated_email
from tests.associations.factories import approver, make_association
from tests.events.factories import make_event, publish
from tests.hub.factories import UserFactory

CONFIRMED = Registration.Status.CONFIRMED
WAITLISTED = Registration.Status.WAITLISTED
CANCELLED = Registration.Status.CANCELLED


def in_days(days: int, hour: int = 16) -> timezone.datetime:
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def editor_of(association, role=AssociationMembership.Role.EDITOR):
    user = UserFactory()
    _invitation, token = association_services.invitation_create(
        association=association, email=user.email, role=role, by=approver()
    )
    association_services.invitation_accept(token=token, user=user)
    return user


@pytest.fixture
def association(db):
    return make_association(name="Polisportiva Bruinese")


def registration_event(association, *, capacity=4, days=20, **fields) -> EventPage:
    return make_event(
        association=association,
        title=fields.pop("title", "Laboratorio di ceramica per famiglie"),
        start=in_days(days),
        end=in_days(days, hour=18),
        registration_required=True,
        capacity=capacity,
        venue="Sala polivalente",
        **fields,
    )


@pytest.fixture
def event(association):
    return registration_event(association)


def register(event, user=None, seats=1, **kwargs) -> Registration:
    return services.registration_create(
        event=event, user=user or UserFactory(), seats=seats, **kwargs
    )


def statuses(event) -> list[tuple[int, str]]:
    return list(
        Registration.objects.filter(event=event)
        .order_by("created_at", "id")
        .values_list("seats", "status")
    )


# --- Places and the waiting list ------------------------------------------------------------------


@pytest.mark.django_db
def test_places_fill_then_strict_fifo_waiting_list_is_promoted_on_cancellation(event):
    a = register(event, seats=2)
    b = register(event, seats=2)
    c = register(event, seats=3)
    d = register(event, seats=1)
    assert [a.status, b.status, c.status, d.status] == [
        CONFIRMED,
        CONFIRMED,
        WAITLISTED,
        WAITLISTED,
    ]

    # Two seats free: the family of three waits, and the single person behind it waits too.
    promoted = services.registration_cancel(registration=a, by=a.user)
    assert promoted == []
    assert statuses(event) == [(2, CANCELLED), (2, CONFIRMED), (3, WAITLISTED), (1, WAITLISTED)]
    # While someone waits, a newcomer waits too, even for the seats that are free.
    e = register(event, seats=1)
    assert e.status == WAITLISTED

    promoted = services.registration_cancel(registration=b, by=b.user)
    assert [r.pk for r in promoted] == [c.pk, d.pk]
    assert statuses(event) == [
        (2, CANCELLED),
        (2, CANCELLED),
        (3, CONFIRMED),
        (1, CONFIRMED),
        (1, WAITLISTED),
    ]
    c.refresh_from_db()
    assert c.promoted_at is not None
    assert selectors.places(event.pk) == selectors.Places(
        confirmed_seats=4, waitlisted_parties=1, waitlisted_seats=1
    )


@pytest.mark.django_db
def test_raising_the_capacity_promotes_whoever_now_fits(event):
    register(event, seats=4)
    waiting = register(event, seats=2)
    assert waiting.status == WAITLISTED
    event.capacity = 6
    publish(event)  # publishing the new capacity promotes (events.signals)
    waiting.refresh_from_db()
    assert waiting.status == CONFIRMED
    assert services.registration_promote_waitlisted(event=event) == []


@pytest.mark.django_db
def test_without_a_capacity_everybody_is_confirmed(association):
    event = registration_event(association, capacity=None)
    assert {register(event, seats=10).status for _ in range(5)} == {CONFIRMED}


@pytest.mark.django_db
def test_what_is_refused_is_refused_with_a_message_and_nothing_saved(association, event):
    person = UserFactory()
    register(event, user=person)
    with pytest.raises(ValidationError) as error:
        register(event, user=person)
    assert "già iscritto" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        register(event, seats=5)
    assert "in tutto 4 posti" in str(error.value)
    for seats in (0, 11, -1, "2", 1.5, True, None):
        with pytest.raises(ValidationError):
            register(event, seats=seats)
    with pytest.raises(ValidationError):
        register(event, note="x" * 301)

    closed = registration_event(
        association, title="Iscrizioni chiuse", registration_closes_at=in_days(-1)
    )
    with pytest.raises(ValidationError) as error:
        register(closed)
    assert "chiuse" in error.value.messages[0]

    started = registration_event(association, title="Già iniziato")
    with pytest.raises(ValidationError):
        register(started, now=started.start + timedelta(minutes=1))

    cancelled = registration_event(association, title="Annullato", status="cancelled")
    with pytest.raises(ValidationError) as error:
        register(cancelled)
    assert "annullato" in error.value.messages[0]

    free = make_event(association=association, start=in_days(3), end=in_days(3, 18))
    with pytest.raises(ValidationError) as error:
        register(free)
    assert "non prevede iscrizioni" in error.value.messages[0]
    assert Registration.objects.count() == 1


@pytest.mark.django_db
def test_a_person_can_register_again_after_cancelling(event):
    person = UserFactory()
    first = register(event, user=person)
    services.registration_cancel(registration=first, by=person)
    assert services.registration_cancel(registration=first, by=person) == []  # twice: no-op
    again = register(event, user=person, seats=2)
    assert again.status == CONFIRMED and again.pk != first.pk


@pytest.mark.django_db
def test_only_the_person_or_the_organizers_may_cancel(association, event):
    registration = register(event)
    with pytest.raises(PermissionDenied):
        services.registration_cancel(registration=registration, by=UserFactory())
    with pytest.raises(ValidationError):
        services.registration_cancel(
            registration=registration,
            by=registration.user,
            now=event.start + timedelta(hours=1),
        )
    services.registration_cancel(registration=registration, by=editor_of(association))
    registration.refresh_from_db()
    assert registration.status == CANCELLED


# --- E-mails -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_confirmation_carries_the_event_as_ics_and_is_sent_after_commit(
    event, django_capture_on_commit_callbacks
):
    person = UserFactory(full_name="Giulia Bianchi")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        register(event, user=person, seats=2)
    assert mail.outbox == [] and callbacks
    for callback in callbacks:
        callback()
    # Through the notification centre: in the person's inbox too.
    (notice,) = Notification.objects.filter(user=person, kind="events.registration")
    assert notice.title == "Iscrizione confermata: Laboratorio di ceramica per famiglie"
    (message,) = mail.outbox
    assert message.to == [person.email]
    assert message.subject == "Iscrizione confermata: Laboratorio di ceramica per famiglie"
    assert "per 2 posti" in message.body and "Sala polivalente" in message.body
    ((filename, content, mimetype),) = message.attachments
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(content)
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == f"{event.uid}@comuni-amici-della-famiglia"
    assert vevent.decoded("DTSTART") == event.start
    assert str(vevent["URL"]).startswith("http")


@pytest.mark.django_db
def test_waiting_and_promotion_emails(association, django_capture_on_commit_callbacks):
    event = registration_event(association, capacity=1)
    first = UserFactory()
    waiting = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first_registration = register(event, user=first)
        register(event, user=waiting)
    assert [m.subject.split(":")[0] for m in mail.outbox] == [
        "Iscrizione confermata",
        "Sei in lista d'attesa",
    ]
    assert mail.outbox[1].attachments == []
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=first_registration, by=editor_of(association))
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[first.email].startswith("Iscrizione annullata")
    assert subjects[waiting.email].startswith("Si è liberato un posto")
    promoted = next(m for m in mail.outbox if m.to == [waiting.email])
    assert promoted.attachments[0][2] == "text/calendar"


@pytest.mark.django_db
def test_a_confirmation_e_mailed_after_a_cancellation_carries_no_calendar_file(
    event, django_capture_on_commit_callbacks
):
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as confirmed:
        registration = register(event, user=person)
    with django_capture_on_commit_callbacks(execute=False) as cancelled:
        services.registration_cancel(registration=registration, by=person)
    for callback in [*confirmed, *cancelled]:
        callback()
    subjects = {message.subject.split(":")[0]: message for message in mail.outbox}
    assert "Iscrizione confermata" in subjects
    # The place is gone by the time the confirmation leaves: no event for the calendar.
    assert subjects["Iscrizione confermata"].attachments == []


def test_templated_email_keeps_working_without_attachments_and_takes_binary_ones():
    send_templated_email(
        to=["a@example.org"],
        template="events/email/registration_cancelled",
        context={"event": "Festa", "organizer": "Polisportiva", "when": "sabato"},
    )
    send_templated_email(
        to=["b@example.org"],
        template="events/email/registration_cancelled",
        context={"event": "Festa", "organizer": "Polisportiva", "when": "sabato"},
        attachments=[["prova.bin", "AAEC", "application/octet-stream"]],
    )
    assert mail.outbox[0].attachments == []
    assert mail.outbox[1].attachments == [
        ("prova.bin", b"\x00\x01\x02", "application/octet-stream")
    ]


# --- Views ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_visitors_are_sent_to_login(client, event):
    url = reverse("events:registration_create", args=[event.pk])
    response = client.post(url, {"seats": 1})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_registering_through_the_page(client, event):
    person = UserFactory()
    client.force_login(person)
    url = reverse("events:registration_create", args=[event.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"seats": "3", "note": "Due bambini di 6 e 8 anni"})
    assert response.status_code == 302 and response["Location"] == event.url
    registration = Registration.objects.get(user=person)
    assert (registration.seats, registration.note) == (3, "Due bambini di 6 e 8 anni")
    response = client.post(url, {"seats": "1"})
    assert response.status_code == 400
    assert "Sei già iscritto" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, message",
    [
        ({"seats": "0"}, "Serve almeno un posto."),
        ({"seats": "11"}, "al massimo 10 posti"),
        ({"seats": "tre"}, "numero intero"),
        ({"seats": ""}, "quanti posti"),
        ({}, "quanti posti"),
        ({"seats": "1", "note": "x" * 301}, "300"),
    ],
)
def test_bad_input_answers_400_with_a_message_and_saves_nothing(client, event, data, message):
    client.force_login(UserFactory())
    response = client.post(reverse("events:registration_create", args=[event.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_events_without_registration_or_unpublished_answer_404(client, association):
    client.force_login(UserFactory())
    plain = make_event(association=association, start=in_days(5), end=in_days(5, 18))
    draft = registration_event(association, title="Ritirato")
    draft.unpublish()
    for page in (plain, draft):
        url = reverse("events:registration_create", args=[page.pk])
        assert client.post(url, {"seats": 1}).status_code == 404
    assert client.post(reverse("events:registration_create", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_cancelling_through_the_page(client, association, event):
    registration = register(event)
    client.force_login(UserFactory())
    url = reverse("events:registration_cancel", args=[registration.pk])
    assert client.post(url).status_code == 404  # somebody else's: as if it didn't exist
    assert client.get(url).status_code == 405
    client.force_login(registration.user)
    response = client.post(url, {"next": "/account/profilo/"})
    assert response.status_code == 302 and response["Location"] == "/account/profilo/"
    registration.refresh_from_db()
    assert registration.status == CANCELLED

    again = register(event, user=registration.user)
    client.force_login(editor_of(association))
    response = client.post(
        reverse("events:registration_cancel", args=[again.pk]), {"next": "https://evil.example"}
    )
    assert response.status_code == 302 and response["Location"] == event.url


# --- The organizer's list -------------------------------------------------------------------------


@pytest.mark.django_db
def test_attendee_csv_for_organizers_only(client, association, event):
    register(event, user=UserFactory(full_name="Anna Rossi"), seats=3, note="Allergia: noci")
    register(event, user=UserFactory(full_name='=HYPERLINK("http://x")'), seats=2)
    url = reverse("events:attendees_csv", args=[event.pk])
    assert url == f"/eventi/{event.pk}/iscritti.csv"

    assert client.get(url).status_code == 302  # visitors: to the login page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    other = make_association(name="Coro dei Genitori")
    client.force_login(editor_of(other))
    assert client.get(url).status_code == 404

    client.force_login(editor_of(association))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    # For a spreadsheet set to Italian: ";" between cells (hub.csv_export.ITALIAN_EXCEL).
    assert lines[0] == (
        "Stato;Posizione in lista d'attesa;Nome;E-mail;Posti;Note per l'organizzatore;"
        "Iscritto il;Confermato dalla lista d'attesa il"
    )
    assert lines[1].startswith("confermata;;Anna Rossi;")
    assert "Allergia: noci" in lines[1]
    assert lines[2].startswith("in lista d'attesa;1;\"'=HYPERLINK(")

    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_organizers_find_the_attendee_list_in_the_admin(client, association, event):
    client.force_login(editor_of(association))
    html = client.get(reverse("wagtailadmin_pages:edit", args=[event.pk])).content.decode()
    assert reverse("events:attendees_csv", args=[event.pk]) in html


# --- The panel on the event page and the profile section ----------------------------------------


def render_panel(event, user) -> str:
    request = RequestFactory().get(f"/eventi/pagina-{event.pk}/")
    request.user = user
    return render_to_string(
        "events/registration/panel.html",
        selectors.registration_panel_context(event, user),
        request=request,
    )


@pytest.mark.django_db
def test_panel_queries_stay_constant(event, django_assert_max_num_queries):
    people = [UserFactory() for _ in range(8)]
    for person in people:
        register(event, user=person)
    last = people[-1]
    with django_assert_max_num_queries(3):
        panel = selectors.registration_panel_context(event, last)["registration_panel"]
    assert panel.registration.status == WAITLISTED and panel.waitlist_position == 4
    assert panel.seats_left == 0 and panel.waitlisted_parties == 4


@pytest.mark.django_db
def test_panel_shows_places_status_and_the_right_form(event):
    from django.contrib.auth.models import AnonymousUser

    html = render_panel(event, AnonymousUser())
    assert "4 posti liberi su 4" in html
    assert "/accounts/login/?next=/eventi/pagina-" in html

    person = UserFactory()
    html = render_panel(event, person)
    assert f'action="{reverse("events:registration_create", args=[event.pk])}"' in html
    assert 'max="4"' in html

    register(event, user=person, seats=3)
    html = render_panel(event, person)
    assert "1 posto libero su 4" in html and "Sei iscritto, per 3 posti" in html
    assert "Annulla l'iscrizione" in html

    register(event, seats=2)
    other = UserFactory()
    html = render_panel(event, other)
    assert "1 richiesta in lista d'attesa" in html and "Mettiti in lista d'attesa" in html


@pytest.mark.django_db
def test_no_panel_for_events_without_registration(association):
    event = make_event(association=association, start=in_days(4), end=in_days(4, 18))
    assert selectors.registration_panel_context(event, UserFactory()) == {
        "registration_panel": None
    }


@pytest.mark.django_db
def test_profile_section_lists_upcoming_registrations(
    association, event, django_assert_num_queries
):
    person = UserFactory()
    register(event, user=person, seats=2)
    later = registration_event(association, title="Gita al lago", days=40)
    cancelled = register(later, user=person)
    services.registration_cancel(registration=cancelled, by=person)
    request = RequestFactory().get("/account/profilo/")
    request.user = person
    with django_assert_num_queries(1):
        context = selectors.registrations_profile_context(request)
    html = render_to_string("events/registration/profile.html", context, request)
    assert "Laboratorio di ceramica per famiglie" in html
    assert "Gita al lago" not in html
    assert reverse("events:registration_cancel", args=[event.registrations.get().pk]) in html


# --- No overbooking under concurrency -------------------------------------------------------------


def register_concurrently(
    event_id: int, user_ids: list[int], seats: list[int], *, thread_setup=None
) -> list[str]:
    """Every user registers at once from their own thread; returns each outcome."""
    from hub.models import User

    barrier = threading.Barrier(len(user_ids))
    outcomes: list[str] = []

    def attempt(user_id: int, wanted: int):
        try:
            if thread_setup is not None:
                thread_setup()
            user = User.objects.get(pk=user_id)
            event = EventPage.objects.get(pk=event_id)
            barrier.wait(timeout=30)
            outcomes.append(
                services.registration_create(event=event, user=user, seats=wanted).status
            )
        except Exception as error:
            outcomes.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(user_id, wanted))
        for user_id, wanted in zip(user_ids, seats, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def assert_fifo(rows: list[tuple[int, str]], capacity: int) -> None:
    """Confirmed seats within capacity, and (strict FIFO) nobody confirmed after a waiter."""
    assert sum(seats for seats, status in rows if status == CONFIRMED) <= capacity
    statuses_in_order = [status for _seats, status in rows]
    first_waiting = statuses_in_order.index(WAITLISTED)
    assert set(statuses_in_order[first_waiting:]) == {WAITLISTED}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_thirty_people_for_ten_places_at_once_on_postgresql():
    association = make_association(name="Polisportiva Concorrente")
    event = registration_event(association, capacity=10)
    user_ids = [UserFactory().pk for _ in range(30)]
    mail.outbox.clear()
    outcomes = register_concurrently(event.pk, user_ids, [1] * 30)
    assert Counter(outcomes) == {CONFIRMED: 10, WAITLISTED: 20}, outcomes
    rows = statuses(event)
    assert Counter(status for _seats, status in rows) == {CONFIRMED: 10, WAITLISTED: 20}
    assert_fifo(rows, 10)
    subjects = Counter(message.subject.split(":")[0] for message in mail.outbox)
    assert subjects == {"Iscrizione confermata": 10, "Sei in lista d'attesa": 20}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_families_of_mixed_sizes_never_overbook_on_postgresql():
    association = make_association(name="Polisportiva Famiglie")
    event = registration_event(association, capacity=10)
    sizes = [1, 2, 3, 1, 4, 2, 1, 3, 2, 1, 1, 2, 4, 1, 3, 2, 1, 1, 2, 3]
    user_ids = [UserFactory().pk for _ in sizes]
    outcomes = register_concurrently(event.pk, user_ids, sizes)
    assert set(outcomes) <= {CONFIRMED, WAITLISTED}, outcomes
    rows = statuses(event)
    assert len(rows) == len(sizes)
    assert_fifo(rows, 10)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.sqlite
def test_thirty_people_for_ten_places_at_once_on_sqlite(tmp_path):
    """The embedded default: a SQLite file with IMMEDIATE transactions (hub.config).

    The test database is in memory, where SQLite's shared cache locks differently from a
    file; the threads work on a copy of it in a real file, with the hub's own options.
    """
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    association = make_association(name="Polisportiva Incorporata")
    event = registration_event(association, capacity=10)
    user_ids = [UserFactory().pk for _ in range(30)]
    database = tmp_path / "hub.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(database) as copy:
        connection.connection.backup(copy)
    file_settings = {**connection.settings_dict, "NAME": str(database)}

    wrapper_class = type(connections["default"])

    def use_the_file():
        connections["default"] = wrapper_class(file_settings, "default")

    outcomes = register_concurrently(event.pk, user_ids, [1] * 30, thread_setup=use_the_file)
    assert not [o for o in outcomes if "locked" in o], outcomes
    assert Counter(outcomes) == {CONFIRMED: 10, WAITLISTED: 20}, outcomes
    with sqlite3.connect(database) as copy:
        rows = copy.execute(
            "SELECT seats, status FROM events_registration WHERE event_id = ? "
            "ORDER BY created_at, id",
            [event.pk],
        ).fetchall()
    assert Counter(status for _seats, status in rows) == {CONFIRMED: 10, WAITLISTED: 20}
    assert_fifo(rows, 10)


@pytest.mark.django_db
def test_a_series_stays_in_the_profile_until_its_last_date(association):
    series = registration_event(
        association, title="Corso di nuoto", days=2, repeat="weekly", repeat_count=3
    )
    person = UserFactory()
    register(series, user=person)
    after_the_first_date = series.start + timedelta(days=3)
    assert selectors.registrations_of(person, now=after_the_first_date)
    assert not selectors.registrations_of(person, now=series.start + timedelta(days=20))


@pytest.mark.django_db
def test_queued_email_carries_text_attachments(django_capture_on_commit_callbacks):
    from hub.tasks import queue_email_on_commit

    with django_capture_on_commit_callbacks(execute=True):
        queue_email_on_commit(
            to=["c@example.org"],
            template="events/email/registration_cancelled",
            context={"event": "Festa", "organizer": "Polisportiva", "when": "sabato"},
            attachments=[("festa.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")],
        )
    (message,) = mail.outbox
    assert message.attachments == [
        ("festa.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    ]
