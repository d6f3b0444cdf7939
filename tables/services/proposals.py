"""Proposals: writing them (every saved change a version), restoring, co-authors, status
moves and the table's decision.

Every change of the body or the fields is saved with the proposal row locked and becomes
version `latest_version + 1`, so numbers have no gaps and two people saving at once get two
versions, never one lost. A save based on an older version than the current one is refused
(the person is shown the newer one) rather than silently overwriting it.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Association
from hub.models import AgeBand, Area, Municipality
from tables import notifications as kinds
from tables import rules, versions, workflow
from tables.coedit import content
from tables.links import proposal_path
from tables.models import (
    AgendaItem,
    CoeditDocument,
    Comment,
    Endorsement,
    Meeting,
    Membership,
    Proposal,
    ProposalCoAuthor,
    ProposalStatus,
    ProposalStatusChange,
    ProposalVersion,
    Role,
    Table,
    TableDecision,
)
from tables.services import plan as plan_services
from tables.services._common import (
    STALE,
    STATUS_CONFLICT,
    Conflict,
    fail,
    lock_proposal,
    notify_table,
    proposal_viewers,
    unique_slug,
)

MAX_BUDGET = Decimal("9999999999.99")


def _clean_fields(
    table: Table,
    *,
    title: str,
    summary: str,
    body: str,
    area: Area | None,
    age_bands: Iterable[AgeBand],
    municipalities: Iterable[Municipality],
    partner_associations: Iterable[Association],
    budget_estimate: Decimal | None,
) -> dict:
    title = " ".join(str(title).split())
    if not title:
        fail("title", _("Dai un titolo alla proposta."))
    if area is None:
        fail("area", _("Scegli l'area della proposta."))
    if budget_estimate is not None:
        if not isinstance(budget_estimate, Decimal) or not budget_estimate.is_finite():
            fail("budget_estimate", _("La stima dei costi è un importo in euro."))
        if budget_estimate < 0:
            fail("budget_estimate", _("La stima dei costi non può essere negativa."))
        if budget_estimate > MAX_BUDGET:
            fail("budget_estimate", _("La stima dei costi è troppo alta."))
        budget_estimate = budget_estimate.quantize(Decimal("0.01"))
    municipalities = list(municipalities)
    allowed = set(table.network.municipalities.values_list("pk", flat=True))
    if any(m.pk not in allowed for m in municipalities):
        fail("municipalities", _("Scegli comuni della rete del tavolo."))
    return {
        "title": title,
        "summary": str(summary).strip(),
        "body": str(body).replace("\r\n", "\n").strip(),
        "area": area,
        "age_bands": list(age_bands),
        "municipalities": municipalities,
        "partner_associations": list(partner_associations),
        "budget_estimate": budget_estimate,
    }


FIELD_NAMES = (
    "title",
    "summary",
    "body",
    "area",
    "age_bands",
    "municipalities",
    "partner_associations",
    "budget_estimate",
)


def _current_fields(proposal: Proposal) -> dict:
    """The proposal's values, for the fields a change leaves out."""
    return {
        "title": proposal.title,
        "summary": proposal.summary,
        "body": proposal.body,
        "area": proposal.area,
        "age_bands": list(proposal.age_bands.all()),
        "municipalities": list(proposal.municipalities.all()),
        "partner_associations": list(proposal.partner_associations.all()),
        "budget_estimate": proposal.budget_estimate,
    }


def _snapshot(values: dict) -> dict:
    return versions.make_snapshot(
        title=values["title"],
        summary=values["summary"],
        body=values["body"],
        area=(values["area"].pk, values["area"].name),
        age_bands=[(b.pk, b.name) for b in values["age_bands"]],
        municipalities=[(m.pk, m.name) for m in values["municipalities"]],
        partner_associations=[(a.pk, a.name) for a in values["partner_associations"]],
        budget_estimate=values["budget_estimate"],
    )


def _apply(proposal: Proposal, values: dict) -> None:
    for name in ("title", "summary", "body", "area", "budget_estimate"):
        setattr(proposal, name, values[name])


def _set_relations(proposal: Proposal, values: dict) -> None:
    proposal.age_bands.set(values["age_bands"])
    proposal.municipalities.set(values["municipalities"])
    proposal.partner_associations.set(values["partner_associations"])


