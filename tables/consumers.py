"""The co-editing socket of a document: `ws/tables/docs/<kind>/<id>/` (kind: proposal,
minutes), speaking the Yjs sync and awareness protocol in binary frames (tables.coedit).

Connect: the person must be able to read the document (tables.coedit.rules), else the socket
closes with 4404, as for a document that does not exist. Whoever may also write it gets the
server's sync step 1; the others only read: their sync step 2 and updates are dropped (an
update with content gets an error frame).

Every update is read and checked against the room's document before anything else
(tables.coedit.updates: well-formed, within limits, for this document), then stored by
tables.coedit.services.update_append (in the process's writer thread, tables.coedit.rooms),
which checks in its locking query that the person may still write. Only then is it applied
to the room's document, sent to the others and acknowledged to the sender ({"type": "ack",
"seq": n} in a hub frame). An update that depends on what the server has not got yet is
answered with {"type": "resync"} and the server's sync step 1 (the client's step 2 brings
the rest, the update included). Refused input gets
{"type": "error", "code", "message"}, is logged, leaves the document untouched and the
connection usable; a person who may no longer write is told so and continues read-only (or
is closed with 4403 if they may no longer read either). A person who leaves the table or
becomes its observer (tables.services) is sent {"type": "access.revoked"} on every socket of
the table's documents, which then close with 4403.

Awareness (cursors, selections) is sent to everyone, the sender too (a lone editor's client
then sees traffic and does not reconnect), with the person's name and colour from the hub put
in place of whatever the client claimed.
"""

from __future__ import annotations

import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _
from pycrdt import Doc

from hub.websocket import (
    CHANNEL_LAYER_ERRORS,
    CloseCode,
    ClosedSocketSends,
    PersonalGroupEvents,
    channel_layer_outage,
    user_group,
)
from tables.coedit import protocol, rooms, rules, services
from tables.coedit.content import WRITABLE_ROOTS
from tables.coedit.presence import person_label
from tables.coedit.protocol import (
    AwarenessEntry,
    AwarenessMessage,
    ProtocolError,
    QueryAwarenessMessage,
    SyncMessage,
)
from tables.coedit.updates import UpdateRefused, check_update, read_update
from tables.links import table_access_scope
from tables.models import CoeditDocument, Meeting, Proposal

logger = logging.getLogger(__name__)

# A socket may announce this many awareness client ids (a page reloaded in place keeps one).
MAX_AWARENESS_IDS = 4


def error_message(code: str) -> str:
    messages = {
        "text_frame": _("Il documento condiviso usa solo messaggi binari."),
        "truncated": _("Messaggio incompleto: la modifica non è stata salvata."),
        "malformed": _("Messaggio non valido: la modifica non è stata salvata."),
        "unknown_type": _("Tipo di messaggio sconosciuto."),
        "too_large": _("Modifica troppo grande: dividila in parti più piccole."),
        "missing_dependencies": _(
            "La modifica si basa su una versione del documento che il server non ha: "
            "ricarico il documento."
        ),
        "wrong_document": _("La modifica appartiene a un altro documento: non è stata salvata."),
        "forbidden_content": _("La modifica contiene elementi non ammessi nel documento."),
        "read_only": _("Puoi leggere questo documento ma non modificarlo."),
        "not_allowed": _("Non puoi più modificare questo documento: lo vedi in sola lettura."),
    }
    return messages.get(code, messages["malformed"])


