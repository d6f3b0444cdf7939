"""The signed-in user's notification stream."""

from __future__ import annotations

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from hub.websocket import PersonalGroupEvents, user_group


class NotificationsConsumer(PersonalGroupEvents, AsyncJsonWebsocketConsumer):
    """Pushes `notification` messages addressed to the user (group `user.<id>`).

    The route's policy (authenticated) is enforced by hub.access.PolicyGuard before this runs.
    Other events sent to the person's group (hub.websocket.ACCESS_REVOKED, for the sockets
    it concerns) are ignored.
    """

    async def connect(self):
        self.group = user_group(self.scope["user"].pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "user": self.scope["user"].pk})

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict) or content.get("type") != "ping":
            await self.send_json({"type": "error", "code": "unknown_type"})
            return
        await self.send_json({"type": "pong"})

    async def notification(self, event):
        await self.send_json(
            {"type": "notification", "title": event.get("title", ""), "url": event.get("url", "")}
        )
