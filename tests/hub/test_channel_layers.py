"""The embedded channel layer (hub.channel_layers): the expiry sweep no longer runs on every
receive, so a broadcast to many sockets does not sweep once per socket; expired messages
still go."""

from __future__ import annotations

import asyncio

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer

from hub import channel_layers
from hub.channel_layers import InMemoryChannelLayer


def test_a_broadcast_to_many_sockets_sweeps_once(monkeypatch):
    sweeps = []
    original = ChannelsInMemoryChannelLayer._clean_expired
    monkeypatch.setattr(
        ChannelsInMemoryChannelLayer,
        "_clean_expired",
        lambda layer: sweeps.append(1) or original(layer),
    )

    async def broadcast_and_receive():
        layer = InMemoryChannelLayer()
        channels = [await layer.new_channel() for _ in range(50)]
        for channel in channels:
            await layer.group_add("gaf.round.1", channel)
        await layer.group_send("gaf.round.1", {"type": "round.state", "version": 1})
        return [await layer.receive(channel) for channel in channels]

    received = asyncio.run(broadcast_and_receive())
    assert received == [{"type": "round.state", "version": 1}] * 50
    assert len(sweeps) == 1  # Channels' own layer: 51 (the send, then each receive)


def test_expired_messages_still_go(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(channel_layers, "monotonic", lambda: clock[0])

    async def scenario():
        layer = InMemoryChannelLayer(expiry=0)
        layer._clean_expired()  # a sweep now: the next within the interval is skipped
        await layer.send("gaf.round.stale", {"type": "round.state", "version": 1})
        await asyncio.sleep(0.01)  # the message's time is up (expiry 0)
        layer._clean_expired()
        kept_within_the_interval = "gaf.round.stale" in layer.channels
        clock[0] += channel_layers.SWEEP_INTERVAL_SECONDS
        layer._clean_expired()
        return kept_within_the_interval, "gaf.round.stale" in layer.channels

    assert asyncio.run(scenario()) == (True, False)
