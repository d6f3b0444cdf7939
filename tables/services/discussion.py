"""Discussion of a proposal: comments (threaded, with a stance and @mentions), moderation
and endorsements."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from hub import notifications
from tables import mentions, rules, workflow
from tables import notifications as kinds
from tables.links import proposal_path
from tables.models import (
    MAX_COMMENT_DEPTH,
    Comment,
    Endorsement,
    Membership,
    Proposal,
    ProposalCoAuthor,
    Stance,
    Suggestion,
)
from tables.notifications import place_of, proposal_topic
from tables.services._common import (
    LOCKED,
    Conflict,
    fail,
    lock_proposal,
    notify_table,
    proposal_viewers,
)

MAX_COMMENT_LENGTH = 5000


def _mentioned_people(proposal: Proposal, text: str) -> list[int]:
    if "@" not in text:
        return []
    names: dict[str, int] = {}
    for user_id, full_name, email in Membership.objects.filter(table=proposal.table).values_list(
        "user_id", "user__full_name", "user__email"
    ):
        names[mentions.display_name(full_name, email)] = user_id
    return proposal_viewers(proposal, mentions.mentioned(text, names))


@transaction.atomic
def comment_create(
    *,
    by,
    proposal: Proposal,
    body: str,
    stance: str = Stance.NEUTRAL,
    parent: Comment | None = None,
    suggestion: Suggestion | None = None,
) -> Comment:
    # The proposal row is locked so that a comment never slips in after a status change
    # that locks the discussion.
    proposal = lock_proposal(proposal.pk)
    if proposal.status in workflow.LOCKED:
        raise Conflict(workflow.locked_message(proposal.status), code=LOCKED)
    if not rules.can_comment(by, proposal):
        raise PermissionDenied(_("Commentano i componenti del tavolo."))
    body = str(body).replace("\r\n", "\n").strip()
    if not body:
        fail("body", _("Il commento è vuoto."))
    if len(body) > MAX_COMMENT_LENGTH:
        fail(
            "body",
            _("Il commento è troppo lungo (al massimo %(n)s caratteri).")
            % {"n": MAX_COMMENT_LENGTH},
        )
    if stance not in Stance.values:
        fail("stance", _("Scegli una posizione: a favore, contro o neutrale."))
    depth = 1
    if parent is not None:
        if parent.proposal_id != proposal.pk:
            fail("parent", _("Si risponde a un commento della stessa proposta."))
        if parent.depth >= MAX_COMMENT_DEPTH:
            fail(
                "parent",
                _("Le risposte arrivano al massimo a %(n)s livelli: rispondi più in alto.")
                % {"n": MAX_COMMENT_DEPTH},
            )
        depth = parent.depth + 1
        # A reply is about what its thread is about.
        suggestion = parent.suggestion
    elif suggestion is not None and suggestion.proposal_id != proposal.pk:
        fail("suggestion", _("Si commenta un suggerimento della stessa proposta."))
    comment = Comment.objects.create(
        proposal=proposal,
        parent=parent,
        suggestion=suggestion,
        depth=depth,
        author=by,
        stance=stance,
        body=body,
        version_number=proposal.latest_version,
    )
    url = proposal_path(proposal) + f"#commento-{comment.pk}"
    who = by.full_name or by.email
    excerpt = Truncator(body).chars(300)
    mentioned = _mentioned_people(proposal, body)
    if mentioned:
        notifications.notify(
            users=mentioned,
            kind=notifications.MENTION,
            title=_("%(person)s ti ha menzionato su «%(title)s»")
            % {"person": who, "title": proposal.title},
            body=excerpt,
            url=url,
            place=place_of(proposal.table_id),
            place_label=proposal.table.name,
            actor=by,
            key=f"tables:comment:{comment.pk}:mention",
            **proposal_topic(proposal),
        )
    audience = set(
        ProposalCoAuthor.objects.filter(proposal=proposal).values_list("user_id", flat=True)
    )
    if parent is not None and parent.author_id:
        audience.add(parent.author_id)
    notify_table(
        proposal.table,
        proposal=proposal,
        users=[i for i in proposal_viewers(proposal, audience) if i not in mentioned],
        kind=kinds.COMMENT,
        title=_("Nuovo commento di %(person)s su «%(title)s»")
        % {"person": who, "title": proposal.title},
        body=excerpt,
        url=url,
        actor=by,
        key=f"tables:comment:{comment.pk}",
    )
    return comment


@transaction.atomic
def comment_hide(*, by, comment: Comment, reason: str) -> Comment:
    comment = (
        Comment.objects.select_for_update().select_related("proposal__table").get(pk=comment.pk)
    )
    if not rules.can_moderate(by, comment.proposal):
        raise PermissionDenied(_("Moderano i commenti i coordinatori del tavolo."))
    reason = " ".join(reason.split())
    if not reason:
        fail("reason", _("Scrivi il motivo: resta visibile ai coordinatori."))
    comment.hidden, comment.hidden_reason = True, reason[:500]
    comment.hidden_by, comment.hidden_at = by, timezone.now()
    comment.save(update_fields=["hidden", "hidden_reason", "hidden_by", "hidden_at"])
    return comment


@transaction.atomic
def comment_unhide(*, by, comment: Comment) -> Comment:
    comment = (
        Comment.objects.select_for_update().select_related("proposal__table").get(pk=comment.pk)
    )
    if not rules.can_moderate(by, comment.proposal):
        raise PermissionDenied(_("Moderano i commenti i coordinatori del tavolo."))
    comment.hidden, comment.hidden_reason, comment.hidden_by, comment.hidden_at = (
        False,
        "",
        None,
        None,
    )
    comment.save(update_fields=["hidden", "hidden_reason", "hidden_by", "hidden_at"])
    return comment


# --- Endorsements -----------------------------------------------------------------------------


@transaction.atomic
def endorsement_create(
    *, by, proposal: Proposal, on_behalf_of_association: bool = False
) -> Endorsement:
    """Support the proposal's current version, personally or for the association the person
    represents at the table."""
    proposal = lock_proposal(proposal.pk)
    if proposal.status not in workflow.ENDORSABLE:
        raise Conflict(
            _("Si sostiene una proposta in discussione o presentata al tavolo."), code=LOCKED
        )
    if not rules.can_endorse(by, proposal):
        raise PermissionDenied(_("Sostengono le proposte i componenti del tavolo."))
    association = None
    if on_behalf_of_association:
        association = rules.endorsable_association(by, proposal)
        if association is None:
            fail(None, _("Al tavolo non rappresenti un'associazione."))
    existing = Endorsement.objects.filter(proposal=proposal, association=association)
    if association is None:
        existing = existing.filter(user=by)
    endorsement = existing.first()
    if endorsement is not None:
        # Endorsing again endorses the current version.
        endorsement.version_number = proposal.latest_version
        endorsement.user = by
        endorsement.save(update_fields=["version_number", "user"])
        return endorsement
    try:
        with transaction.atomic():
            return Endorsement.objects.create(
                proposal=proposal,
                user=by,
                association=association,
                version_number=proposal.latest_version,
            )
    except IntegrityError:
        fail(None, _("Il sostegno è già stato dato."))


@transaction.atomic
def endorsement_withdraw(*, by, proposal: Proposal, on_behalf_of_association: bool = False) -> None:
    proposal = lock_proposal(proposal.pk)
    if on_behalf_of_association:
        association = rules.endorsable_association(by, proposal)
        if association is None:
            fail(None, _("Al tavolo non rappresenti un'associazione."))
        deleted, _rows = Endorsement.objects.filter(
            proposal=proposal, association=association
        ).delete()
    else:
        deleted, _rows = Endorsement.objects.filter(
            proposal=proposal, user=by, association__isnull=True
        ).delete()
    if not deleted:
        fail(None, _("Non avevi sostenuto la proposta."))
