"""The co-editing socket through the real ASGI application (origin check, session, access
policy guard, tables.consumers): who may connect and write, simulated Yjs clients converging
with the server, bad input refused without harm, and nothing acknowledged lost on restart."""

from __future__ import annotations

import asyncio
import random

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from pycrdt import Doc, Map, XmlElement, XmlFragment, XmlText

from tables.coedit import protocol, rooms, services
from tables.coedit.render import render_state
from tables.models import CoeditDocument, CoeditUpdate, Membership, Minutes
from tests.tables.coedit_client import YClient, pump_all
from tests.tables.coedit_world import make_world, minutes_path, proposal_path

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def close_thread_connections():
    """The consumer reads through database_sync_to_async, in worker threads whose
    connections would outlive the test (PostgreSQL then refuses to drop the database)."""
    yield
    await sync_to_async(connections.close_all)()


@pytest.fixture
async def world(close_thread_connections):
    return await sync_to_async(make_world)(body="Prima riga del testo.\nSeconda riga.")


def stored_text(document_id: int) -> str:
    return render_state(services.state_bytes(services.stored_state(document_id=document_id))).text


def document_id_of(proposal) -> int:
    return CoeditDocument.objects.get(proposal=proposal).pk


async def connected(user, path, **kwargs) -> YClient:
    client = YClient(user, path, **kwargs)
    ok, code = await client.connect()
    assert ok, code
    await client.pump()
    return client


def room_text(document_id: int) -> str:
    room = rooms.open_rooms()[document_id]
    return render_state(room.doc.get_update()).text


# --- Connecting -------------------------------------------------------------------------------


async def test_a_writer_gets_the_document_started_from_the_proposal_body(world):
    client = await connected(world.author, proposal_path(world.proposal))
    assert client.hello["can_write"] is True
    assert client.hello["me"]["name"] == "Anna Autrice"
    assert client.text() == "Prima riga del testo.\nSeconda riga."
    await client.disconnect()


@pytest.mark.parametrize(
    "who,can_write",
    [
        ("coordinator", True),
        ("author", True),
        ("coauthor", True),
        ("member", False),  # a member who is not a co-author reads the proposal
        ("observer", False),
    ],
)
async def test_who_writes_a_proposal(world, who, can_write):
    client = await connected(getattr(world, who), proposal_path(world.proposal))
    assert client.hello["can_write"] is can_write
    assert client.text().startswith("Prima riga")
    await client.disconnect()


async def test_outsiders_and_visitors_of_a_private_table_are_refused(world):
    outsider = YClient(world.outsider, proposal_path(world.proposal))
    assert await outsider.connect() == (False, 4404)
    visitor = YClient(None, proposal_path(world.proposal))
    assert await visitor.connect() == (False, 4403)
    unknown = YClient(world.author, "/ws/tables/docs/spreadsheet/1/")
    assert await unknown.connect() == (False, 4404)
    missing = YClient(world.author, "/ws/tables/docs/proposal/999999/")
    assert await missing.connect() == (False, 4404)


async def test_the_minutes_open_with_the_agenda(world):
    client = await connected(world.member, minutes_path(world.meeting))
    assert client.hello["can_write"] is True
    assert client.text().split("\n")[:3] == ["Apertura e presenze", "", "Ludoteca diffusa"]
    assert "<h2>Ludoteca diffusa</h2><p>Presenta Anna.</p>" in client.html()
    await client.disconnect()


# --- Editing together -------------------------------------------------------------------------


async def test_an_update_is_stored_before_it_is_acknowledged_and_reaches_the_others(world):
    anna = await connected(world.author, proposal_path(world.proposal))
    bruno = await connected(world.coauthor, proposal_path(world.proposal))
    await anna.edit(lambda f: f.children[0].children[0].insert(0, "Ciao! "))
    await pump_all([anna, bruno])
    assert anna.acks and anna.acks[-1] is not None
    document_id = await sync_to_async(document_id_of)(world.proposal)
    assert (await sync_to_async(stored_text)(document_id)).startswith("Ciao! Prima riga")
    assert bruno.text().startswith("Ciao! Prima riga")
    author = await sync_to_async(
        lambda: CoeditUpdate.objects.get(document_id=document_id, seq=anna.acks[-1]).author_id
    )()
    assert author == world.author.pk
    await anna.disconnect()
    await bruno.disconnect()


async def test_awareness_reaches_everyone_the_sender_too_with_the_hubs_name(world):
    anna = await connected(world.author, proposal_path(world.proposal))
    olga = await connected(world.observer, proposal_path(world.proposal))
    await anna.say_here({"user": {"name": "<img src=x onerror=alert(1)>"}, "cursor": None})
    await pump_all([anna, olga])
    for client in (anna, olga):
        states = [entry.state for entry in client.awareness if entry.state]
        assert states and states[-1]["user"]["name"] == "Anna Autrice"
    await anna.disconnect()
    await olga.pump()
    assert olga.awareness[-1].state is None  # Anna's cursor goes when she leaves
    await olga.disconnect()


async def _converge(world, count: int, seed: int, rounds: int):
    """`count` clients edit at random, dropping and regaining their connection at random;
    in the end every client, the server's room and the stored log hold the same text."""
    rng = random.Random(seed)
    writers = [world.author, world.coauthor, world.coordinator]
    cookies = {}
    clients = []
    for index in range(count):
        user = writers[index % len(writers)]
        if user.pk not in cookies:
            from tests.tables.coedit_client import session_cookie

            cookies[user.pk] = await sync_to_async(session_cookie)(user)
        clients.append(
            await connected(
                user, proposal_path(world.proposal), cookie=cookies[user.pk], seed=seed + index
            )
        )
    for turn in range(rounds):
        for index, client in enumerate(clients):
            if client.online and rng.random() < 0.08:
                await client.disconnect()
            elif not client.online and rng.random() < 0.4:
                ok, code = await client.connect()
                assert ok, code
            await client.type_somewhere(f"[{index}.{turn}]")
        await pump_all(clients, rounds=1, quiet=0.02)
    for client in clients:
        if not client.online:
            ok, code = await client.connect()
            assert ok, code
    await pump_all(clients, rounds=4, quiet=0.3)
    document_id = await sync_to_async(document_id_of)(world.proposal)
    server = room_text(document_id)
    assert [error for client in clients for error in client.errors] == []
    texts = {client.text() for client in clients}
    assert texts == {server}
    assert await sync_to_async(stored_text)(document_id) == server
    for index in range(count):
        assert f"[{index}." in server or "[" in server
    for client in clients:
        await client.disconnect()
    assert document_id not in rooms.open_rooms()


async def test_two_clients_converge_with_random_disconnects(world):
    await _converge(world, count=2, seed=2, rounds=30)


async def test_ten_clients_converge_with_random_disconnects(world):
    await _converge(world, count=10, seed=10, rounds=12)
