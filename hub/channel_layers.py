"""The embedded channel layer: Channels' in-memory layer, with its expiry sweep throttled.

Channels' InMemoryChannelLayer sweeps every channel and every group membership for expired
entries on each receive() and group_send(). Each socket receives again after each message,
so one broadcast to N sockets cost N sweeps of about 2N entries (each page is in its round's
group and in its person's): with a thousand order pages open on a round, a save's state
reached the last page seconds late (bench/round_fanout.py). Here the sweep runs at most once
per SWEEP_INTERVAL_SECONDS: messages still expire after `expiry` seconds and memberships
after `group_expiry`, give or take that interval. The class keeps Channels' name, which the
health check reports.
"""

from __future__ import annotations

from time import monotonic

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer

SWEEP_INTERVAL_SECONDS = 1.0


class InMemoryChannelLayer(ChannelsInMemoryChannelLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._swept_at = float("-inf")

    def _clean_expired(self):
        now = monotonic()
        if now - self._swept_at < SWEEP_INTERVAL_SECONDS:
            return
        self._swept_at = now
        super()._clean_expired()
