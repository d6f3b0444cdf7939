"""Broadcasting: after commit only, and relayed from the task cluster in embedded mode."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from hub.models import BroadcastOutbox
from hub.websocket import broadcast, broadcast_on_commit, relay_outbox


def listen(group: str) -> str:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return channel


def receive(channel: str, timeout: float = 1.0):
    import asyncio

    async def wait():
        return await asyncio.wait_for(get_channel_layer().receive(channel), timeout)

    return async_to_sync(wait)()


@pytest.mark.django_db
def test_broadcast_waits_for_commit(django_capture_on_commit_callbacks):
    channel = listen("round.1")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        broadcast_on_commit("round.1", {"type": "round.closed", "id": 1})
    assert len(callbacks) == 1  # nothing was sent inside the transaction
    callbacks[0]()
    assert receive(channel) == {"type": "round.closed", "id": 1}


def test_an_event_needs_a_type():
    with pytest.raises(ValueError, match="type"):
        broadcast_on_commit("round.1", {"id": 1})


# transaction=True: the relay reads the outbox through database_sync_to_async, which manages
# (and may close) its thread's connection, as it does in the web process.
@pytest.mark.django_db(transaction=True)
def test_task_worker_broadcasts_reach_the_web_process_through_the_outbox(monkeypatch):
    channel = listen("user.7")
    monkeypatch.setenv("HUB_PROCESS_ROLE", "tasks")
    broadcast("user.7", {"type": "notification", "title": "Consegna domani"})
    assert list(BroadcastOutbox.objects.values_list("group", flat=True)) == ["user.7"]

    monkeypatch.setenv("HUB_PROCESS_ROLE", "web")
    sent = async_to_sync(relay_outbox)(get_channel_layer())
    assert sent == 1
    assert receive(channel) == {"type": "notification", "title": "Consegna domani"}
    assert not BroadcastOutbox.objects.exists()


@pytest.mark.django_db
def test_web_process_broadcasts_directly(monkeypatch):
    channel = listen("user.8")
    monkeypatch.setenv("HUB_PROCESS_ROLE", "web")
    broadcast("user.8", {"type": "notification", "title": "Ciao"})
    assert receive(channel)["title"] == "Ciao"
    assert not BroadcastOutbox.objects.exists()
