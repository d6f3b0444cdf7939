"""The co-editing pages: a proposal's text and a meeting's minutes in the real-time editor
(frontend/src/coedit-editor.js over the socket of tables.consumers), and "save a version"."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tables.coedit import rules, services
from tables.coedit.presence import person_label
from tables.models import Meeting, Proposal


def _status_texts() -> dict:
    return {
        "offline": _(
            "Sei offline: le modifiche restano in questo browser e si uniranno al documento "
            "quando torna la connessione."
        ),
        "connecting": _("Connessione in corso…"),
        "saving": _("Salvataggio in corso…"),
        "saved": _("Tutte le modifiche sono salvate."),
        "closed": _("Il documento si è chiuso: ricarica la pagina."),
    }


def _editor(request, *, kind: str, target, title: str, save_url: str | None):
    if not rules.can_read_document(request.user, target):
        raise Http404
    can_write = rules.can_write_document(request.user, target)
    me = person_label(request.user)
    return render(
        request,
        "tables/coedit/editor.html",
        {
            "kind": kind,
            "target": target,
            "title": title,
            "can_write": can_write,
            "me": me,
            "socket_url": f"/ws/tables/docs/{kind}/{target.pk}/",
            "store_name": f"hub-coedit-{request.user.pk}-{kind}-{target.pk}",
            "status_texts": _status_texts(),
            "save_url": save_url if can_write else None,
        },
    )


def _proposal(slug: str, proposal_id: int) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("table"), pk=proposal_id, table__slug=slug
    )


def proposal_text(request, slug: str, proposal_id: int):
    proposal = _proposal(slug, proposal_id)
    return _editor(
        request,
        kind="proposal",
        target=proposal,
        title=proposal.title,
        save_url=reverse(
            "tables_coedit:proposal_text_save", kwargs={"slug": slug, "proposal_id": proposal_id}
        ),
    )


@require_POST
def proposal_text_save(request, slug: str, proposal_id: int):
    proposal = _proposal(slug, proposal_id)
    if not rules.can_read_document(request.user, proposal):
        raise Http404
    if not rules.can_write_document(request.user, proposal):
        messages.error(request, _("Non puoi salvare versioni di questa proposta."))
    elif services.proposal_version_from_document(proposal=proposal, by=request.user) is None:
        messages.info(request, _("Nessuna modifica dall'ultima versione salvata."))
    else:
        messages.success(request, _("Versione salvata."))
    return redirect("tables_coedit:proposal_text", slug=slug, proposal_id=proposal_id)


def minutes_text(request, slug: str, meeting_id: int):
    meeting = get_object_or_404(
        Meeting.objects.select_related("table"), pk=meeting_id, table__slug=slug
    )
    return _editor(
        request,
        kind="minutes",
        target=meeting,
        title=_("Verbale: %(meeting)s") % {"meeting": meeting.title},
        save_url=None,
    )