def _add_version(proposal: Proposal, *, by, snapshot: dict, restored_from=None) -> ProposalVersion:
    """The next version of a locked proposal."""
    proposal.latest_version += 1
    proposal.save(
        update_fields=[
            "title",
            "summary",
            "body",
            "area",
            "budget_estimate",
            "latest_version",
            "updated_at",
        ]
    )
    return ProposalVersion.objects.create(
        proposal=proposal,
        number=proposal.latest_version,
        author=by,
        snapshot=snapshot,
        restored_from=restored_from,
    )


def latest_snapshot(proposal: Proposal) -> dict | None:
    return (
        ProposalVersion.objects.filter(proposal=proposal, number=proposal.latest_version)
        .values_list("snapshot", flat=True)
        .first()
    )


@transaction.atomic
def proposal_create(
    *,
    by,
    table: Table,
    title: str,
    area: Area,
    summary: str = "",
    body: str = "",
    age_bands: Iterable[AgeBand] = (),
    municipalities: Iterable[Municipality] = (),
    partner_associations: Iterable[Association] = (),
    budget_estimate: Decimal | None = None,
) -> Proposal:
    """A draft, with its author as first co-author and version 1."""
    if not rules.can_create_proposal(by, table):
        raise PermissionDenied(_("Propongono i componenti del tavolo."))
    values = _clean_fields(
        table,
        title=title,
        summary=summary,
        body=body,
        area=area,
        age_bands=age_bands,
        municipalities=municipalities,
        partner_associations=partner_associations,
        budget_estimate=budget_estimate,
    )
    proposal = Proposal(
        table=table,
        slug=unique_slug(table.proposals.all(), values["title"]),
        created_by=by,
        status=ProposalStatus.DRAFT,
    )
    _apply(proposal, values)
    proposal.save()
    _set_relations(proposal, values)
    ProposalCoAuthor.objects.create(proposal=proposal, user=by)
    _add_version(proposal, by=by, snapshot=_snapshot(values))
    return proposal


def _people_to_tell_of_a_change(proposal: Proposal, *, since_version: int) -> list[int]:
    """Who endorsed or commented on an earlier version."""
    endorsers = Endorsement.objects.filter(
        proposal=proposal, version_number__lt=since_version
    ).values_list("user_id", flat=True)
    commenters = Comment.objects.filter(
        proposal=proposal, version_number__lt=since_version, author__isnull=False
    ).values_list("author_id", flat=True)
    return proposal_viewers(proposal, {*endorsers, *commenters})


def _notify_changed(proposal: Proposal, *, by, version: ProposalVersion) -> None:
    if proposal.status == ProposalStatus.DRAFT:
        return
    people = _people_to_tell_of_a_change(proposal, since_version=version.number)
    if not people:
        return
    notify_table(
        proposal.table,
        proposal=proposal,
        users=people,
        kind=kinds.PROPOSAL_CHANGED,
        title=_("La proposta «%(title)s» è cambiata (versione %(number)s)")
        % {"title": proposal.title, "number": version.number},
        body=_("L'hai sostenuta o commentata: guarda che cosa è cambiato."),
        url=proposal_path(proposal) + "#cambiata",
        actor=by,
        key=f"tables:proposal:{proposal.pk}:v{version.number}",
    )


