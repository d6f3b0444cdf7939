"""Proposing an event from the public site, and the proposer's own list of proposals.

The form explains itself to visitors who are not signed in and asks them to sign in (or
sign up) to send it; the decision is network staff's, in the Wagtail admin
(events/proposal_admin.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from associations.selectors import filter_options
from events import proposals
from events.proposal_forms import ProposalForm


@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest) -> HttpResponse:
    if not proposals.can_propose(request.user):
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        return render(
            request,
            "events/proposals/propose.html",
            {"form": None, "next_query": urlencode({"next": request.get_full_path()})},
        )
    options = filter_options()
    if request.method == "POST":
        form = ProposalForm(request.POST, options=options)
        if form.is_valid():
            try:
                proposals.proposal_submit(user=request.user, data=form.to_data())
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request,
                    _(
                        "Grazie: la proposta è arrivata allo staff della rete. Riceverai "
                        "un'e-mail quando l'avrà esaminata."
                    ),
                )
                return redirect("events:my_proposals")
        status = 400
    else:
        form = ProposalForm(options=options, initial={"contact_email": request.user.email})
        status = 200
    return render(request, "events/proposals/propose.html", {"form": form}, status=status)


@login_required
@require_GET
def my_proposals(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "events/proposals/mine.html",
        {"proposals": proposals.proposals_of(request.user)},
    )
