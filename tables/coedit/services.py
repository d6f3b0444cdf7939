"""The record of co-edited documents: every change goes through these functions.

- `document_open` finds a document, creating it (with its first content, under the lock of
  the row it creates) the first time anyone opens it;
- `update_append` stores one update from a person, after checking in the same locking query
  that the person may still write (tables.coedit.rules.writable_by); the consumer
  acknowledges and broadcasts only after it returns;
- `snapshot_create` compacts: it stores the whole state up to the last update with its
  rendered HTML and text, and deletes nothing;
- `document_replace_blocks` writes the hub's own change (restoring a version) and sends it to
  the open editors after commit;
- `proposal_version_from_document` saves the document as a version of the proposal.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from pycrdt import Doc

from hub.task_queue import enqueue_on_commit
from hub.websocket import broadcast_on_commit
from tables.coedit import content, rules
from tables.coedit.render import Rendered, render_state
from tables.models import (
    AgendaItem,
    CoeditDocument,
    CoeditSnapshot,
    CoeditUpdate,
    Meeting,
    Minutes,
    Proposal,
)
from tables.services.proposals import proposal_update

logger = logging.getLogger(__name__)

# Compact a document into a snapshot after this many updates since the last one.
COMPACT_EVERY = 500


def group_name(document_id: int) -> str:
    """The channel-layer group of a document's sockets, in every process."""
    return f"coedit.{document_id}"


@dataclass(frozen=True)
class StoredState:
    """What a process needs to hold a document: the latest snapshot's state and the updates
    after it, in order, and the number of the last one."""

    document_id: int
    snapshot: bytes
    updates: list[tuple[int, bytes]]
    last_seq: int


def _lock_for_update():
    if connection.vendor == "postgresql":
        return CoeditDocument.objects.select_for_update(of=("self",))
    return CoeditDocument.objects.select_for_update()


def _first_blocks(kind: str, target) -> list[tuple]:
    if kind == CoeditDocument.Kind.PROPOSAL:
        return content.text_blocks(target.body)
    minutes = Minutes.objects.filter(meeting=target).values_list("body", flat=True).first()
    if minutes:
        return content.text_blocks(minutes)
    blocks: list[tuple] = []
    for title, notes in AgendaItem.objects.filter(meeting=target).values_list("title", "notes"):
        blocks.append(("heading", 2, title))
        blocks.extend(content.text_blocks(notes))
        blocks.append(("paragraph", ""))
    return blocks


def document_open(*, kind: str, target: Proposal | Meeting) -> CoeditDocument:
    """The document of `target`, created with its first content if it has none yet."""
    field = "proposal" if kind == CoeditDocument.Kind.PROPOSAL else "meeting"
    found = CoeditDocument.objects.filter(**{field: target}).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            document = CoeditDocument.objects.create(kind=kind, last_seq=1, **{field: target})
            CoeditUpdate.objects.create(
                document=document,
                seq=1,
                data=content.seed_update(
                    name=f"{kind}:{target.pk}", blocks=_first_blocks(kind, target)
                ),
            )
    except IntegrityError:
        # Another process created it at the same moment: theirs is the one.
        return CoeditDocument.objects.get(**{field: target})
    return document


def stored_state(*, document_id: int, after: int | None = None) -> StoredState:
    """The latest snapshot and the updates after it; or, with `after`, only the updates
    after that number (a process catching up)."""
    snapshot = b""
    since = after or 0
    if after is None:
        row = (
            CoeditSnapshot.objects.filter(document_id=document_id)
            .order_by("-seq")
            .values_list("seq", "state")
            .first()
        )
        if row is not None:
            since, snapshot = row[0], bytes(row[1])
    updates = [
        (seq, bytes(data))
        for seq, data in CoeditUpdate.objects.filter(document_id=document_id, seq__gt=since)
        .order_by("seq")
        .values_list("seq", "data")
    ]
    return StoredState(
        document_id=document_id,
        snapshot=snapshot,
        updates=updates,
        last_seq=updates[-1][0] if updates else since,
    )


def state_bytes(stored: StoredState) -> bytes:
    """The whole state of a stored document, as one update."""
    doc = Doc()
    if stored.snapshot:
        doc.apply_update(stored.snapshot)
    for _seq, data in stored.updates:
        doc.apply_update(data)
    return doc.get_update()


_WRITABLE_SQL: dict[bool, str] = {}


