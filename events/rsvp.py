"""Registration (RSVP) for events that require it: the registration rules.

Who may register or see the attendees is asked of events.rules; the writes are in
events.services (registration_create, registration_cancel, registration_promote_waitlisted)
and what the pages show in events.selectors.

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

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from events.models import EventPage, Registration

MAX_SEATS = 10
NOTE_MAX_LENGTH = 300

CONFIRMED = Registration.Status.CONFIRMED
WAITLISTED = Registration.Status.WAITLISTED
CANCELLED = Registration.Status.CANCELLED


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


def validate_request(seats, note) -> tuple[int, str]:
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
