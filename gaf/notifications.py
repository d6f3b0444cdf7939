"""The purchase groups' kinds of notification, registered with the hub's notification
centre (hub.notifications) by GafConfig.ready(). Plain values: no models, no queries.

Every kind reaches the families of a round in the group's place ("gaf:group:<id>"), so a
person can choose per kind and per group. A family that had turned a GAF e-mail off before
the centre existed has it "in the inbox only" (gaf migration 0004).
"""

from __future__ import annotations

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from hub.notifications.registry import EmailRenderer, register_kind


class NotificationKind(models.TextChoices):
    ROUND_OPENED = "round_opened", _("apertura di un giro (e riapertura)")
    ROUND_EXTENDED = "round_extended", _("proroga della chiusura di un giro")
    CLOSING_24H = "closing_24h", _("24 ore alla chiusura")
    CLOSING_2H = "closing_2h", _("2 ore alla chiusura")
    ROUND_CLOSED = "round_closed", _("chiusura con la tua assegnazione")
    DELIVERY_REMINDER = "delivery_reminder", _("promemoria del ritiro")
    DELIVERY_CHANGES = "delivery_changes", _("modifiche dopo la consegna")


# What a round can tell its families: a NotificationKind, or the cancellation, which is
# about the order like the allocation sent at the close, and follows its choice.
ROUND_CANCELLED = "round_cancelled"
EVENTS = (*NotificationKind.values, ROUND_CANCELLED)


def kind_code(event: str) -> str:
    """The centre's kind for a round event: "gaf.round_opened", ..."""
    if event == ROUND_CANCELLED:
        event = NotificationKind.ROUND_CLOSED
    return f"gaf.{NotificationKind(event).value}"


# The e-mail template of each event (gaf/templates/gaf/email/<name>_subject.txt, _body.txt).
TEMPLATES = {
    NotificationKind.ROUND_OPENED: "gaf/email/round_opened",
    NotificationKind.ROUND_EXTENDED: "gaf/email/round_extended",
    NotificationKind.CLOSING_24H: "gaf/email/round_closing",
    NotificationKind.CLOSING_2H: "gaf/email/round_closing",
    NotificationKind.ROUND_CLOSED: "gaf/email/round_closed",
    NotificationKind.DELIVERY_REMINDER: "gaf/email/delivery_reminder",
    NotificationKind.DELIVERY_CHANGES: "gaf/email/delivery_changes",
    ROUND_CANCELLED: "gaf/email/round_cancelled",
}
# Events for every member family; the others go to the families that ordered something,
# and their e-mail shows the family its own order. A deadline's extension goes to every
# member, like the closing reminders: it is news for the families who have not ordered yet
# as much as for those who have.
TO_ALL_MEMBERS = frozenset(
    {
        NotificationKind.ROUND_OPENED,
        NotificationKind.ROUND_EXTENDED,
        NotificationKind.CLOSING_24H,
        NotificationKind.CLOSING_2H,
    }
)
HOURS = {NotificationKind.CLOSING_24H: 24, NotificationKind.CLOSING_2H: 2}


# Join requests: to the group's coordinators, and the decision to the family.
JOIN_REQUESTED = "gaf.join_requested"
JOIN_DECIDED = "gaf.join_decided"


def place_of(group_id: int) -> str:
    return f"gaf:group:{group_id}"


def register_kinds(*, render_email: EmailRenderer) -> None:
    for kind in NotificationKind:
        register_kind(
            kind_code(kind),
            label=format_lazy("{}: {}", _("Gruppi d'acquisto"), kind.label),
            default="email",
            render_email=render_email,
        )
    register_kind(
        JOIN_REQUESTED,
        label=format_lazy(
            "{}: {}", _("Gruppi d'acquisto"), _("richieste di adesione da esaminare")
        ),
        default="email",
    )
    register_kind(
        JOIN_DECIDED,
        label=format_lazy("{}: {}", _("Gruppi d'acquisto"), _("esito della richiesta di adesione")),
        default="email",
    )