def updates_append(items: list[tuple[int, int, bytes]]) -> list[int | None]:
    """Store updates, each (document id, author id, update), in one transaction; for each,
    its number, or None if its author may not write that document (any longer): then it is
    not stored.

    This runs for every keystroke people send, so it stores what arrived together at once
    (a group commit): per document, its row is locked and the writing rule checked once per
    author (tables.coedit.rules, one plain SQL query built once), the updates inserted in one
    go and the document's last number moved once. Documents are locked in the order of their
    ids, so that two processes never wait for each other."""
    locking = connection.vendor == "postgresql"
    if locking not in _WRITABLE_SQL:
        _WRITABLE_SQL[locking] = rules.writable_document_sql(for_update=locking)
    updates = CoeditUpdate._meta.db_table
    documents = CoeditDocument._meta.db_table
    now = timezone.now()
    results: list[int | None] = [None] * len(items)
    order = sorted(range(len(items)), key=lambda index: items[index][0])
    with transaction.atomic(), connection.cursor() as cursor:
        index = 0
        while index < len(order):
            document_id = items[order[index]][0]
            group = []
            while index < len(order) and items[order[index]][0] == document_id:
                group.append(order[index])
                index += 1
            last = None
            allowed: dict[int, bool] = {}
            for position in group:
                user_id = items[position][1]
                if user_id not in allowed:
                    cursor.execute(
                        _WRITABLE_SQL[locking], {"document": document_id, "user": user_id}
                    )
                    row = cursor.fetchone()
                    allowed[user_id] = row is not None
                    if row is not None and last is None:
                        last = row[0]
            if last is None:
                continue
            rows = []
            for position in group:
                _document, user_id, data = items[position]
                if allowed[user_id]:
                    last += 1
                    results[position] = last
                    rows.append((document_id, last, data, user_id, now))
            cursor.executemany(
                f"INSERT INTO {updates} (document_id, seq, data, author_id, created_at) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s)",
                rows,
            )
            cursor.execute(
                f"UPDATE {documents} SET last_seq = %s, updated_at = %s WHERE id = %s",  # noqa: S608
                [last, now, document_id],
            )
    return results


def update_append(*, document_id: int, user_id: int, data: bytes) -> int | None:
    """Store one update (see updates_append)."""
    return updates_append([(document_id, user_id, data)])[0]


def compaction_due(*, last_seq: int, snapshot_seq: int) -> bool:
    return last_seq - snapshot_seq >= COMPACT_EVERY


def compaction_request(*, document_id: int) -> None:
    """Queue the compaction of a document for the task cluster (tables.coedit.tasks)."""
    enqueue_on_commit("tables.coedit.tasks.coedit_compact", document_id=document_id)


@transaction.atomic
def snapshot_create(*, document_id: int) -> CoeditSnapshot | None:
    """Snapshot the document up to its last update (None if the last snapshot has it)."""
    document = _lock_for_update().filter(pk=document_id).first()
    if document is None or document.last_seq <= document.snapshot_seq:
        return None
    stored = stored_state(document_id=document_id)
    state = state_bytes(stored)
    rendered = render_state(state)
    snapshot = CoeditSnapshot.objects.create(
        document=document,
        seq=stored.last_seq,
        state=state,
        html=rendered.html,
        text=rendered.text,
    )
    CoeditDocument.objects.filter(pk=document_id).update(snapshot_seq=stored.last_seq)
    return snapshot


def document_rendered(*, document_id: int) -> Rendered:
    """The current text of a document, rendered (from its latest snapshot when current)."""
    row = (
        CoeditSnapshot.objects.filter(document_id=document_id)
        .order_by("-seq")
        .values_list("seq", "html", "text")
        .first()
    )
    last = CoeditDocument.objects.filter(pk=document_id).values_list("last_seq", flat=True).get()
    if row is not None and row[0] == last:
        return Rendered(html=row[1], text=row[2])
    return render_state(state_bytes(stored_state(document_id=document_id)))


@transaction.atomic
def document_replace_blocks(*, document_id: int, blocks: list[tuple], by=None) -> int:
    """Replace the whole text with `blocks` as one update of the hub's (author `by`, who
    asked); open editors receive it after commit. Returns its number."""
    last = _lock_for_update().filter(pk=document_id).values_list("last_seq", flat=True).get()
    data = content.replace_update(state_bytes(stored_state(document_id=document_id)), blocks)
    seq = last + 1
    CoeditUpdate.objects.create(
        document_id=document_id, seq=seq, data=data, author_id=getattr(by, "pk", None)
    )
    CoeditDocument.objects.filter(pk=document_id).update(last_seq=seq, updated_at=timezone.now())
    broadcast_on_commit(
        group_name(document_id),
        {"type": "coedit.update", "seq": seq, "data": data, "origin": "hub"},
    )
    return seq


@transaction.atomic
def proposal_version_from_document(*, proposal: Proposal, by) -> int | None:
    """Save the proposal's document as the proposal's body: a new version when the text
    changed since the last one. Returns the document's update number it saved, or None.

    The version itself is tables' (issue 13): `tables.services.proposal_update` makes it,
    with its number, diff and the notifications of those who endorsed or commented; it
    refuses (PermissionDenied, Conflict) what tables.rules refuses, which coedit.rules
    mirrors."""
    document = _lock_for_update().filter(proposal=proposal).first()
    if document is None or document.last_seq <= document.version_seq:
        return None
    rendered = render_state(state_bytes(stored_state(document_id=document.pk)))
    proposal_update(by=by, proposal=proposal, body=rendered.text, from_document=True)
    CoeditDocument.objects.filter(pk=document.pk).update(version_seq=document.last_seq)
    return document.last_seq


def minutes_text_from_document(*, meeting: Meeting) -> tuple[str, dt.datetime] | None:
    """The text of a meeting's co-edited minutes and when it last changed, if anyone has
    typed in the document (beyond the agenda it opens with); None otherwise."""
    document = CoeditDocument.objects.filter(meeting=meeting).first()
    if document is None or document.last_seq <= 1:
        return None
    return document_rendered(document_id=document.pk).text, document.updated_at
