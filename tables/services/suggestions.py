"""Suggestions on a proposal being written (tables.models.suggestions): writing one, and the
co-authors' and coordinators' decision on it.

A suggestion quotes a passage of the current text: the text the proposal page shows (the
last saved version) or, when the proposal is being co-edited, the live document, so that a
passage written a minute ago can be quoted. Whitespace does not count in the comparison.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from tables import notifications as kinds
from tables import rules, workflow
from tables.links import proposal_path
from tables.models import CoeditDocument, Proposal, ProposalCoAuthor, Suggestion
from tables.services._common import (
    STATUS_CONFLICT,
    SUGGESTION_DECIDED,
    Conflict,
    fail,
    lock_proposal,
    notify_table,
    proposal_viewers,
)

MAX_QUOTE_LENGTH = 1000
MAX_SUGGESTION_LENGTH = 3000


def _normal(text: str) -> str:
    return " ".join(str(text).split())


def _current_texts(proposal: Proposal) -> list[str]:
    texts = [proposal.body]
    document_id = (
        CoeditDocument.objects.filter(proposal=proposal).values_list("pk", flat=True).first()
    )
    if document_id is not None:
        # tables.coedit.services builds versions with this package's proposal_update.
        from tables.coedit.services import document_rendered

        texts.append(document_rendered(document_id=document_id).text)
    return texts


def _not_editable(proposal: Proposal) -> Conflict:
    return Conflict(
        _("La proposta è «%(status)s»: il testo non si modifica più.")
        % {"status": workflow.label(proposal.status)},
        code=STATUS_CONFLICT,
    )


@transaction.atomic
def suggestion_create(*, by, proposal: Proposal, quote: str, body: str) -> Suggestion:
    """A suggestion on the passage `quote`; the co-authors are told."""
    proposal = lock_proposal(proposal.pk)
    if proposal.status not in workflow.EDITABLE:
        raise _not_editable(proposal)
    if not rules.can_suggest(by, proposal):
        raise PermissionDenied(
            _("Suggeriscono modifiche i componenti e gli osservatori del tavolo.")
        )
    quote = _normal(quote)
    body = str(body).replace("\r\n", "\n").strip()
    if not quote:
        fail("quote", _("Copia il passaggio a cui si riferisce il suggerimento."))
    if len(quote) > MAX_QUOTE_LENGTH:
        fail(
            "quote",
            _("Il passaggio citato è troppo lungo (al massimo %(n)s caratteri).")
            % {"n": MAX_QUOTE_LENGTH},
        )
    if not any(quote in _normal(text) for text in _current_texts(proposal)):
        fail(
            "quote",
            _("Il passaggio citato non è nel testo attuale della proposta: copialo così com'è."),
        )
    if not body:
        fail("body", _("Scrivi il suggerimento."))
    if len(body) > MAX_SUGGESTION_LENGTH:
        fail(
            "body",
            _("Il suggerimento è troppo lungo (al massimo %(n)s caratteri).")
            % {"n": MAX_SUGGESTION_LENGTH},
        )
    suggestion = Suggestion.objects.create(
        proposal=proposal,
        author=by,
        quote=quote,
        body=body,
        version_number=proposal.latest_version,
    )
    coauthors = set(
        ProposalCoAuthor.objects.filter(proposal=proposal).values_list("user_id", flat=True)
    )
    coauthors.discard(by.pk)
    people = proposal_viewers(proposal, coauthors)
    if people:
        notify_table(
            proposal.table,
            users=people,
            kind=kinds.COMMENT,
            title=_("Un suggerimento sulla proposta «%(title)s»") % {"title": proposal.title},
            body=Truncator(body).chars(200),
            url=proposal_path(proposal) + f"#suggerimento-{suggestion.pk}",
            actor=by,
            key=f"tables:suggestion:{suggestion.pk}",
        )
    return suggestion


@transaction.atomic
def suggestion_decide(*, by, suggestion: Suggestion, accept: bool) -> Suggestion:
    """Accept or dismiss an open suggestion; its author is told."""
    proposal = lock_proposal(suggestion.proposal_id)
    if not rules.can_decide_suggestion(by, proposal):
        if proposal.status not in workflow.EDITABLE:
            raise _not_editable(proposal)
        raise PermissionDenied(_("Valutano i suggerimenti i coautori e chi coordina."))
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != Suggestion.Status.OPEN:
        raise Conflict(_("Questo suggerimento è già stato valutato."), code=SUGGESTION_DECIDED)
    suggestion.status = Suggestion.Status.ACCEPTED if accept else Suggestion.Status.DISMISSED
    suggestion.decided_by = by
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    if suggestion.author_id is not None and suggestion.author_id != by.pk:
        notify_table(
            proposal.table,
            users=proposal_viewers(proposal, {suggestion.author_id}),
            kind=kinds.STATUS,
            title=(
                _("Il tuo suggerimento sulla proposta «%(title)s» è stato accolto")
                if accept
                else _("Il tuo suggerimento sulla proposta «%(title)s» non è stato accolto")
            )
            % {"title": proposal.title},
            url=proposal_path(proposal) + f"#suggerimento-{suggestion.pk}",
            actor=by,
            key=f"tables:suggestion:{suggestion.pk}:decided",
        )
    return suggestion
