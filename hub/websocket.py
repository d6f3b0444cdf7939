"""WebSocket plumbing shared by all apps: authentication stack and broadcasting.

Services broadcast with `broadcast_on_commit(group, event)`: the event leaves only after the
transaction commits; many events at once (one per person notified) with
`broadcast_many_on_commit(events)`, which sends them all in one pass through the layer.
In production the channel layer is Redis and every process shares it. In the embedded
default the layer is in-memory and lives in the web process; the task cluster (started by
`manage.py serve` with HUB_PROCESS_ROLE=tasks) cannot reach it, so its
broadcasts go through the BroadcastOutbox table, which the web process relays.

The channel layer is at-most-once and may be down (Redis stopped): a broadcast that fails is
logged and dropped, never failing the request whose change it announces (clients resume by
the last `id` they saw, so the state reaches them anyway). A socket whose consumer meets a
failing layer, or whose database is unavailable, is closed with 1013 "try again later"
(hub.availability.ServiceOutageGuard), which tells the client to reconnect with backoff.

Close codes are defined here, once, and handed to the browser by the `websocket_close_codes`
template tag (hub/templatetags/hub_websocket.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import weakref
from collections.abc import Callable, Iterable, Sequence
from enum import IntEnum

from asgiref.sync import async_to_sync
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.db import transaction
from redis.exceptions import RedisError

from hub.outages import OutageLog

try:  # Daphne's WebSocket protocol (autobahn) raises this on a send to a closed connection.
    from autobahn.exception import Disconnected as _SocketGone
except ImportError:  # another ASGI server
    _SocketGone = ()

logger = logging.getLogger(__name__)

RELAY_INTERVAL_SECONDS = 0.25
RELAY_BATCH = 500


class CloseCode(IntEnum):
    """WebSocket close codes the hub's servers send, and what a client does about each."""

    GOING_AWAY = 1001  # the server is shutting down: reconnect (to another worker)
    SERVICE_RESTART = 1012  # the server is restarting: reconnect
    TRY_AGAIN_LATER = 1013  # a backing service (channel layer, database) is down: retry later
    FORBIDDEN = 4403  # the route's policy refuses this person: do not retry
    NOT_FOUND = 4404  # no such route, or an object the person may not see: do not retry


# A client reconnects (with backoff, resuming by its last id) after any close except these.
FINAL_CLOSE_CODES = (CloseCode.FORBIDDEN, CloseCode.NOT_FOUND)
RETRY_CLOSE_CODES = (CloseCode.GOING_AWAY, CloseCode.SERVICE_RESTART, CloseCode.TRY_AGAIN_LATER)


def client_close_codes() -> dict:
    """What the browser needs to know about close codes (see frontend/src/live-socket.js)."""
    return {
        "final": [int(code) for code in FINAL_CLOSE_CODES],
        "retry": [int(code) for code in RETRY_CLOSE_CODES],
    }


# What a failing channel layer raises: redis-py's errors, and the OS's socket errors
# (which include the built-in TimeoutError).
CHANNEL_LAYER_ERRORS = (RedisError, OSError)

channel_layer_outage = OutageLog(logger, "channel layer")


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def _layer_is_process_local(layer) -> bool:
    return isinstance(layer, InMemoryChannelLayer)


def relays_through_outbox() -> bool:
    """True in a task worker whose channel layer cannot reach the web process."""
    return os.environ.get("HUB_PROCESS_ROLE") == "tasks" and _layer_is_process_local(
        get_channel_layer()
    )


def broadcast(group: str, event: dict) -> bool:
    """Send `event` to a channel-layer group now; False if the layer failed (logged).

    Services call broadcast_on_commit instead. Never raises for a layer outage: the change
    it announces is committed, and the request that made it must not fail.
    """
    if relays_through_outbox():
        from hub.models import BroadcastOutbox

        BroadcastOutbox.objects.create(group=group, event=event)
        return True
    try:
        async_to_sync(get_channel_layer().group_send)(group, event)
    except CHANNEL_LAYER_ERRORS as error:
        channel_layer_outage.failed(error, during=f"broadcast to {group}")
        return False
    channel_layer_outage.recovered()
    return True


