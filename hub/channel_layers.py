"""The embedded default's channel layer: Channels' in-memory layer, with a fan-out whose cost
grows with the sockets of a group, not with their square.

Channels' layer walks every channel and every group membership of the process to drop
expired ones on each `receive` and each `group_send`, and `group_send` creates an asyncio
task per channel. With 100 sockets in one chat room (each also in its person's group), one
message cost 100 receives x ~300 entries walked, plus 100 tasks: the fan-out of a message
took milliseconds before the first byte left (bench/chat_fanout.py). Here the expiry walk
runs at most once per CLEAN_INTERVAL_SECONDS (messages live 60 s, memberships a day: a
second late changes nothing), and `group_send` puts one copy of the message in the queue of
each channel directly. What the layer promises is unchanged: at most once, in order per
channel, a full channel drops the message, process-local.

Nothing here imports Django or the hub.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from copy import deepcopy

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer

CLEAN_INTERVAL_SECONDS = 1.0


class InMemoryChannelLayer(ChannelsInMemoryChannelLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._cleaned_at = float("-inf")

    def _clean_expired(self):
        now = time.monotonic()
        if now - self._cleaned_at < CLEAN_INTERVAL_SECONDS:
            return
        self._cleaned_at = now
        super()._clean_expired()

    async def group_send(self, group, message):
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        # Copied once, not once per channel (Channels' send deep-copies for each): the
        # sender may change its dict afterwards, the receivers share one copy, as they share
        # the one message channels_redis decodes for all the channels of a process.
        message = deepcopy(message)
        expires = time.time() + self.expiry
        for channel in list(self.groups.get(group, ())):
            queue = self.channels.setdefault(
                channel, asyncio.Queue(maxsize=self.get_capacity(channel))
            )
            # At most once: a socket that fell this far behind catches up by resuming.
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait((expires, message))
        # Yield once, as Channels' layer does (it awaits a task per channel): the receivers
        # take the message before the sender goes on. A consumer that sends to its own group
        # (the chat's presence, when it connects) handles it before its next frame.
        await asyncio.sleep(0)

    async def flush(self):
        await super().flush()
        self._cleaned_at = float("-inf")