@transaction.atomic
def proposal_update(
    *,
    by,
    proposal: Proposal,
    base_version: int | None = None,
    from_document: bool = False,
    **fields,
) -> ProposalVersion | None:
    """Save the proposal's new fields and body as a new version (None when nothing changed);
    the fields left out keep their values.

    `base_version` is the version the person was editing: if someone saved since, the save
    is refused (409) and nothing is lost from either.

    A new body written in the plain form goes into the proposal's co-edited document too, so
    that open editors show it at once (as a restore does); while the document holds text
    typed together and not yet saved as a version, such a save is refused (409), since it
    would overwrite that text. `from_document`: the body comes from that document
    (tables.coedit.services), which then needs nothing back."""
    document_id = None if from_document else _lock_document(proposal.pk)
    proposal = lock_proposal(proposal.pk)
    if not rules.can_edit_proposal(by, proposal):
        if proposal.status not in workflow.EDITABLE:
            raise Conflict(
                _("La proposta è «%(status)s»: il testo non si modifica più.")
                % {"status": workflow.label(proposal.status)},
                code=STATUS_CONFLICT,
            )
        raise PermissionDenied(_("Modificano la proposta i suoi coautori e chi coordina."))
    if base_version is not None and base_version != proposal.latest_version:
        raise Conflict(
            _(
                "Nel frattempo qualcuno ha salvato la versione %(number)s: riapri la proposta, "
                "confronta e riporta le tue modifiche."
            )
            % {"number": proposal.latest_version},
            code=STALE,
        )
    unknown = set(fields) - set(FIELD_NAMES)
    if unknown:
        raise TypeError(f"proposal_update: unknown fields {sorted(unknown)}")
    values = _clean_fields(proposal.table, **{**_current_fields(proposal), **fields})
    snapshot = _snapshot(values)
    if versions.same_content(latest_snapshot(proposal), snapshot):
        return None
    push_body = document_id is not None and values["body"] != proposal.body
    if push_body and _has_unsaved_text(document_id):
        raise Conflict(
            _(
                "Il testo si sta scrivendo insieme e ha modifiche non ancora salvate: "
                "salvalo come versione dall'editor, poi modifica qui."
            ),
            code=STALE,
        )
    _apply(proposal, values)
    _set_relations(proposal, values)
    version = _add_version(proposal, by=by, snapshot=snapshot)
    if push_body:
        _push_to_document(document_id, body=values["body"], by=by)
    _notify_changed(proposal, by=by, version=version)
    return version


def _has_unsaved_text(document_id: int) -> bool:
    """Updates typed since the document was last saved as a version (its first update, the
    text it opened with, counts as saved)."""
    last_seq, version_seq = (
        CoeditDocument.objects.filter(pk=document_id).values_list("last_seq", "version_seq").get()
    )
    return last_seq > max(version_seq, 1)


def _lock_document(proposal_id: int) -> int | None:
    """Lock the proposal's co-edited document, if it has one, before the proposal itself:
    saving the document as a version (tables.coedit.services) takes the two locks in that
    order too, so the two never wait for each other."""
    return (
        CoeditDocument.objects.select_for_update()
        .filter(proposal_id=proposal_id)
        .values_list("pk", flat=True)
        .first()
    )


def _push_to_document(document_id: int, *, body: str, by) -> None:
    """Put a restored body, or one written in the plain form, in the co-editing document:
    open editors receive it after commit like any other update, and the document counts as
    saved in this version."""
    # tables.coedit.services builds versions with proposal_update from this module.
    from tables.coedit.services import document_replace_blocks

    seq = document_replace_blocks(document_id=document_id, blocks=content.text_blocks(body), by=by)
    CoeditDocument.objects.filter(pk=document_id).update(version_seq=seq)


@transaction.atomic
def proposal_restore(*, by, proposal: Proposal, number: int) -> ProposalVersion:
    """Make version `number`'s content the current one, as a new version, and the text of
    the proposal's co-edited document (issue 14), so that open editors show it at once."""
    document_id = _lock_document(proposal.pk)
    proposal = lock_proposal(proposal.pk)
    if not rules.can_edit_proposal(by, proposal):
        if proposal.status not in workflow.EDITABLE:
            raise Conflict(
                _("La proposta è «%(status)s»: il testo non si modifica più.")
                % {"status": workflow.label(proposal.status)},
                code=STATUS_CONFLICT,
            )
        raise PermissionDenied(_("Ripristinano una versione i coautori e chi coordina."))
    old = ProposalVersion.objects.filter(proposal=proposal, number=number).first()
    if old is None:
        fail("number", _("La versione %(number)s non esiste.") % {"number": number})
    if number == proposal.latest_version:
        fail("number", _("La versione %(number)s è già quella attuale.") % {"number": number})
    snapshot = old.snapshot
    area_ref = snapshot.get("area") or {}
    area = Area.objects.filter(pk=area_ref.get("id")).first()
    if area is None:
        fail("number", _("L'area di quella versione non esiste più: scegline una e salva."))
    values = _clean_fields(
        proposal.table,
        title=snapshot["title"],
        summary=snapshot["summary"],
        body=snapshot["body"],
        area=area,
        age_bands=AgeBand.objects.filter(pk__in=versions.ids(snapshot, "age_bands")),
        municipalities=Municipality.objects.filter(pk__in=versions.ids(snapshot, "municipalities")),
        partner_associations=Association.objects.filter(
            pk__in=versions.ids(snapshot, "partner_associations")
        ),
        budget_estimate=(
            None
            if snapshot.get("budget_estimate") is None
            else Decimal(snapshot["budget_estimate"])
        ),
    )
    _apply(proposal, values)
    _set_relations(proposal, values)
    version = _add_version(proposal, by=by, snapshot=_snapshot(values), restored_from=number)
    if document_id is not None:
        _push_to_document(document_id, body=values["body"], by=by)
    _notify_changed(proposal, by=by, version=version)
    return version


