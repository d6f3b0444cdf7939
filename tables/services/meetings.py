"""Meetings: convening and changing them, the agenda, attendance and the minutes."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tables import notifications as kinds
from tables import rules
from tables.links import meeting_path
from tables.models import (
    AgendaItem,
    Attendance,
    Meeting,
    Membership,
    Minutes,
    Proposal,
    ProposalStatus,
    Table,
)
from tables.services._common import FROZEN, Conflict, fail, member_ids, notify_table


def _require_coordinator(by, table: Table) -> None:
    if not rules.can_manage_meetings(by, table):
        raise PermissionDenied(_("Solo chi coordina il tavolo gestisce le riunioni."))


def _when(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "l j F Y, H:i")


def _clean(
    *, title: str, starts_at: dt.datetime, ends_at: dt.datetime, place: str, online_url: str
) -> dict:
    title = " ".join(title.split())
    if not title:
        fail("title", _("Dai un titolo alla riunione."))
    for name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if moment is None or timezone.is_naive(moment):
            fail(name, _("Indica data e ora."))
    if ends_at <= starts_at:
        fail("ends_at", _("La fine deve venire dopo l'inizio."))
    place, online_url = place.strip(), online_url.strip()
    if not place and not online_url:
        fail("place", _("Indica il luogo o il collegamento online (o entrambi)."))
    return {
        "title": title,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": place,
        "online_url": online_url,
    }


@transaction.atomic
def meeting_create(
    *,
    by,
    table: Table,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    online_url: str = "",
) -> Meeting:
    _require_coordinator(by, table)
    values = _clean(
        title=title, starts_at=starts_at, ends_at=ends_at, place=place, online_url=online_url
    )
    meeting = Meeting.objects.create(table=table, created_by=by, **values)
    notify_table(
        table,
        meeting=meeting,
        users=member_ids(table),
        kind=kinds.MEETING,
        title=_("Riunione convocata: %(title)s, %(when)s")
        % {"title": meeting.title, "when": _when(meeting.starts_at)},
        body=meeting.place or meeting.online_url,
        url=meeting_path(meeting, table),
        actor=by,
        key=f"tables:meeting:{meeting.pk}:v0",
    )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    by,
    meeting: Meeting,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    online_url: str = "",
) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("table").get(pk=meeting.pk)
    _require_coordinator(by, meeting.table)
    if meeting.status == Meeting.Status.CANCELLED:
        fail(None, _("La riunione è annullata."))
    values = _clean(
        title=title, starts_at=starts_at, ends_at=ends_at, place=place, online_url=online_url
    )
    moved = values["starts_at"] != meeting.starts_at or values["place"] != meeting.place
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.sequence = F("sequence") + 1
    meeting.save(update_fields=[*values, "sequence", "updated_at"])
    meeting.refresh_from_db(fields=["sequence"])
    if moved:
        notify_table(
            meeting.table,
            meeting=meeting,
            users=member_ids(meeting.table),
            kind=kinds.MEETING,
            title=_("Riunione cambiata: %(title)s, %(when)s")
            % {"title": meeting.title, "when": _when(meeting.starts_at)},
            body=meeting.place or meeting.online_url,
            url=meeting_path(meeting),
            actor=by,
            key=f"tables:meeting:{meeting.pk}:v{meeting.sequence}",
        )
    return meeting


@transaction.atomic
def meeting_cancel(*, by, meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("table").get(pk=meeting.pk)
    _require_coordinator(by, meeting.table)
    if meeting.status != Meeting.Status.SCHEDULED:
        fail(None, _("Si annulla solo una riunione convocata."))
    if meeting.decisions.exists():
        fail(None, _("In questa riunione il tavolo ha già deciso: non si può annullare."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence = F("sequence") + 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    meeting.refresh_from_db(fields=["sequence"])
    notify_table(
        meeting.table,
        meeting=meeting,
        users=member_ids(meeting.table),
        kind=kinds.MEETING,
        title=_("Riunione annullata: %(title)s, %(when)s")
        % {"title": meeting.title, "when": _when(meeting.starts_at)},
        url=meeting_path(meeting),
        actor=by,
        key=f"tables:meeting:{meeting.pk}:cancelled",
    )
    return meeting


# --- Agenda -----------------------------------------------------------------------------------


@transaction.atomic
def agenda_item_add(
    *, by, meeting: Meeting, title: str, notes: str = "", proposal: Proposal | None = None
) -> AgendaItem:
    meeting = Meeting.objects.select_for_update().select_related("table").get(pk=meeting.pk)
    _require_coordinator(by, meeting.table)
    if _minutes_frozen(meeting):
        raise Conflict(_("Il verbale è approvato: la riunione non cambia più."), code=FROZEN)
    if proposal is not None:
        # Its current status, not the one the caller's copy remembers.
        proposal = Proposal.objects.filter(pk=proposal.pk).first()
    if proposal is not None and (
        proposal.table_id != meeting.table_id or proposal.status == ProposalStatus.DRAFT
    ):
        fail("proposal", _("Scegli una proposta pubblicata di questo tavolo."))
    title = " ".join(title.split()) or (proposal.title if proposal else "")
    if not title:
        fail("title", _("Scrivi il punto all'ordine del giorno."))
    last = meeting.agenda_items.aggregate(last=Max("order"))["last"]
    return AgendaItem.objects.create(
        meeting=meeting,
        order=0 if last is None else last + 1,
        title=title,
        notes=notes.strip(),
        proposal=proposal,
    )


@transaction.atomic
def agenda_item_remove(*, by, item: AgendaItem) -> None:
    meeting = Meeting.objects.select_for_update().select_related("table").get(pk=item.meeting_id)
    _require_coordinator(by, meeting.table)
    if _minutes_frozen(meeting):
        raise Conflict(_("Il verbale è approvato: la riunione non cambia più."), code=FROZEN)
    item.delete()


# --- Attendance -------------------------------------------------------------------------------


@transaction.atomic
def attendance_set(
    *, by, meeting: Meeting, present: list[int], excused: list[int] = ()
) -> list[Attendance]:
    """Who was there (and who sent apologies), replacing what was recorded."""
    meeting = Meeting.objects.select_for_update().select_related("table").get(pk=meeting.pk)
    _require_coordinator(by, meeting.table)
    if _minutes_frozen(meeting):
        raise Conflict(_("Il verbale è approvato: le presenze non cambiano più."), code=FROZEN)
    present, excused = {int(i) for i in present}, {int(i) for i in excused} - set(present)
    members = set(
        Membership.objects.filter(table=meeting.table, user_id__in=present | excused).values_list(
            "user_id", flat=True
        )
    )
    if (present | excused) - members:
        fail("present", _("Si registrano solo le presenze dei componenti del tavolo."))
    meeting.attendances.all().delete()
    return Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, user_id=i, status=Attendance.Status.PRESENT, recorded_by=by)
            for i in sorted(present)
        ]
        + [
            Attendance(meeting=meeting, user_id=i, status=Attendance.Status.EXCUSED, recorded_by=by)
            for i in sorted(excused)
        ]
    )


# --- Minutes ----------------------------------------------------------------------------------


def _minutes_frozen(meeting: Meeting) -> bool:
    return Minutes.objects.filter(meeting=meeting, approved_at__isnull=False).exists()


@transaction.atomic
def minutes_save(*, by, meeting: Meeting, body: str) -> Minutes:
    meeting = Meeting.objects.select_for_update().select_related("table").get(pk=meeting.pk)
    _require_coordinator(by, meeting.table)
    body = body.strip()
    if not body:
        fail("body", _("Il verbale è vuoto."))
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        return Minutes.objects.create(meeting=meeting, body=body, written_by=by)
    if minutes.is_frozen:
        raise Conflict(_("Il verbale è già approvato: non si modifica più."), code=FROZEN)
    minutes.body, minutes.written_by = body, by
    minutes.save(update_fields=["body", "written_by", "updated_at"])
    return minutes


def _take_coedited_minutes(meeting: Meeting, minutes: Minutes | None, *, by) -> Minutes | None:
    """The minutes as approved: the text written together in the real-time editor when it
    changed after the form's (issue 14, item 6: co-edited until approved, then frozen)."""
    # Imported here: tables.coedit.services saves proposal versions through this package.
    from tables.coedit.services import minutes_text_from_document

    coedited = minutes_text_from_document(meeting=meeting)
    if coedited is None:
        return minutes
    text, edited_at = coedited[0].strip(), coedited[1]
    if not text:
        return minutes
    if minutes is None:
        return Minutes.objects.create(meeting=meeting, body=text, written_by=by)
    if edited_at > minutes.updated_at and text != minutes.body:
        minutes.body, minutes.written_by = text, by
        minutes.save(update_fields=["body", "written_by", "updated_at"])
    return minutes


@transaction.atomic
def minutes_approve(*, by, meeting: Meeting) -> Minutes:
    """Approve the minutes: from now on they, the agenda and the attendance are frozen."""
    meeting = Meeting.objects.select_for_update().select_related("table").get(pk=meeting.pk)
    _require_coordinator(by, meeting.table)
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is not None and minutes.is_frozen:
        raise Conflict(_("Il verbale è già approvato."), code=FROZEN)
    minutes = _take_coedited_minutes(meeting, minutes, by=by)
    if minutes is None:
        fail(None, _("Scrivi il verbale prima di approvarlo."))
    if meeting.starts_at > timezone.now():
        fail(None, _("La riunione non si è ancora svolta."))
    minutes.approved_by, minutes.approved_at = by, timezone.now()
    minutes.save(update_fields=["approved_by", "approved_at"])
    if meeting.status == Meeting.Status.SCHEDULED:
        meeting.status = Meeting.Status.HELD
        meeting.save(update_fields=["status", "updated_at"])
    return minutes
