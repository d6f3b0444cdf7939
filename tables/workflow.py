"""The life of a proposal: which status may follow which, on plain values.

    draft → in discussion → submitted to the table → approved / rejected
    approved → in progress → completed;  withdrawn from any open status

Publishing a draft (draft → in discussion) credits its co-authors. Approved and rejected are
reached only by recording the table's decision at a meeting (tables.services.decision_record),
never by a plain status change. Who may make each move is tables.rules' question.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tables.models import ProposalStatus as S
from tables.models import Status as ActionStatus

TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.DISCUSSION, S.WITHDRAWN),
    S.DISCUSSION: (S.SUBMITTED, S.WITHDRAWN),
    S.SUBMITTED: (S.APPROVED, S.REJECTED, S.DISCUSSION, S.WITHDRAWN),
    S.APPROVED: (S.IN_PROGRESS, S.WITHDRAWN),
    S.IN_PROGRESS: (S.COMPLETED, S.WITHDRAWN),
    S.REJECTED: (),
    S.COMPLETED: (),
    S.WITHDRAWN: (),
}

# Reached only through the table's decision.
DECIDED = (S.APPROVED, S.REJECTED)
# The body and the fields change (as new versions) only while the proposal is being written.
EDITABLE = (S.DRAFT, S.DISCUSSION)
# No more comments once the proposal's life has ended.
LOCKED = (S.REJECTED, S.COMPLETED, S.WITHDRAWN)
# Support is asked for while the table has not decided.
ENDORSABLE = (S.DISCUSSION, S.SUBMITTED)
# Moves only a coordinator makes (a co-author publishes, submits and withdraws their own).
COORDINATOR_ONLY = {
    (S.SUBMITTED, S.DISCUSSION),
    (S.APPROVED, S.IN_PROGRESS),
    (S.APPROVED, S.WITHDRAWN),
    (S.IN_PROGRESS, S.COMPLETED),
    (S.IN_PROGRESS, S.WITHDRAWN),
}


# The status of a Piano Family action linked to a proposal, following the proposal's: an
# approved proposal has not started yet, a completed one has achieved its action, a
# withdrawn or rejected one drops it. The statuses before the decision link nothing.
ACTION_STATUS = {
    S.APPROVED: ActionStatus.NOT_STARTED,
    S.IN_PROGRESS: ActionStatus.IN_PROGRESS,
    S.COMPLETED: ActionStatus.ACHIEVED,
    S.WITHDRAWN: ActionStatus.DROPPED,
    S.REJECTED: ActionStatus.DROPPED,
}


def action_status(status: str) -> str | None:
    """What a linked action's status becomes when its proposal reaches `status` (None:
    it stays as it is)."""
    return ACTION_STATUS.get(status)


class TransitionError(ValueError):
    """A status move the workflow refuses, with an Italian message naming what is allowed."""


def label(status: str) -> str:
    return str(S(status).label)


def allowed_next(status: str) -> tuple[str, ...]:
    return TRANSITIONS[S(status)]


def manual_next(status: str) -> tuple[str, ...]:
    """The moves a person makes by hand (the decided statuses come with a decision)."""
    return tuple(to for to in allowed_next(status) if to not in DECIDED)


def check_transition(from_status: str, to_status: str, *, by_decision: bool = False) -> None:
    """Raise TransitionError unless `from_status → to_status` is allowed."""
    if to_status not in S.values:
        raise TransitionError(_("Stato sconosciuto: «%(status)s».") % {"status": to_status})
    allowed = allowed_next(from_status)
    if to_status not in allowed:
        if not allowed:
            raise TransitionError(
                _("Una proposta «%(current)s» non può più cambiare stato.")
                % {"current": label(from_status)}
            )
        raise TransitionError(
            _("Una proposta «%(current)s» può passare solo a: %(allowed)s.")
            % {
                "current": label(from_status),
                "allowed": ", ".join(f"«{label(status)}»" for status in allowed),
            }
        )
    if to_status in DECIDED and not by_decision:
        raise TransitionError(
            _(
                "Una proposta diventa «%(status)s» solo con la decisione del tavolo, "
                "registrata in una riunione."
            )
            % {"status": label(to_status)}
        )


def needs_coordinator(from_status: str, to_status: str) -> bool:
    return (from_status, to_status) in COORDINATOR_ONLY


def locked_message(status: str) -> str:
    return _("La proposta è «%(status)s»: non si possono più aggiungere commenti.") % {
        "status": label(status)
    }
