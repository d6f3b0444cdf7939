"""Registration (RSVP) for events that require it: who may do what, the services, and what
the event page, the profile and the organizer's attendee list show.

Places and the waiting list
---------------------------
`capacity` is a number of seats (None = no limit); a registration asks for 1 to 10 seats
(a family registers together). The sum of the seats of confirmed registrations never
exceeds the capacity. A registration that does not fit goes on the waiting list.

The waiting list is strict FIFO, as in Mobilizon and Gancio: nobody overtakes the people
already waiting, neither a newcomer (while anyone waits, newcomers wait too, even if a seat
is free) nor a smaller party further down the list when a place frees up (promotion stops at
the first party that does not fit). Letting small parties jump the queue would let single
people keep a family of four waiting forever, and would make the position shown to people
meaningless. A party larger than the whole capacity could block the list for good, so it is
refused when registering instead.

Registrations close at `registration_closes_at` or when the event starts (for a recurring
event: its first date), whichever comes first, and are refused for cancelled events.
People on the waiting list are still promoted after registrations close, until the start.

No overbooking: every service that changes the places of an event locks the event's row
(`select_for_update`) inside its transaction, so decisions on one event are taken one at a
time; on SQLite, transactions are IMMEDIATE (hub.config) and serialize the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from associations import rules as association_rules
from events.models import EventOccurrence, EventPage, Registration
from hub.csv_export import ITALIAN_EXCEL, CsvWriter

MAX_SEATS = 10
NOTE_MAX_LENGTH = 300

CONFIRMED = Registration.Status.CONFIRMED
WAITLISTED = Registration.Status.WAITLISTED
CANCELLED = Registration.Status.CANCELLED


# --- Who may do what --------------------------------------------------------------------------


def _is_person(user) -> bool:
    # An association API token is authenticated but is not a person (its pk is None).
    return bool(user and user.is_authenticated and user.is_active and user.pk is not None)


def can_register(user) -> bool:
    return _is_person(user)


def can_manage_registrations(user, event: EventPage) -> bool:
    """The event's organizers: its association's editors and admins (for a municipal event,
    whoever may edit the page in Wagtail) and network staff."""
    if not _is_person(user):
        return False
    if user.is_staff or user.is_superuser:
        return True
    if event.association_id is not None:
        return association_rules.is_editor(user, event.association)
    return event.permissions_for_user(user).can_edit()


def can_cancel_registration(user, registration: Registration) -> bool:
    if not _is_person(user):
        return False
    return registration.user_id == user.pk or can_manage_registrations(user, registration.event)


# --- When registrations are open ---------------------------------------------------------------


def closes_at(event: EventPage) -> datetime:
    if event.registration_closes_at is not None:
        return min(event.registration_closes_at, event.start)
    return event.start


def refusal(event: EventPage, *, now: datetime) -> str | None:
    """Why nobody can register now (an Italian message), or None when registrations are open."""
    if not event.registration_required:
        return _("Questo evento non prevede iscrizioni.")
    if not event.live:
        return _("Questo evento non è pubblicato.")
    if event.status == EventPage.Status.CANCELLED:
        return _("L'evento è stato annullato: non ci si può più iscrivere.")
    if now >= closes_at(event):
        return _("Le iscrizioni a questo evento sono chiuse.")
    return None


@dataclass(frozen=True)
class Places:
    confirmed_seats: int
    waitlisted_parties: int
    waitlisted_seats: int


def places(event_id: int) -> Places:
    """One query: the seats taken and the waiting list of an event."""
    row = Registration.objects.filter(event_id=event_id).aggregate(
        confirmed_seats=Coalesce(Sum("seats", filter=Q(status=CONFIRMED)), 0),
        waitlisted_parties=Count("id", filter=Q(status=WAITLISTED)),
        waitlisted_seats=Coalesce(Sum("seats", filter=Q(status=WAITLISTED)), 0),
    )
    return Places(**row)


def _locked_event(event_id: int) -> EventPage:
    # Only the event's own row: Wagtail's page row stays free for editors.
    return EventPage.objects.select_for_update(of=("self",)).get(pk=event_id)


def _validate_request(seats, note) -> tuple[int, str]:
    errors = {}
    if isinstance(seats, bool) or not isinstance(seats, int) or not 1 <= seats <= MAX_SEATS:
        errors["seats"] = _("Indica un numero di posti tra 1 e %(max)s.") % {"max": MAX_SEATS}
    note = (note or "").strip() if isinstance(note, str) else None
    if note is None or len(note) > NOTE_MAX_LENGTH:
        errors["note"] = _("La nota può avere al massimo %(max)s caratteri.") % {
            "max": NOTE_MAX_LENGTH
        }
    if errors:
        raise ValidationError(errors)
    return seats, note


# --- Services ---------------------------------------------------------------------------------


@transaction.atomic
def registration_create(
    *, event: EventPage, user, seats: int = 1, note: str = "", now: datetime | None = None
) -> Registration:
    """Register `user` for `seats` places: confirmed if they fit, else on the waiting list."""
    now = now or timezone.now()
    if not can_register(user):
        raise PermissionDenied(_("Accedi per iscriverti."))
    seats, note = _validate_request(seats, note)
    event = _locked_event(event.pk)
    reason = refusal(event, now=now)
    if reason:
        raise ValidationError(reason, code="closed")
    if event.capacity is not None and seats > event.capacity:
        raise ValidationError(
            {
                "seats": _("L'evento ha in tutto %(capacity)s posti: non puoi chiederne di più.")
                % {"capacity": event.capacity}
            }
        )
    if Registration.objects.filter(event=event, user=user).exclude(status=CANCELLED).exists():
        raise ValidationError(_("Sei già iscritto a questo evento."), code="already_registered")
    taken = places(event.pk)
    fits = event.capacity is None or taken.confirmed_seats + seats <= event.capacity
    status = CONFIRMED if fits and taken.waitlisted_parties == 0 else WAITLISTED
    registration = Registration.objects.create(
        event=event, user=user, seats=seats, note=note, status=status
    )
    _notify_on_commit(registration, "confirmed" if status == CONFIRMED else "waitlisted")
    return registration


@transaction.atomic
def registration_cancel(
    *, registration: Registration, by, now: datetime | None = None
) -> list[Registration]:
    """Cancel a registration and promote the waiting list; returns who was promoted.

    Cancelling twice is not an error: the second time nothing changes.
    """
    now = now or timezone.now()
    event = _locked_event(registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    registration.event = event
    if not can_cancel_registration(by, registration):
        raise PermissionDenied(_("Non puoi annullare questa iscrizione."))
    if registration.status == CANCELLED:
        return []
    by_organizer = registration.user_id != by.pk
    if not by_organizer and now >= event.start:
        raise ValidationError(
            _("L'evento è già iniziato: l'iscrizione non si può più annullare."), code="started"
        )
    registration.status = CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    if by_organizer:
        _notify_on_commit(registration, "cancelled")
    return _promote(event, now=now)


@transaction.atomic
def registration_promote_waitlisted(
    *, event: EventPage, now: datetime | None = None
) -> list[Registration]:
    """Promote whoever now fits (after the organizer raised or removed the capacity)."""
    return _promote(_locked_event(event.pk), now=now or timezone.now())


def _promote(event: EventPage, *, now: datetime) -> list[Registration]:
    """Strict FIFO: confirm waiting parties in order until the first one that doesn't fit.

    The caller holds the event's row lock.
    """
    if now >= event.start or event.status == EventPage.Status.CANCELLED or not event.live:
        return []
    free = None
    if event.capacity is not None:
        free = event.capacity - places(event.pk).confirmed_seats
    promoted = []
    waiting = Registration.objects.filter(event=event, status=WAITLISTED).order_by(
        "created_at", "id"
    )
    for registration in waiting:
        if free is not None:
            if registration.seats > free:
                break
            free -= registration.seats
        registration.status = CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        _notify_on_commit(registration, "promoted")
        promoted.append(registration)
    return promoted


def _notify_on_commit(registration: Registration, kind: str) -> None:
    """Queue the e-mail about `kind` once committed (events.tasks.registration_notify)."""
    from django_q.tasks import async_task

    registration_id = registration.pk
    language = translation.get_language() or "it"
    transaction.on_commit(
        lambda: async_task(
            "events.tasks.registration_notify",
            registration_id=registration_id,
            kind=kind,
            language=language,
            task_name=f"events:registration:{kind}:{registration_id}",
        )
    )


# --- What pages show ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationPanel:
    event_id: int
    capacity: int | None
    confirmed_seats: int
    seats_left: int | None  # None: no limit
    waitlisted_parties: int
    is_open: bool
    closed_reason: str | None
    closes_at: datetime
    registration: Registration | None  # the user's active registration
    waitlist_position: int | None  # 1 = next to be promoted
    can_cancel: bool  # people cancel their own registration until the event starts
    max_seats: int
    register_url: str
    cancel_url: str | None


def registration_panel_context(page: EventPage, user, *, now: datetime | None = None) -> dict:
    """Context of `events/registration/panel.html` for the event page.

    Returns {"registration_panel": RegistrationPanel} for an event that requires
    registration, {"registration_panel": None} otherwise (the include then renders nothing).
    Needs only the page and the user; at most three queries whatever the number of
    registrations (places, the user's registration, their place on the waiting list), none
    for an event without registration. The template needs `request` in its context (for the
    CSRF token and the login link back to the page), as any page rendered with it has.
    """
    if not page.registration_required or page.pk is None:  # None: a preview of a new page
        return {"registration_panel": None}
    now = now or timezone.now()
    taken = places(page.pk)
    registration = None
    position = None
    if _is_person(user):
        registration = (
            Registration.objects.filter(event_id=page.pk, user=user)
            .exclude(status=CANCELLED)
            .first()
        )
        if registration is not None and registration.status == WAITLISTED:
            position = 1 + (
                Registration.objects.filter(event_id=page.pk, status=WAITLISTED)
                .filter(
                    Q(created_at__lt=registration.created_at)
                    | Q(created_at=registration.created_at, id__lt=registration.pk)
                )
                .count()
            )
    reason = refusal(page, now=now)
    seats_left = None
    if page.capacity is not None:
        seats_left = max(page.capacity - taken.confirmed_seats, 0)
    return {
        "registration_panel": RegistrationPanel(
            event_id=page.pk,
            capacity=page.capacity,
            confirmed_seats=taken.confirmed_seats,
            seats_left=seats_left,
            waitlisted_parties=taken.waitlisted_parties,
            is_open=reason is None,
            closed_reason=reason,
            closes_at=closes_at(page),
            registration=registration,
            waitlist_position=position,
            can_cancel=now < page.start,
            max_seats=min(MAX_SEATS, page.capacity) if page.capacity else MAX_SEATS,
            register_url=reverse("events:registration_create", args=[page.pk]),
            cancel_url=reverse("events:registration_cancel", args=[registration.pk])
            if registration is not None
            else None,
        )
    }


def registrations_of(user, *, now: datetime | None = None) -> list[Registration]:
    """The user's active registrations for events that have not ended yet, a series until
    its last date (one query)."""
    now = now or timezone.now()
    dates_to_come = EventOccurrence.objects.filter(event_id=OuterRef("event_id"), end__gte=now)
    return list(
        Registration.objects.filter(user=user)
        .filter(Q(event__end__gte=now) | Exists(dates_to_come))
        .exclude(status=CANCELLED)
        .select_related("event")
        .order_by("event__start", "id")
    )


def registrations_profile_context(request) -> dict:
    """Context of `events/registration/profile.html`, the profile section (one query)."""
    now = timezone.now()
    return {"event_registrations": registrations_of(request.user, now=now), "now": now}


# --- The organizer's attendee list ----------------------------------------------------------------


def attendee_headers() -> list[str]:
    return [
        _("Stato"),
        _("Posizione in lista d'attesa"),
        _("Nome"),
        _("E-mail"),
        _("Posti"),
        _("Note per l'organizzatore"),
        _("Iscritto il"),
        _("Confermato dalla lista d'attesa il"),
    ]


def _moment(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def attendees_csv(event: EventPage) -> str:
    """The confirmed people, then the waiting list in order, as CSV text for a spreadsheet
    set to Italian (hub.csv_export: `;`, a BOM so that the accents read right, and names
    and notes typed by the public neutralised against formulas). One query."""
    registrations = (
        Registration.objects.filter(event=event)
        .exclude(status=CANCELLED)
        .select_related("user")
        .order_by("created_at", "id")
    )
    confirmed = [r for r in registrations if r.status == CONFIRMED]
    waiting = [r for r in registrations if r.status == WAITLISTED]
    writer = CsvWriter(ITALIAN_EXCEL)
    writer.writerow(attendee_headers())
    for position, registration in [(None, r) for r in confirmed] + list(
        enumerate(waiting, start=1)
    ):
        user = registration.user
        writer.writerow(
            [
                registration.get_status_display(),
                position or "",
                user.full_name,
                user.email,
                registration.seats,
                registration.note,
                _moment(registration.created_at),
                _moment(registration.promoted_at),
            ]
        )
    return writer.text()
