"""The kinds of notification the tables send (registered in TablesConfig.ready()), and the
place key under which a person chooses, table by table, how each kind reaches them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hub.notifications.registry import register_kind

REQUEST = "tables.request"
MEMBERSHIP = "tables.membership"
MEETING = "tables.meeting"
COMMENT = "tables.comment"
PROPOSAL_CHANGED = "tables.proposal_changed"
STATUS = "tables.status"

KINDS = (
    (REQUEST, _("tavoli: richieste di partecipazione da decidere"), "email"),
    (MEMBERSHIP, _("tavoli: inviti e adesioni"), "email"),
    (MEETING, _("tavoli: riunioni convocate o cambiate"), "email"),
    (COMMENT, _("tavoli: nuovi commenti sulle tue proposte"), "daily"),
    (
        PROPOSAL_CHANGED,
        _("tavoli: modifiche alle proposte che hai sostenuto o commentato"),
        "daily",
    ),
    (STATUS, _("tavoli: cambi di stato e decisioni sulle proposte"), "email"),
)


def register_kinds() -> None:
    for code, label, default in KINDS:
        register_kind(code, label=label, default=default)


def place_of(table_id: int) -> str:
    """The notification centre's place for a table: choices are made per table."""
    return f"tables:table:{table_id}"


def proposal_topic(proposal) -> dict[str, str]:
    """notify's topic for what is about a proposal: a digest shows one block per proposal
    within its table, newest first (issue 13, 7)."""
    return {
        "topic": f"tables:proposal:{proposal.pk}",
        "topic_label": _("Proposta «%(title)s»") % {"title": proposal.title},
    }


def meeting_topic(meeting) -> dict[str, str]:
    """notify's topic for what is about a meeting: one block per meeting in a digest."""
    return {
        "topic": f"tables:meeting:{meeting.pk}",
        "topic_label": _("Riunione «%(title)s»") % {"title": meeting.title},
    }
