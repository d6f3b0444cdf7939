"""WebSocket plumbing shared by all apps: authentication stack and broadcasting.

Services broadcast with `broadcast_on_commit(group, event)`: the event leaves only after the
transaction commits. In production the channel layer is Redis and every process shares it.
In the embedded default the layer is in-memory and lives in the web process; the task
cluster (started by `manage.py serve` with HUB_PROCESS_ROLE=tasks) cannot reach it, so its
broadcasts go through the BroadcastOutbox table, which the web process relays.
"""

from __future__ import annotations

import asyncio
import logging
import os

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

RELAY_INTERVAL_SECONDS = 0.25
RELAY_BATCH = 500


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def _layer_is_process_local(layer) -> bool:
    return isinstance(layer, InMemoryChannelLayer)


def relays_through_outbox() -> bool:
    """True in a task worker whose channel layer cannot reach the web process."""
    return os.environ.get("HUB_PROCESS_ROLE") == "tasks" and _layer_is_process_local(
        get_channel_layer()
    )


def broadcast(group: str, event: dict) -> None:
    """Send `event` to a channel-layer group now. Services call broadcast_on_commit instead."""
    if relays_through_outbox():
        from hub.models import BroadcastOutbox

        BroadcastOutbox.objects.create(group=group, event=event)
        return
    async_to_sync(get_channel_layer().group_send)(group, event)


def broadcast_on_commit(group: str, event: dict) -> None:
    """Send `event` to `group` once the current transaction has committed (never before)."""
    if "type" not in event:
        raise ValueError("a channel-layer event needs a 'type'")
    transaction.on_commit(lambda: broadcast(group, event))


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
    loop = asyncio.get_running_loop()
    task = _relay_tasks.get(id(loop))
    if task is None or task.done():
        _relay_tasks[id(loop)] = loop.create_task(_relay_forever(layer))