def broadcast_many(events: Sequence[tuple[str, dict]]) -> int:
    """Send each `(group, event)` now, in order; return how many were sent.

    What `broadcast` does for each, in one pass: each `async_to_sync` call starts a thread
    and an event loop, which cost a round's close more than writing its 45,000 lines when
    its 300 families were told one call at a time. At the first failure the layer is down
    (it failed for one group, the others share its connections): the rest are dropped
    (logged once) rather than each waiting for its own timeout, as clients resume by the
    last `id` they saw anyway.
    """
    if not events:
        return 0
    if relays_through_outbox():
        from hub.models import BroadcastOutbox

        BroadcastOutbox.objects.bulk_create(
            BroadcastOutbox(group=group, event=event) for group, event in events
        )
        return len(events)

    async def send_all() -> int:
        layer = get_channel_layer()
        sent = 0
        for group, event in events:
            try:
                await layer.group_send(group, event)
            except CHANNEL_LAYER_ERRORS as error:
                channel_layer_outage.failed(
                    error,
                    during=f"broadcast to {group}, {len(events) - sent - 1} more events dropped",
                )
                return sent
            sent += 1
        return sent

    sent = async_to_sync(send_all)()
    if sent == len(events):
        channel_layer_outage.recovered()
    return sent


def _check_event(event: dict) -> None:
    if "type" not in event:
        raise ValueError("a channel-layer event needs a 'type'")


def broadcast_on_commit(group: str, event: dict | Callable[[], dict | None]) -> None:
    """Send `event` to `group` once the current transaction has committed (never before).

    `event` may be a function that makes the event once committed, to send a state read
    after the change (it includes the change); it sends nothing when it returns None. An
    error while making it is logged, never raised: the change is committed, and the request
    that made it must not fail (pages resume by the last id they saw).
    """
    if callable(event):
        transaction.on_commit(lambda: _broadcast_made(group, event), robust=True)
        return
    _check_event(event)
    transaction.on_commit(lambda: broadcast(group, event))


def broadcast_many_on_commit(events: Iterable[tuple[str, dict]]) -> None:
    """Send each `(group, event)`, in order, once the current transaction has committed
    (never before), with `broadcast_many`: one hook whatever their number."""
    events = list(events)
    for _group, event in events:
        _check_event(event)
    if events:
        transaction.on_commit(lambda: broadcast_many(events))


def _broadcast_made(group: str, make_event: Callable[[], dict | None]) -> None:
    event = make_event()
    if event is None:
        return
    if "type" not in event:
        raise ValueError("a channel-layer event needs a 'type'")
    broadcast(group, event)


# A person lost access to something (a family left a purchase group): every consumer in the
# person's group `user.<id>` gets {"type": "access.revoked", "scope": ...}; those whose
# socket depends on that scope close it (the chat of the group), the others ignore it.
ACCESS_REVOKED = "access.revoked"


def revoke_access_on_commit(user_ids, scope: str) -> None:
    """Once committed, tell the open sockets of `user_ids` that `scope` is no longer theirs."""
    broadcast_many_on_commit(
        (user_group(user_id), {"type": ACCESS_REVOKED, "scope": scope}) for user_id in user_ids
    )


class DirectDispatch:
    """Mixin for consumers that touch the database only through database_sync_to_async:
    each message goes straight to its handler.

    Channels (4.2 and later) awaits `aclose_old_connections()` before every handler: a trip
    to the one thread that runs all sync_to_async work, where it queues behind the database
    calls of every socket of the process. Every chat message is handled by every socket of
    its room, so 100 sockets meant 100 trips through that thread per message, and the
    fan-out fell more than a minute behind at 10 messages a second (bench/chat_fanout.py).
    database_sync_to_async already closes stale connections before and after each call,
    which is the only place these consumers use one.
    """

    async def dispatch(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)


class ClosedSocketSends:
    """Mixin for consumers that send to a socket from events (broadcasts, room fan-out): a
    frame sent between the client closing the connection and the server handling the
    disconnect is dropped, as one sent a moment later would be, instead of failing the
    consumer with a traceback ("Attempt to send on a closed protocol") and losing the
    disconnect's clean-up.

    It wraps the server's `send` itself (Channels keeps it as `base_send`), under every way
    a consumer sends: `send`, `send_json` (which calls Channels' own `send`, past any
    override of it), `accept` and `close`."""

    @property
    def base_send(self):
        return self._send_unless_gone

    @base_send.setter
    def base_send(self, send):
        async def send_unless_gone(message):
            try:
                await send(message)
            except _SocketGone:
                logger.debug("websocket: a frame for a socket that has just closed was dropped")

        self._send_unless_gone = send_unless_gone


