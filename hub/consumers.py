"""The signed-in person's notification stream: the live bell (hub.notifications)."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from hub.notifications import selectors
from hub.notifications.services import live_messages
from hub.websocket import ClosedSocketSends, DirectDispatch, PersonalGroupEvents, user_group

# What a `notification` event may carry to the browser (hub.notifications.services.live_messages).
NOTIFICATION_FIELDS = ("id", "kind", "title", "body", "url", "place_label", "unread")


def _unread(user) -> int:
    return selectors.unread_count(user)


def _missed(user, last_id: int) -> tuple[list[dict], int]:
    unread = selectors.unread_count(user)
    return live_messages(selectors.notifications_after(user, last_id), {user.pk: unread}), unread


class NotificationsConsumer(
    ClosedSocketSends, PersonalGroupEvents, DirectDispatch, AsyncJsonWebsocketConsumer
):
    """Pushes the person's new notifications and unread count (group `user.<id>`).

    The route's policy (authenticated) is enforced by hub.access.PolicyGuard before this
    runs. The database is the record: the count is sent on connecting and after a resume,
    so a message the channel layer dropped only delays the bell, and a client that resumes
    with the last notification id it saw receives the ones it missed (at most
    selectors.RESUME_LIMIT; the inbox page has them all).

    Other events sent to the person's group (hub.websocket.ACCESS_REVOKED, for the sockets
    it concerns) are ignored.

    Client frames: {"type": "ping"}, {"type": "resume", "last_id": n}.
    Server frames: hello (with `unread`), notification (with `id`), unread, pong, error.
    """

    async def connect(self):
        self.user = self.scope["user"]
        self.group = user_group(self.user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        unread = await database_sync_to_async(_unread)(self.user)
        await self.send_json({"type": "hello", "user": self.user.pk, "unread": unread})

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "resume":
            await self._resume(content.get("last_id", 0))
        else:
            await self.send_json({"type": "error", "code": "unknown_type"})

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None:  # a binary frame
            await self.send_json({"type": "error", "code": "bad_frame"})
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:  # not JSON
            await self.send_json({"type": "error", "code": "bad_frame"})
            return
        await self.receive_json(content, **kwargs)

    async def _resume(self, last_id):
        if isinstance(last_id, bool) or not isinstance(last_id, int) or last_id < 0:
            await self.send_json({"type": "error", "code": "bad_last_id"})
            return
        if last_id == 0:  # a fresh page: it was rendered with the count
            unread = await database_sync_to_async(_unread)(self.user)
            await self.send_json({"type": "unread", "unread": unread})
            return
        missed, unread = await database_sync_to_async(_missed)(self.user, last_id)
        for message in missed:
            await self.send_json(message)
        await self.send_json({"type": "unread", "unread": unread})

    async def notification(self, event):
        await self.send_json(
            {"type": "notification", **{k: event[k] for k in NOTIFICATION_FIELDS if k in event}}
        )

    async def notification_read(self, event):
        await self.send_json({"type": "unread", "unread": event["unread"]})
