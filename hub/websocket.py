"""WebSocket plumbing shared by all apps: authentication stack and the broadcast helper."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.auth import AuthMiddlewareStack
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def SessionAuthStack(inner):
    return AuthMiddlewareStack(inner)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def broadcast(group: str, event: dict) -> None:
    """Send `event` to a channel-layer group now. Services call broadcast_on_commit instead."""
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(group, event)


def broadcast_on_commit(group: str, event: dict) -> None:
    """Send `event` to `group` once the current transaction has committed (never before)."""
    if "type" not in event:
        raise ValueError("a channel-layer event needs a 'type'")
    transaction.on_commit(lambda: broadcast(group, event))
