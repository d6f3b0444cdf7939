"""The documents this process holds: one authoritative pycrdt Doc per open document, shared
by every socket of this process that edits it (a "room").

Scale-out: updates cross processes through the channel layer, with the database as the
record. Every stored update has its number (`seq`, gap-free per document). A process that
stored one sends it to its own sockets at once and, when the channel layer reaches other
processes (Redis), to the document's group `coedit.<id>`, in which each process's room has
one channel of its own (not one per socket); the other processes apply it and send it to
their sockets. The layer may drop messages (it is at-most-once): a room notices a
gap in the numbers it has applied and reads what is missing from the database; clients ask
again every `RESYNC_SECONDS` (Yjs sync step 1, answered from a room that first catches up
with the database), so a dropped message is healed even when no later one reveals the gap.
No load-balancer affinity is needed. With the in-memory layer (one process) nothing is sent
through the layer but the hub's own changes (a restored version).

Applying an update twice is harmless in Yjs, so a room only tracks which numbers it has
(a watermark and the ones above it) to detect gaps, not to deduplicate for correctness.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import InterfaceError, OperationalError, connection
from pycrdt import Doc

from hub.websocket import CHANNEL_LAYER_ERRORS, CloseCode, channel_layer_outage
from tables.coedit import protocol, services
from tables.coedit.protocol import AwarenessEntry, decode_state_vector

logger = logging.getLogger(__name__)

# Marks this process's own messages on the channel layer.
PROCESS_TOKEN = uuid.uuid4().hex
RESYNC_SECONDS = 15
# A room that crosses processes checks the database for missed updates this often, for
# this long after the last update it stored or received.
TAIL_CHECK_SECONDS = 1.0
TAIL_WATCH_SECONDS = 10.0


def crosses_processes() -> bool:
    """True when the channel layer reaches other processes (Redis)."""
    return not isinstance(get_channel_layer(), InMemoryChannelLayer)


class Room:
    def __init__(self, document_id: int):
        self.document_id = document_id
        self.doc = Doc()
        self.vector: dict[int, int] = {}
        self.seq = 0  # every update up to this number is applied
        self.ahead: set[int] = set()  # applied numbers above the watermark
        self.sockets: set = set()
        self.awareness: dict[int, tuple[int, dict | None, str | None]] = {}
        self.since_snapshot = 0
        self.loaded = asyncio.Event()
        self.catching_up = asyncio.Lock()
        self.last_author: int | None = None
        self.version_timer: asyncio.TimerHandle | None = None
        self.channel: str | None = None
        self.listener: asyncio.Task | None = None
        self.watcher: asyncio.Task | None = None
        self.active_at = 0.0  # monotonic time of the last update stored or received

    # --- The document ---------------------------------------------------------------------

    def _note(self, seq: int) -> None:
        if seq <= self.seq:
            return
        self.ahead.add(seq)
        while self.seq + 1 in self.ahead:
            self.seq += 1
            self.ahead.discard(self.seq)

    def has(self, seq: int) -> bool:
        return seq <= self.seq or seq in self.ahead

    @property
    def has_gap(self) -> bool:
        return bool(self.ahead)

    def apply(self, data: bytes, seq: int | None) -> None:
        self.active_at = time.monotonic()
        self.doc.apply_update(data)
        self.vector = decode_state_vector(self.doc.get_state())
        if seq is not None:
            self._note(seq)
            self.since_snapshot += 1

    def load(self, stored: services.StoredState) -> None:
        if stored.snapshot:
            self.doc.apply_update(stored.snapshot)
        for seq, data in stored.updates:
            self.doc.apply_update(data)
            self._note(seq)
        self.seq = max(self.seq, stored.last_seq)
        self.ahead = {seq for seq in self.ahead if seq > self.seq}
        self.since_snapshot = len(stored.updates)
        self.vector = decode_state_vector(self.doc.get_state())

    async def catch_up(self) -> list[bytes]:
        """Apply what the database has after the watermark; return what was new here."""
        async with self.catching_up:
            stored = await database_sync_to_async(services.stored_state)(
                document_id=self.document_id, after=self.seq
            )
            missed = [(seq, data) for seq, data in stored.updates if not self.has(seq)]
            for seq, data in missed:
                self.apply(data, seq)
            self.seq = max(self.seq, stored.last_seq)
            self.ahead = {seq for seq in self.ahead if seq > self.seq}
            return [data for _seq, data in missed]

    def state_vector(self) -> bytes:
        return self.doc.get_state()

    def diff(self, state_vector: bytes) -> bytes:
        return self.doc.get_update(state_vector)

    # --- Sending ----------------------------------------------------------------------------

    async def send_all(self, frame: bytes, *, skip=None) -> None:
        """Send a frame to this process's sockets of the document. A socket that joined but
        is not accepted yet is left out (its sync step, right after, brings what the room
        has), and one socket failing (closing meanwhile) never keeps the frame from the
        others."""
        for socket in list(self.sockets):
            if socket is skip or not getattr(socket, "accepted", True):
                continue
            try:
                await socket.send_frame(frame)
            except Exception:
                logger.warning(
                    "coedit: a socket of document %s could not be sent a frame",
                    self.document_id,
                    exc_info=True,
                )

    async def publish(self, event: dict) -> None:
        """Send an event to the rooms of this document in the other processes."""
        if crosses_processes():
            await get_channel_layer().group_send(
                services.group_name(self.document_id), {**event, "origin": PROCESS_TOKEN}
            )

    # --- Listening to the channel layer ----------------------------------------------------
    #
    # One channel per room and process, in the document's group: an update from another
    # process costs one message here, however many sockets this process holds for it.

    async def listen(self) -> None:
        layer = get_channel_layer()
        # The default prefix, as every socket's channel: channels_redis reads a process's
        # channels of one prefix together, one reader at a time, and a reader of another
        # prefix held that read until a message of its own came (up to 5 s, its blocking
        # read's timeout, during which no socket of the process heard anything).
        self.channel = await layer.new_channel()
        await layer.group_add(services.group_name(self.document_id), self.channel)
        loop = asyncio.get_running_loop()
        self.listener = loop.create_task(self._listen(layer))
        if crosses_processes():
            self.watcher = loop.create_task(self._watch())

    async def _watch(self) -> None:
        """While people edit, check the database for updates this room has not received:
        the layer drops messages when a channel is over capacity, and a dropped update
        that no later one reveals (the last of a burst) would otherwise wait for the
        clients' next resync. One query a second per open document and process, only
        within `TAIL_WATCH_SECONDS` of the last update."""
        while True:
            await asyncio.sleep(TAIL_CHECK_SECONDS)
            if time.monotonic() - self.active_at > TAIL_WATCH_SECONDS and not self.has_gap:
                continue
            try:
                missed = await self.catch_up()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("coedit: room %s could not catch up", self.document_id)
                continue
            for data in missed:
                await self.send_all(protocol.sync_update(data))

    async def _listen(self, layer) -> None:
        while True:
            try:
                event = await layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except CHANNEL_LAYER_ERRORS as error:
                # Redis stopped: the room can no longer hear the other processes, and a
                # restarted Redis forgets the group. Its sockets are told to try again
                # later; they reconnect to a room made afresh, in the group again.
                channel_layer_outage.failed(error, during=f"co-editing room {self.document_id}")
                self.listener = None  # this task, which leaving must not cancel
                for socket in list(self.sockets):
                    with contextlib.suppress(Exception):
                        await socket.close(code=int(CloseCode.TRY_AGAIN_LATER))
                return
            try:
                if event.get("origin") == PROCESS_TOKEN:
                    continue
                if event.get("type") == "coedit.update":
                    await self.remote_update(event["seq"], event["data"])
                elif event.get("type") == "coedit.awareness":
                    await self.remote_awareness(event["frame"])
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("coedit: room %s could not handle an event", self.document_id)

    async def remote_update(self, seq: int, data: bytes) -> None:
        """An update stored by another process, or the hub's own change (a restored
        version): apply it once, send it to this process's sockets."""
        if not self.has(seq):
            self.apply(data, seq)
        await self.send_all(protocol.sync_update(data))
        if self.has_gap:
            for missed in await self.catch_up():
                await self.send_all(protocol.sync_update(missed))

    async def remote_awareness(self, frame: bytes) -> None:
        try:
            message = protocol.decode_message(frame)
        except protocol.ProtocolError:
            return
        if isinstance(message, protocol.AwarenessMessage):
            self.awareness_set(message.entries, None)
            await self.send_all(frame)

    async def stop_listening(self) -> None:
        for task in (self.listener, self.watcher):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self.channel is not None:
            try:
                await get_channel_layer().group_discard(
                    services.group_name(self.document_id), self.channel
                )
            except CHANNEL_LAYER_ERRORS as error:
                # Redis is down: the membership goes with it, or expires.
                channel_layer_outage.failed(error, during=f"closing room {self.document_id}")

    # --- Awareness --------------------------------------------------------------------------

    def awareness_set(self, entries, owner: str | None) -> None:
        for entry in entries:
            known = self.awareness.get(entry.client)
            if known is not None and known[0] > entry.clock:
                continue
            if entry.state is None:
                self.awareness.pop(entry.client, None)
            else:
                self.awareness[entry.client] = (entry.clock, entry.state, owner)

    def awareness_of(self, owner: str) -> list[AwarenessEntry]:
        """Entries announcing that `owner`'s clients left."""
        return [
            AwarenessEntry(client, clock + 1, None)
            for client, (clock, _state, who) in self.awareness.items()
            if who == owner
        ]

    def awareness_frame(self) -> bytes | None:
        entries = [
            AwarenessEntry(client, clock, state)
            for client, (clock, state, _owner) in self.awareness.items()
        ]
        return protocol.awareness_frame(entries) if entries else None