# --- Co-authors -------------------------------------------------------------------------------


@transaction.atomic
def coauthor_add(*, by, proposal: Proposal, user) -> ProposalCoAuthor:
    proposal = lock_proposal(proposal.pk)
    if not rules.can_manage_coauthors(by, proposal):
        raise PermissionDenied(_("Aggiungono coautori i coautori e chi coordina."))
    if not Membership.objects.filter(
        table=proposal.table, user=user, role__in=[Role.COORDINATOR, Role.MEMBER]
    ).exists():
        fail("user", _("I coautori sono componenti del tavolo (non osservatori)."))
    published = proposal.status != ProposalStatus.DRAFT
    authorship, created = ProposalCoAuthor.objects.get_or_create(
        proposal=proposal,
        user=user,
        defaults={"credited_at": timezone.now() if published else None},
    )
    if not created:
        fail("user", _("È già coautore della proposta."))
    notify_table(
        proposal.table,
        proposal=proposal,
        users=[user.pk],
        kind=kinds.STATUS,
        title=_("Sei coautore della proposta «%(title)s»") % {"title": proposal.title},
        url=proposal_path(proposal),
        actor=by,
        key=f"tables:proposal:{proposal.pk}:coauthor:{user.pk}",
    )
    return authorship


@transaction.atomic
def coauthor_remove(*, by, proposal: Proposal, user) -> None:
    proposal = lock_proposal(proposal.pk)
    if not rules.can_manage_coauthors(by, proposal):
        raise PermissionDenied(_("Tolgono coautori i coautori e chi coordina."))
    authorships = ProposalCoAuthor.objects.filter(proposal=proposal)
    if authorships.count() <= 1:
        fail("user", _("Una proposta ha almeno un coautore."))
    deleted, _rows = authorships.filter(user=user).delete()
    if not deleted:
        fail("user", _("Non è coautore della proposta."))


# --- Status -----------------------------------------------------------------------------------


def _move(proposal: Proposal, *, by, to_status: str, note: str) -> ProposalStatusChange:
    change = ProposalStatusChange.objects.create(
        proposal=proposal,
        from_status=proposal.status,
        to_status=to_status,
        changed_by=by,
        note=note.strip(),
    )
    fields = ["status", "updated_at"]
    if proposal.status == ProposalStatus.DRAFT and to_status == ProposalStatus.DISCUSSION:
        # Publishing credits every co-author from now on.
        now = timezone.now()
        ProposalCoAuthor.objects.filter(proposal=proposal, credited_at__isnull=True).update(
            credited_at=now
        )
        if proposal.published_at is None:
            proposal.published_at = now
            fields.append("published_at")
    proposal.status = to_status
    proposal.save(update_fields=fields)
    # The Piano Family's actions linked to the proposal follow it, in this transaction.
    plan_services.actions_follow_proposal(proposal=proposal)
    return change


def _status_audience(proposal: Proposal) -> list[int]:
    coauthors = ProposalCoAuthor.objects.filter(proposal=proposal).values_list("user_id", flat=True)
    endorsers = Endorsement.objects.filter(proposal=proposal).values_list("user_id", flat=True)
    return proposal_viewers(proposal, {*coauthors, *endorsers})


