"""hub.channel_layers.InMemoryChannelLayer: Channels' in-memory layer with a fan-out whose
cost grows with the group, not with its square, and the same promises."""

from __future__ import annotations

from hub import channel_layers
from hub.channel_layers import InMemoryChannelLayer


class CountingLayer(InMemoryChannelLayer):
    """Counts the expiry walks over every channel and group (Channels' _clean_expired)."""

    walks = 0

    def _clean_expired(self):
        before = self._cleaned_at
        super()._clean_expired()
        if self._cleaned_at != before:
            CountingLayer.walks += 1


async def _room(layer, sockets: int) -> list[str]:
    channels = [await layer.new_channel() for _ in range(sockets)]
    for number, channel in enumerate(channels):
        await layer.group_add("gaf.chat.1", channel)
        await layer.group_add(f"user.{number}", channel)
    return channels


async def test_a_message_reaches_every_socket_of_the_group_once_and_in_order():
    layer = InMemoryChannelLayer()
    channels = await _room(layer, 5)
    for seq in (1, 2):
        await layer.group_send("gaf.chat.1", {"type": "chat.event", "seq": seq})
    for channel in channels:
        assert [(await layer.receive(channel))["seq"] for _ in range(2)] == [1, 2]
    assert layer.channels == {}  # nothing left behind


async def test_the_sockets_share_one_copy_of_what_was_sent():
    """A copy once, not one per socket (a deep copy each, 3.4 us, was a third of a ms of each
    chat message's fan-out to 100 sockets): what the sender changes afterwards reaches no one,
    and the sockets share the copy, as those of a process share the message channels_redis
    decodes once for them. Consumers read events; none changes one."""
    layer = InMemoryChannelLayer()
    first, second = await _room(layer, 2)
    sent = {"type": "chat.event", "data": {"seen": []}}
    await layer.group_send("gaf.chat.1", sent)
    sent["data"]["seen"].append("sender")
    received = [await layer.receive(first), await layer.receive(second)]
    assert received[0]["data"]["seen"] == [] and received[0] is received[1]


async def test_a_full_socket_misses_the_message_and_the_others_get_it():
    layer = InMemoryChannelLayer(capacity=1)
    slow, fast = await _room(layer, 2)
    await layer.group_send("gaf.chat.1", {"type": "chat.event", "seq": 1})
    await layer.receive(fast)
    await layer.group_send("gaf.chat.1", {"type": "chat.event", "seq": 2})  # slow is full
    assert (await layer.receive(fast))["seq"] == 2
    assert (await layer.receive(slow))["seq"] == 1
    assert layer.channels == {}


async def test_the_fan_out_walks_the_process_channels_once_per_interval_not_per_socket():
    """Channels' layer walked every channel and group on each receive and group_send: with
    100 sockets in a room, a message cost 101 walks of ~300 entries each."""
    CountingLayer.walks = 0
    layer = CountingLayer()
    channels = await _room(layer, 100)
    for seq in range(1, 4):
        await layer.group_send("gaf.chat.1", {"type": "chat.event", "seq": seq})
        for channel in channels:
            assert (await layer.receive(channel))["seq"] == seq
    assert CountingLayer.walks == 1


async def test_expired_messages_and_their_sockets_still_go(monkeypatch):
    monkeypatch.setattr(channel_layers, "CLEAN_INTERVAL_SECONDS", 0)
    layer = InMemoryChannelLayer(expiry=-1)  # every message is expired as soon as it is sent
    gone, listening = await _room(layer, 2)
    await layer.send(gone, {"type": "chat.event", "seq": 1})
    await layer.group_send("gaf.chat.9", {"type": "nothing"})  # runs the walk
    assert gone not in layer.channels
    assert gone not in layer.groups["gaf.chat.1"]
    assert listening in layer.groups["gaf.chat.1"]


def test_it_is_still_the_channels_layer():
    """hub.websocket and hub.health tell the embedded mode by isinstance of Channels' class."""
    from channels.layers import InMemoryChannelLayer as Channels

    assert isinstance(InMemoryChannelLayer(), Channels)
