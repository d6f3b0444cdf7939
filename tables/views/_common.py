"""What every page of the tables does the same way: finding objects the person may see,
and answering a refusal."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from hub.access import permission_denied_response
from tables import rules, selectors
from tables.models import Meeting, Proposal, Table


def table_or_404(request: HttpRequest, slug: str) -> Table:
    table = selectors.table_by_slug(slug)
    if table is None or not rules.can_view_table(request.user, table):
        raise Http404
    return table


def proposal_or_404(request: HttpRequest, table: Table, proposal_id: int) -> Proposal:
    proposal = selectors.proposal_for(table, proposal_id)
    if proposal is None or not rules.can_view_proposal(request.user, proposal):
        raise Http404
    proposal.table = table
    return proposal


def meeting_or_404(request: HttpRequest, table: Table, meeting_id: int) -> Meeting:
    meeting = selectors.meeting_for(table, meeting_id)
    if meeting is None:
        raise Http404
    meeting.table = table
    return meeting


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    """403 with the service's own reason (or the hub's general one)."""
    message = str(error) or _("Non hai il permesso di farlo.")
    return permission_denied_response(request, message)