class PersonalGroupEvents:
    """Mixin for consumers that join the person's group `user.<id>`: events of a type the
    consumer has no handler for are for other consumers in that group, and are ignored
    (Channels would raise "No handler for message type" and close the socket)."""

    async def dispatch(self, message):
        kind = message.get("type", "")
        if not kind.startswith("websocket.") and not callable(
            getattr(self, kind.replace(".", "_"), None)
        ):
            return None
        return await super().dispatch(message)


# --- A group's sockets in one process: one channel in the layer, the fan-out in the process ----


class LocalGroupMember:
    """Mixin for consumers that hear a busy group (a chat room) through their process.

    A consumer that joins a group with its own channel costs one delivery per socket and
    message inside the process: the in-memory layer queues a copy for each socket, and
    channels_redis hands its one copy per process to each socket's `receive` through its
    receive lock and two new tasks; then each socket's task wakes, and Channels' dispatch
    loop awaits it through `asyncio.wait` and another new task. In a room of 100 that was
    most of the time a message took to reach everyone (bench/chat_fanout.py). With
    `local_group_join` the process joins the group once, with one channel of its own
    (LocalGroups below), and hands each event to its sockets in one pass: `local_dispatch`
    calls the handler named by the event's type.

    Handlers reached this way run in the group's fan-out, one socket after the other: they
    may send to their socket, but must not wait on anything else (the database): one that
    needs to starts a task of its own. Events of a type the consumer has no handler for are
    ignored. The consumer's own channel still receives what is sent to it alone (its
    person's group, `user.<id>`).
    """

    async def __call__(self, scope, receive, send):
        # A consumer that fails (its own receive meets a stopped Redis: the outage guard
        # closes the socket) ends without `disconnect`: it leaves its groups here all the
        # same, or the group would keep it, and the process's channel, for good.
        self.local_group_names: set[str] = set()
        try:
            return await super().__call__(scope, receive, send)
        finally:
            for group in list(self.local_group_names):
                try:
                    await self.local_group_leave(group)
                except CHANNEL_LAYER_ERRORS as error:
                    channel_layer_outage.failed(error, during=f"leaving {group}")

    async def local_group_join(self, group: str) -> None:
        await local_groups(self.channel_layer).join(group, self)
        self.local_group_names.add(group)

    async def local_group_leave(self, group: str) -> None:
        self.local_group_names.discard(group)
        await local_groups(self.channel_layer).leave(group, self)

    async def local_dispatch(self, message: dict) -> None:
        handler = getattr(self, get_handler_name(message), None)
        if handler is not None:
            await handler(message)


# Channel layers forget a group membership after `group_expiry` (a day by default); the
# process's channel of a long-lived room is added again well before.
LOCAL_GROUP_REFRESH_SECONDS = 3600


class _LocalGroup:
    __slots__ = ("channel", "listener", "members", "name", "ready")

    def __init__(self, name: str):
        self.name = name
        self.members: dict = {}  # consumer -> None: a set that keeps the joining order
        self.channel: str | None = None
        self.ready: asyncio.Task | None = None
        self.listener: asyncio.Task | None = None