_rooms: dict[int, Room] = {}

# Updates are stored by one thread of their own per process, which keeps its database
# connection (`database_sync_to_async` gives the connection back to the pool and takes it
# again, with the pool's health check, around every call), and what arrives while it is
# busy is stored together in its next transaction (a group commit): every hop between the
# event loop and a thread waits for the GIL, so one transaction per keystroke could not keep
# up with ten people typing.
_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coedit-writer")
_waiting: list[tuple[int, int, bytes, asyncio.Future]] = []
_flushing: list[asyncio.Task] = []


def _append(items: list[tuple[int, int, bytes]]) -> list[int | None]:
    try:
        return services.updates_append(items)
    except (OperationalError, InterfaceError):
        # A broken connection (PostgreSQL restarted): the next batch takes a fresh one.
        connection.close()
        raise


async def _flush() -> None:
    loop = asyncio.get_running_loop()
    try:
        while _waiting:
            batch = list(_waiting)
            _waiting.clear()
            items = [(document_id, user_id, data) for document_id, user_id, data, _f in batch]
            try:
                numbers = await loop.run_in_executor(_writer, _append, items)
            except Exception as error:
                for *_item, future in batch:
                    if not future.done() and future.get_loop() is loop:
                        future.set_exception(error)
                continue
            for (*_item, future), seq in zip(batch, numbers, strict=True):
                if not future.done() and future.get_loop() is loop:
                    future.set_result(seq)
    finally:
        _flushing.clear()


