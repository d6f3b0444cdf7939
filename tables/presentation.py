"""What the proposal page and its live comments endpoint both show: a comment's HTML
(rendered by the same template on the page and in the JSON), and the labels of the
status moves."""

from __future__ import annotations

from django.template.loader import render_to_string

from tables import rules, workflow


def comment_context(user, proposal) -> dict:
    return {
        "can_moderate": rules.can_moderate(user, proposal),
        "can_comment": rules.can_comment(user, proposal),
    }


def comment_html(request, comment, proposal, context: dict) -> str:
    """A comment alone (without its replies), as the page shows it."""
    return render_to_string(
        "tables/includes/comment_body.html",
        {"comment": comment, "proposal": proposal, "table": proposal.table, **context},
        request=request,
    )


def status_choices(user, proposal) -> list[tuple[str, str]]:
    return [(status, workflow.label(status)) for status in rules.status_moves(user, proposal)]
