"""What the proposal page and its live comments endpoint both show: a comment's HTML
(rendered by the same template on the page and in the JSON), and the labels of the
status moves."""

from __future__ import annotations

from django.template.loader import render_to_string

from tables import rules, workflow
from tables.models import Stance


def comment_context(user, proposal) -> dict:
    return {
        "can_moderate": rules.can_moderate(user, proposal),
        "can_comment": rules.can_comment(user, proposal),
        "stance_choices": Stance.choices,
    }


def comment_html(request, comment, proposal, context: dict) -> str:
    """A new comment as the page shows it (its replies' list still empty)."""
    comment.thread_replies = []
    return render_to_string(
        "tables/includes/comment.html",
        {"comment": comment, "proposal": proposal, "table": proposal.table, **context},
        request=request,
    )


def status_choices(user, proposal) -> list[tuple[str, str]]:
    return [(status, workflow.label(status)) for status in rules.status_moves(user, proposal)]