@transaction.atomic
def proposal_set_status(
    *, by, proposal: Proposal, to_status: str, note: str = ""
) -> ProposalStatusChange:
    """Move the proposal by hand. The allowed moves are tables.workflow's; approved and
    rejected come only with decision_record."""
    proposal = lock_proposal(proposal.pk)
    if not rules.can_view_proposal(by, proposal):
        raise PermissionDenied(_("Non puoi cambiare lo stato di questa proposta."))
    try:
        workflow.check_transition(proposal.status, to_status)
    except workflow.TransitionError as error:
        raise Conflict(str(error), code=STATUS_CONFLICT) from error
    if not rules.can_move_proposal(by, proposal, to_status):
        raise PermissionDenied(
            _("Questo passaggio lo fa chi coordina il tavolo.")
            if workflow.needs_coordinator(proposal.status, to_status)
            else _("Cambiano lo stato della proposta i suoi coautori e chi coordina.")
        )
    change = _move(proposal, by=by, to_status=to_status, note=note)
    notify_table(
        proposal.table,
        proposal=proposal,
        users=_status_audience(proposal),
        kind=kinds.STATUS,
        title=_("«%(title)s»: ora è «%(status)s»")
        % {"title": proposal.title, "status": workflow.label(to_status)},
        body=change.note,
        url=proposal_path(proposal),
        actor=by,
        key=f"tables:status:{change.pk}",
    )
    return change


def proposal_publish(*, by, proposal: Proposal, note: str = "") -> ProposalStatusChange:
    """Publish a draft for discussion (crediting its co-authors)."""
    return proposal_set_status(
        by=by, proposal=proposal, to_status=ProposalStatus.DISCUSSION, note=note
    )


# --- Decision ---------------------------------------------------------------------------------


@transaction.atomic
def decision_record(
    *,
    by,
    proposal: Proposal,
    meeting: Meeting | None,
    outcome: str,
    votes_for: int = 0,
    votes_against: int = 0,
    votes_abstained: int = 0,
    motivation: str = "",
) -> TableDecision:
    """The table's decision on a submitted proposal, at one of its meetings."""
    proposal = lock_proposal(proposal.pk)
    if not rules.is_coordinator(by, proposal.table):
        raise PermissionDenied(_("Registra la decisione chi coordina il tavolo."))
    if meeting is None:
        fail("meeting", _("Il tavolo decide in una riunione: scegli la riunione."))
    if meeting.table_id != proposal.table_id:
        fail("meeting", _("La riunione non è di questo tavolo."))
    if meeting.status == Meeting.Status.CANCELLED:
        fail("meeting", _("La riunione è stata annullata."))
    if meeting.starts_at > timezone.now():
        fail(
            "meeting",
            _(
                "La riunione «%(title)s» non è ancora cominciata: il tavolo decide quando "
                "si riunisce."
            )
            % {"title": meeting.title},
        )
    if outcome not in TableDecision.Outcome.values:
        fail("outcome", _("Scegli l'esito: approvata o respinta."))
    for name, value in (
        ("votes_for", votes_for),
        ("votes_against", votes_against),
        ("votes_abstained", votes_abstained),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            fail(name, _("I voti sono un numero intero, zero o più."))
    motivation = motivation.strip()
    if outcome == TableDecision.Outcome.REJECTED and not motivation:
        fail("motivation", _("Scrivi la motivazione del rifiuto."))
    try:
        workflow.check_transition(proposal.status, outcome, by_decision=True)
    except workflow.TransitionError as error:
        raise Conflict(str(error), code=STATUS_CONFLICT) from error
    decision = TableDecision.objects.create(
        proposal=proposal,
        meeting=meeting,
        outcome=outcome,
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstained=votes_abstained,
        motivation=motivation,
        recorded_by=by,
    )
    if not AgendaItem.objects.filter(meeting=meeting, proposal=proposal).exists():
        last = AgendaItem.objects.filter(meeting=meeting).order_by("-order").first()
        AgendaItem.objects.create(
            meeting=meeting,
            order=0 if last is None else last.order + 1,
            title=proposal.title,
            proposal=proposal,
        )
    change = _move(proposal, by=by, to_status=outcome, note=motivation)
    audience = {
        *_status_audience(proposal),
        *Comment.objects.filter(proposal=proposal, author__isnull=False).values_list(
            "author_id", flat=True
        ),
    }
    notify_table(
        proposal.table,
        proposal=proposal,
        users=proposal_viewers(proposal, audience),
        kind=kinds.STATUS,
        title=_("Il tavolo ha deciso: «%(title)s» è %(outcome)s")
        % {"title": proposal.title, "outcome": decision.get_outcome_display()},
        body=motivation,
        url=proposal_path(proposal),
        actor=by,
        key=f"tables:status:{change.pk}",
    )
    return decision
