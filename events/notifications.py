"""The events' kinds of notification, registered with the hub's notification centre
(hub.notifications) by EventsConfig.ready(). Plain values: no models, no queries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hub.notifications.registry import EmailRenderer, register_kind

# A person's own registration to an event: confirmed, on the waiting list, promoted from
# it, cancelled. Its e-mail is the event's (events.notification_emails), with the .ics.
REGISTRATION = "events.registration"
# An event proposed from the public site, to the network staff who decide on it.
PROPOSAL_TO_REVIEW = "events.proposal_to_review"

# What happened to a registration: the e-mail template of each
# (events/templates/events/email/registration_<what>_subject.txt, _body.txt).
REGISTRATION_EVENTS = ("confirmed", "waitlisted", "promoted", "cancelled")


def registration_place(event_id: int) -> str:
    return f"events:event:{event_id}"


def register_kinds(*, render_email: EmailRenderer) -> None:
    register_kind(
        REGISTRATION,
        label=_("eventi: la tua iscrizione (conferma, lista d'attesa, posto liberato)"),
        render_email=render_email,
    )
    register_kind(PROPOSAL_TO_REVIEW, label=_("staff: nuove proposte di evento da esaminare"))