class DocumentConsumer(ClosedSocketSends, PersonalGroupEvents, AsyncWebsocketConsumer):
    # The room sends to a socket once it is accepted (tables.coedit.rooms.Room.send_all).
    accepted = False
    # Set when the socket leaves its room (closed by the hub, or by the client): frames
    # still in flight from the client are then ignored.
    left = False

    async def connect(self):
        kwargs = self.scope["url_route"]["kwargs"]
        self.kind = kwargs["kind"]
        self.object_id = int(kwargs["object_id"])
        self.language = translation.get_language() or "it"
        self.awareness_ids: set[int] = set()
        opened = await database_sync_to_async(self._open)()
        if opened is None:
            await self.close(code=int(CloseCode.NOT_FOUND))
            return
        self.document_id, self.table_id, self.can_write, self.me = opened
        self.room = await rooms.join(self.document_id, self)
        self.personal = user_group(self.me["id"])
        await self.channel_layer.group_add(self.personal, self.channel_name)
        await self.accept()
        self.accepted = True
        await self._hello()
        if self.can_write:
            await self.send_frame(protocol.sync_step1(self.room.state_vector()))
        awareness = self.room.awareness_frame()
        if awareness is not None:
            await self.send_frame(awareness)

    async def __call__(self, scope, receive, send):
        # A consumer that fails (its own receive meets a stopped Redis: the outage guard
        # closes the socket) ends without `disconnect`: it leaves its room here all the
        # same, or the room would keep it, and stay open (and out of the restarted Redis's
        # group) for the sockets that come back.
        try:
            return await super().__call__(scope, receive, send)
        finally:
            await self._leave()

    async def disconnect(self, code):
        await self._leave()

    async def close(self, code=None, reason=None):
        # A socket the hub closes (access revoked, Redis stopped) leaves its room at once:
        # the room must not wait for the client's closing handshake (which a vanished
        # client never makes) to stop sending to it and to empty.
        try:
            await self._leave()
        finally:
            await super().close(code=code, reason=reason)

    async def _leave(self):
        room = getattr(self, "room", None)
        if room is None or self.left:
            return
        self.left = True
        gone = room.awareness_of(self.channel_name)
        try:
            await rooms.leave(room, self)
            await self.channel_layer.group_discard(self.personal, self.channel_name)
            if gone:
                room.awareness_set(gone, None)
                await self._share_awareness(protocol.awareness_frame(gone), include_self=False)
        except CHANNEL_LAYER_ERRORS as error:
            channel_layer_outage.failed(error, during=f"leaving {self.kind} {self.object_id}")

    async def send_frame(self, frame: bytes) -> None:
        await self.send(bytes_data=frame)

    # --- Frames from the client ---------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.left:
            return
        try:
            message = protocol.decode_message(bytes_data if text_data is None else text_data)
            if isinstance(message, SyncMessage):
                await self.on_sync(message)
            elif isinstance(message, AwarenessMessage):
                await self.on_awareness(message)
            elif isinstance(message, QueryAwarenessMessage):
                frame = self.room.awareness_frame()
                if frame is not None:
                    await self.send_frame(frame)
        except ProtocolError as error:
            await self._refuse(error.code, error.detail)

    async def on_sync(self, message: SyncMessage):
        if message.step == protocol.SYNC_STEP1:
            if rooms.crosses_processes():
                await self._forward(await self.room.catch_up())
            try:
                diff = self.room.diff(message.payload)
            except ValueError as error:
                raise ProtocolError("malformed", str(error)) from None
            await self.send_frame(protocol.sync_step2(diff))
            return
        facts = read_update(message.payload)
        if not self.can_write:
            if not facts.is_empty:
                await self._refuse("read_only", "an update from a person who only reads")
            return
        try:
            check_update(facts, state=self.room.vector, writable_roots=WRITABLE_ROOTS)
        except UpdateRefused as refused:
            if refused.code != "missing_dependencies" or message.step == protocol.SYNC_STEP2:
                # A step 2 answers the server's step 1: asking again would loop.
                raise
            # Normal for a client that edited offline: its first update after reconnecting
            # may arrive before its sync step 2, which will bring it all. The server's step 1
            # asks for exactly that (an update built on another document then comes back
            # whole in the step 2, where its `meta` root is refused).
            logger.info("coedit: asking for a resync on document %s", self.document_id)
            await self.send_frame(protocol.hub_frame({"type": "resync"}))
            await self.send_frame(protocol.sync_step1(self.room.state_vector()))
            return
        if self._brings_nothing(facts):
            await self._ack(None)
            return
        self._probe(message.payload)
        seq = await rooms.store(
            document_id=self.document_id, user_id=self.me["id"], data=message.payload
        )
        if seq is None:
            await self._writing_withdrawn()
            return
        self.room.apply(message.payload, seq)
        rooms.edited(self.room, author_id=self.me["id"])
        frame = protocol.sync_update(message.payload)
        await self.room.send_all(frame, skip=self)
        await self.room.publish({"type": "coedit.update", "seq": seq, "data": message.payload})
        await self._ack(seq)

    def _brings_nothing(self, facts) -> bool:
        vector = self.room.vector
        if any(item.clock + item.length > vector.get(item.client, 0) for item in facts.structs):
            return False
        return not any(facts.deletes.values())

    @staticmethod
    def _probe(update: bytes) -> None:
        """Yrs decodes the update too, on a scratch document: what the reader above let
        through must never fail inside the room's document."""
        try:
            Doc().apply_update(update)
        except ValueError as error:
            raise ProtocolError("malformed", str(error)) from None

    async def on_awareness(self, message: AwarenessMessage):
        entries = []
        for entry in message.entries:
            if entry.client not in self.awareness_ids:
                if len(self.awareness_ids) >= MAX_AWARENESS_IDS:
                    raise ProtocolError("too_large", "too many awareness clients on one socket")
                self.awareness_ids.add(entry.client)
            state = None if entry.state is None else {**entry.state, "user": self.me}
            entries.append(AwarenessEntry(entry.client, entry.clock, state))
        self.room.awareness_set(entries, self.channel_name)
        await self._share_awareness(protocol.awareness_frame(entries), include_self=True)

    async def _share_awareness(self, frame: bytes, *, include_self: bool):
        await self.room.send_all(frame, skip=None if include_self else self)
        await self.room.publish({"type": "coedit.awareness", "frame": frame})

    # --- Events from the channel layer --------------------------------------------------------

    async def access_revoked(self, event):
        """The person left the table or became its observer (tables.services): they are
        told, and the socket closes (4403, final); a page opened afresh reads read-only
        what they may still read."""
        if event.get("scope") != table_access_scope(self.table_id):
            return
        readable = await database_sync_to_async(self._still_readable)()
        with translation.override(self.language):
            message = (
                _("Ora sei osservatore del tavolo: ricarica la pagina per leggere il documento.")
                if readable
                else _("Non fai più parte del tavolo: il documento si è chiuso.")
            )
        logger.info(
            "coedit: access to %s %s revoked for user %s", self.kind, self.object_id, self.me["id"]
        )
        await self.send_frame(
            protocol.hub_frame(
                {"type": "access.revoked", "code": "access_revoked", "message": message}
            )
        )
        await self.close(code=int(CloseCode.FORBIDDEN))

    # --- Helpers ------------------------------------------------------------------------------

    async def _forward(self, updates: list[bytes]) -> None:
        for data in updates:
            await self.room.send_all(protocol.sync_update(data))

    async def _hello(self):
        await self.send_frame(
            protocol.hub_frame(
                {
                    "type": "hello",
                    "document": {"kind": self.kind, "id": self.object_id},
                    "me": self.me,
                    "can_write": self.can_write,
                    "resync": rooms.RESYNC_SECONDS if rooms.crosses_processes() else 0,
                }
            )
        )

    async def _ack(self, seq: int | None):
        await self.send_frame(protocol.hub_frame({"type": "ack", "seq": seq}))

    async def _refuse(self, code: str, detail: str):
        logger.warning(
            "coedit: refused a frame on %s %s from user %s: %s (%s)",
            self.kind,
            self.object_id,
            self.me["id"],
            code,
            detail,
        )
        with translation.override(self.language):
            message = error_message(code)
        await self.send_frame(
            protocol.hub_frame({"type": "error", "code": code, "message": message})
        )

    async def _writing_withdrawn(self):
        """The person may no longer write: read-only from now on, or closed if they may not
        even read."""
        self.can_write = False
        readable = await database_sync_to_async(self._still_readable)()
        await self._refuse("not_allowed", "writing withdrawn")
        if not readable:
            await self.close(code=int(CloseCode.FORBIDDEN))
            return
        await self._hello()

    # --- Database work (worker threads) -------------------------------------------------------

    def _target(self):
        if self.kind == CoeditDocument.Kind.PROPOSAL:
            return Proposal.objects.select_related("table").filter(pk=self.object_id).first()
        return Meeting.objects.select_related("table").filter(pk=self.object_id).first()

    def _person(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return None
        return get_user_model().objects.filter(pk=user.pk, is_active=True).first()

    def _open(self):
        if self.kind not in rules.KINDS:
            return None
        user = self._person()
        target = self._target()
        if user is None or target is None or not rules.can_read_document(user, target):
            return None
        document = services.document_open(kind=self.kind, target=target)
        return (
            document.pk,
            target.table_id,
            rules.can_write_document(user, target),
            person_label(user),
        )

    def _still_readable(self) -> bool:
        user = self._person()
        target = self._target()
        return user is not None and target is not None and rules.can_read_document(user, target)
