"""Paths of the tables' pages, for notifications, e-mails and calendar feeds; and the name of
what a person loses with their place at a table, for the sockets that depend on it."""

from __future__ import annotations

from django.urls import reverse


def table_path(table) -> str:
    return reverse("tables:table", kwargs={"slug": table.slug})


def proposal_path(proposal, table=None) -> str:
    table = table or proposal.table
    return reverse("tables:proposal", kwargs={"slug": table.slug, "proposal_id": proposal.pk})


def meeting_path(meeting, table=None) -> str:
    table = table or meeting.table
    return reverse("tables:meeting", kwargs={"slug": table.slug, "meeting_id": meeting.pk})


def compare_path(proposal, old: int, new: int, table=None) -> str:
    table = table or proposal.table
    path = reverse(
        "tables:proposal_compare", kwargs={"slug": table.slug, "proposal_id": proposal.pk}
    )
    return f"{path}?da={old}&a={new}"


def table_access_scope(table_id: int) -> str:
    """What a person loses when they leave a table or become its observer: their open
    co-editing sockets of its documents close (hub.websocket.revoke_access_on_commit)."""
    return f"tables.table.{table_id}"