async def store(*, document_id: int, user_id: int, data: bytes) -> int | None:
    """Store an update (services.updates_append, in the writer thread, with whatever else
    is waiting); its number, or None if the person may not write."""
    loop = asyncio.get_running_loop()
    # What an event loop that has ended left waiting (its sockets are gone) is dropped: a
    # result set on its futures would fail, and fail the whole batch with it.
    _waiting[:] = [item for item in _waiting if item[3].get_loop() is loop]
    future = loop.create_future()
    _waiting.append((document_id, user_id, data, future))
    if not _flushing or _flushing[0].done() or _flushing[0].get_loop() is not loop:
        _flushing[:] = [loop.create_task(_flush())]
    return await future


async def join(document_id: int, socket) -> Room:
    room = _rooms.get(document_id)
    if room is None:
        room = _rooms[document_id] = Room(document_id)
        room.sockets.add(socket)
        try:
            stored = await database_sync_to_async(services.stored_state)(document_id=document_id)
        except BaseException:
            _rooms.pop(document_id, None)
            room.loaded.set()
            raise
        room.load(stored)
        try:
            await room.listen()
        finally:
            room.loaded.set()
        return room
    room.sockets.add(socket)
    await room.loaded.wait()
    return room


async def leave(room: Room, socket) -> None:
    room.sockets.discard(socket)
    if room.sockets or _rooms.get(room.document_id) is not room:
        return
    del _rooms[room.document_id]
    await room.stop_listening()
    if room.version_timer is not None:
        room.version_timer.cancel()
    if room.since_snapshot:
        # The room empties: compact it (django-q2) and save the text as a version.
        await database_sync_to_async(services.compaction_request)(document_id=room.document_id)
    if room.last_author is not None:
        await database_sync_to_async(_save_version)(room.document_id, room.last_author)
    if not _rooms:
        await release_writer()


