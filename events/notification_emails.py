"""The events' own e-mails for their notifications: a registration's e-mail says what
happened with the event's facts and, while the person holds a place, carries the event as
an .ics file for their calendar. The hub's notification centre asks for them when it
e-mails those notifications at once (registered by EventsConfig.ready()).

The queries do not grow with the notifications: the registrations, then their events.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from events.ical import single_event_ics
from events.models import EventPage, Registration
from events.notifications import REGISTRATION_EVENTS
from events.schedule import feed_event
from hub.urls_absolute import page_url

# The state a registration must still be in for the .ics to make sense: a later change
# notified the person of its own.
_HOLDS_A_PLACE = {"confirmed", "promoted"}


def registration_context(registration: Registration, event: EventPage, url: str) -> dict:
    return {
        "name": registration.user.full_name,
        "event": event.title,
        "organizer": event.association.name if event.association else event.municipality.name,
        "when": _when(event),
        "recurring": bool(event.repeat),
        "where": ", ".join(
            part for part in (event.venue, event.address, event.municipality.name) if part
        ),
        "url": url,
        "seats": registration.seats,
        "event_cancelled": event.status == EventPage.Status.CANCELLED,
    }


def render_subject(what: str, context: dict) -> str:
    return " ".join(
        render_to_string(f"events/email/registration_{what}_subject.txt", context).split()
    )


def render_emails(notifications: list) -> dict[int, tuple]:
    wanted = {
        notification.pk: notification.data
        for notification in notifications
        if (notification.data or {}).get("what") in REGISTRATION_EVENTS
    }
    registrations = (
        Registration.objects.select_related("user")
        .filter(pk__in={data.get("registration") for data in wanted.values()})
        .in_bulk()
    )
    events = (
        EventPage.objects.select_related("municipality", "association")
        .prefetch_related("exclusions", "occurrence_changes", "areas", "age_bands")
        .in_bulk({registration.event_id for registration in registrations.values()})
    )
    emails = {}
    for pk, data in wanted.items():
        registration = registrations.get(data.get("registration"))
        event = events.get(registration.event_id) if registration else None
        if event is None:
            continue  # gone since: the hub's plain e-mail says what the notification says
        what = data["what"]
        url = page_url(event) or ""
        context = registration_context(registration, event, url)
        attachments = []
        if what in _HOLDS_A_PLACE and registration.status == Registration.Status.CONFIRMED:
            ics = single_event_ics(feed_event(event, url=url)).decode("utf-8")
            attachments.append((f"{event.slug or 'evento'}.ics", ics, "text/calendar"))
        body = render_to_string(f"events/email/registration_{what}_body.txt", context)
        emails[pk] = (render_subject(what, context), body, attachments)
    return emails


def _when(event: EventPage) -> str:
    start = timezone.localtime(event.start)
    if event.all_day:
        return formats.date_format(start, "l j F Y")
    return _("%(date)s alle %(time)s") % {
        "date": formats.date_format(start, "l j F Y"),
        "time": formats.time_format(start, "H:i"),
    }