class LocalGroups:
    """The groups the sockets of one event loop joined through LocalGroupMember.

    The first socket of a group makes the process's channel for it and adds it to the group;
    a listener task receives from it and calls `local_dispatch` of each socket; the last
    socket to leave removes the channel. The layer's promise is unchanged (at most once, in
    order, a full channel drops): the chat's gap-free numbers and resume cover a drop.
    If the layer fails under the listener (Redis stopped), the group's sockets are closed
    with 1013 and reconnect, as sockets whose own receive fails are.
    """

    def __init__(self, layer):
        self.layer = layer
        self.groups: dict[str, _LocalGroup] = {}
        self.refresher: asyncio.Task | None = None

    async def join(self, name: str, consumer) -> None:
        group = self.groups.get(name)
        first = group is None
        if first:
            group = self.groups[name] = _LocalGroup(name)
            group.ready = asyncio.get_running_loop().create_task(self._open(group))
        group.members[consumer] = None
        try:
            # Every joiner waits until the process's channel is in the group, so that what
            # it reads from the database next is followed by every later event.
            await asyncio.shield(group.ready)
            if not first:
                # Added again at each join, as each socket added itself before: a Redis that
                # restarted has forgotten the group, and the process's sockets, closed by
                # the outage, come back through here.
                await self.layer.group_add(name, group.channel)
        except BaseException:
            group.members.pop(consumer, None)
            raise
        if self.refresher is None or self.refresher.done():
            self.refresher = asyncio.get_running_loop().create_task(self._refresh())

    async def leave(self, name: str, consumer) -> None:
        group = self.groups.get(name)
        if group is None or consumer not in group.members:
            return
        del group.members[consumer]
        if group.members:
            return
        self._forget(group)
        if group.listener is not None:
            group.listener.cancel()
        if group.channel is not None:
            await self.layer.group_discard(name, group.channel)

    async def _open(self, group: _LocalGroup) -> None:
        try:
            # The default prefix: channels_redis receives all of a process's channels of one
            # prefix with a single read of Redis, and a reader of another prefix would hold
            # that read (and starve the rest) until a message of its own came.
            group.channel = await self.layer.new_channel()
            await self.layer.group_add(group.name, group.channel)
        except BaseException:
            self._forget(group)
            raise
        group.listener = asyncio.get_running_loop().create_task(self._listen(group))

    def _forget(self, group: _LocalGroup) -> None:
        if self.groups.get(group.name) is group:
            del self.groups[group.name]
        if not self.groups and self.refresher is not None:
            self.refresher.cancel()
            self.refresher = None

    async def _listen(self, group: _LocalGroup) -> None:
        while True:
            try:
                message = await self.layer.receive(group.channel)
            except CHANNEL_LAYER_ERRORS as error:
                channel_layer_outage.failed(error, during=f"fan-out of {group.name}")
                self._forget(group)
                for consumer in list(group.members):
                    with contextlib.suppress(Exception):
                        await consumer.close(code=int(CloseCode.TRY_AGAIN_LATER))
                return
            for consumer in list(group.members):
                try:
                    await consumer.local_dispatch(message)
                except Exception:
                    logger.exception("fan-out of %s: a socket's handler failed", group.name)

    async def _refresh(self) -> None:
        while True:
            await asyncio.sleep(LOCAL_GROUP_REFRESH_SECONDS)
            for group in list(self.groups.values()):
                if group.channel is None:
                    continue
                try:
                    await self.layer.group_add(group.name, group.channel)
                except CHANNEL_LAYER_ERRORS as error:
                    channel_layer_outage.failed(error, during=f"refresh of {group.name}")


_local_groups: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def local_groups(layer) -> LocalGroups:
    """The LocalGroups of `layer` on the running event loop."""
    by_layer = _local_groups.setdefault(asyncio.get_running_loop(), {})
    groups = by_layer.get(id(layer))
    if groups is None or groups.layer is not layer:
        groups = by_layer[id(layer)] = LocalGroups(layer)
    return groups


# --- The relay, inside the web process -------------------------------------------------------


def _take_outbox_batch() -> list[tuple[str, dict]]:
    from hub.models import BroadcastOutbox

    with transaction.atomic():
        rows = list(BroadcastOutbox.objects.order_by("pk")[:RELAY_BATCH])
        if rows:
            BroadcastOutbox.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return [(row.group, row.event) for row in rows]


async def relay_outbox(layer) -> int:
    """Forward what the task cluster left in the outbox; return how many events were sent."""
    batch = await database_sync_to_async(_take_outbox_batch)()
    for group, event in batch:
        await layer.group_send(group, event)
    return len(batch)


_relay_tasks: dict[int, asyncio.Task] = {}


async def _relay_forever(layer) -> None:
    while True:
        try:
            await relay_outbox(layer)
        except Exception:
            logger.exception("broadcast relay failed; retrying")
        await asyncio.sleep(RELAY_INTERVAL_SECONDS)


def ensure_relay_started() -> None:
    """Start the relay on this event loop once (embedded mode, web process only)."""
    layer = get_channel_layer()
    if not _layer_is_process_local(layer) or os.environ.get("HUB_PROCESS_ROLE") == "tasks":
        return
    if not getattr(settings, "HUB_OUTBOX_RELAY", True):
        # A test server in the test process: no task cluster fills the outbox, and a relay
        # polling the shared in-memory SQLite would lock tables under the other tests.
        return
    loop = asyncio.get_running_loop()
    task = _relay_tasks.get(id(loop))
    if task is None or task.done():
        _relay_tasks[id(loop)] = loop.create_task(_relay_forever(layer))


# --- Sockets in the face of a failing layer, and unknown paths --------------------------------


class UnknownRouteConsumer(AsyncWebsocketConsumer):
    """The catch-all route: any path no app routes is accepted and closed with 4404.

    Without it the router raises "No route found" (a traceback, and a 500 on the upgrade).
    Accepting first lets the client see the code; it joins no group and reads nothing.
    """

    channel_layer_alias = None  # needs no channel; works while the layer is down

    async def connect(self):
        await self.accept()
        await self.close(code=int(CloseCode.NOT_FOUND))