async def release_writer() -> None:
    """With no document open in this process, the writer thread gives its database
    connection back (after what it is storing: it runs one thing at a time, in order)."""
    await asyncio.get_running_loop().run_in_executor(_writer, _close_connection)


def _close_connection() -> None:
    connection.close()  # the connection of the thread this runs in


def open_rooms() -> dict[int, Room]:
    return dict(_rooms)


async def forget_all() -> None:
    """Drop every room without a word to anyone, as a process that dies does (the tests'
    restart): what is not in the database is gone."""
    for room in list(_rooms.values()):
        await room.stop_listening()
    _rooms.clear()
    await release_writer()


# --- Versions after a pause in editing --------------------------------------------------------

VERSION_PAUSE_SECONDS = 120.0
_background: set[asyncio.Task] = set()


def _spawn(coroutine) -> None:
    task = asyncio.get_running_loop().create_task(coroutine)
    _background.add(task)
    task.add_done_callback(_background.discard)


def _save_version(document_id: int, author_id: int) -> None:
    from django.contrib.auth import get_user_model

    from tables.models import CoeditDocument

    document = (
        CoeditDocument.objects.filter(pk=document_id, kind=CoeditDocument.Kind.PROPOSAL)
        .select_related("proposal")
        .first()
    )
    if document is None:
        return
    author = get_user_model().objects.filter(pk=author_id).first()
    try:
        services.proposal_version_from_document(proposal=document.proposal, by=author)
    except Exception:
        logger.exception("coedit: saving document %s as a version failed", document_id)


def edited(room: Room, *, author_id: int, pause: float | None = None) -> None:
    """An update was stored: (re)arm the version saved after a pause in editing, and ask for
    a compaction when enough updates have piled up."""
    room.last_author = author_id
    loop = asyncio.get_running_loop()
    if room.version_timer is not None:
        room.version_timer.cancel()
    delay = VERSION_PAUSE_SECONDS if pause is None else pause

    def save():
        room.version_timer = None
        _spawn(database_sync_to_async(_save_version)(room.document_id, author_id))

    room.version_timer = loop.call_later(delay, save)
    if room.since_snapshot >= services.COMPACT_EVERY:
        room.since_snapshot = 0
        _spawn(database_sync_to_async(services.compaction_request)(document_id=room.document_id))
