"""The co-editing socket through the real ASGI application (origin check, session, access
policy guard, tables.consumers): who may connect and write, simulated Yjs clients converging
with the server, bad input refused without harm, and nothing acknowledged lost on restart."""

from __future__ import annotations

import random

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.utils.timezone import now
from pycrdt import Doc, Map, XmlElement, XmlFragment, XmlText

from tables.coedit import protocol, rooms, services
from tables.coedit.render import render_state
from tables.models import CoeditDocument, CoeditUpdate, Membership, Minutes
from tests.tables.coedit_client import YClient, pump_all
from tests.tables.coedit_world import make_world, minutes_path, proposal_path

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def close_thread_connections(threads_on_a_sqlite_file):
    """The consumer reads through database_sync_to_async, in worker threads whose
    connections would outlive the test (PostgreSQL then refuses to drop the database).
    On SQLite those threads work on a file (threads_on_a_sqlite_file): the co-editing
    writer thread and the consumers' database thread use the database at once."""
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


# --- Bad input --------------------------------------------------------------------------------


def _other_documents_state() -> bytes:
    other = Doc()
    other["meta"] = Map({"document": "proposal:999"})
    other.get("default", type=XmlFragment).children.append(
        XmlElement("paragraph", {}, [XmlText("Testo di un'altra proposta")])
    )
    return other.get_update()


def _bad_frames(client: YClient) -> list[tuple[str, bytes | str]]:
    good = protocol.sync_update(
        _sample_update(client)  # a real update, cut short below
    )
    return [
        ("text_frame", "ciao"),
        ("truncated", good[: len(good) // 2]),
        ("truncated", b"\x00\x02\x80"),
        ("malformed", good + b"\x00"),
        ("truncated", b"\x00\x02\x05\xff\xff\xff\xff\xff"),
        ("malformed", b"\x00\x02\x0a" + b"\xff" * 9 + b"\x01"),
        ("malformed", b"\x00\x02" + protocol.write_varbytes(b"\x01\x01\x05\x00\x3f\x01\x01a\x00")),
        ("unknown_type", b"\x07"),
        ("unknown_type", b"\x00\x09\x00"),
        ("too_large", protocol.sync_update(b"\x00" * (protocol.MAX_UPDATE_BYTES + 1))),
        ("too_large", b"\x01" + protocol.write_varbytes(b"\x09" + b"\x01\x01\x02{}" * 9)),
        ("wrong_document", protocol.sync_step2(_other_documents_state())),
        ("malformed", b"\x01" + protocol.write_varbytes(b"\x01\x05\x01\x03{x}")),
    ]


def _sample_update(client: YClient) -> bytes:
    scratch = Doc()
    scratch.apply_update(client.doc.get_update())
    before = scratch.get_state()
    scratch.get("default", type=XmlFragment).children[0].children[0].insert(0, "abc")
    return scratch.get_update(before)


async def test_bad_frames_are_refused_logged_and_leave_the_document_untouched(world, caplog):
    anna = await connected(world.author, proposal_path(world.proposal))
    bruno = await connected(world.coauthor, proposal_path(world.proposal))
    document_id = await sync_to_async(document_id_of)(world.proposal)
    before_text = room_text(document_id)
    before_count = await sync_to_async(CoeditUpdate.objects.filter(document_id=document_id).count)()
    frames = _bad_frames(anna)
    for _expected, frame in frames:
        if isinstance(frame, str):
            await anna.socket.send_to(text_data=frame)
        else:
            await anna.send(frame)
        await anna.pump(0.1)
    assert [error["code"] for error in anna.errors] == [code for code, _frame in frames]
    assert all(error["message"] for error in anna.errors)
    assert room_text(document_id) == before_text
    assert bruno.received == (await _received_after_pump(bruno))  # Bruno got nothing
    assert (
        await sync_to_async(CoeditUpdate.objects.filter(document_id=document_id).count)()
        == before_count
    )
    assert sum("coedit: refused a frame" in r.getMessage() for r in caplog.records) == len(frames)
    # The connection stays usable.
    await anna.edit(lambda f: f.children[0].children[0].insert(0, "Ancora qui. "))
    await pump_all([anna, bruno])
    assert bruno.text().startswith("Ancora qui. ")
    await anna.disconnect()
    await bruno.disconnect()


async def _received_after_pump(client: YClient) -> int:
    await client.pump(0.1)
    return client.received


async def test_an_observers_updates_are_dropped(world):
    olga = await connected(world.observer, proposal_path(world.proposal))
    anna = await connected(world.author, proposal_path(world.proposal))
    document_id = await sync_to_async(document_id_of)(world.proposal)
    before = room_text(document_id)
    await olga.edit(lambda f: f.children[0].children[0].insert(0, "Vandalo "))
    await olga.send(protocol.sync_step2(olga.doc.get_update()))
    await pump_all([olga, anna])
    assert [error["code"] for error in olga.errors] == ["read_only", "read_only"]
    assert room_text(document_id) == before
    assert anna.text() == before
    # An empty step 2 (what every client answers to a step 1) is dropped without a word.
    await olga.send(protocol.sync_step2(b"\x00\x00"))
    await olga.pump()
    assert len(olga.errors) == 2
    await olga.disconnect()
    await anna.disconnect()


async def test_a_member_removed_mid_session_stops_writing_at_once(world):
    bruno = await connected(world.coauthor, proposal_path(world.proposal))
    anna = await connected(world.author, proposal_path(world.proposal))
    await bruno.edit(lambda f: f.children[0].children[0].insert(0, "Prima. "))
    await pump_all([bruno, anna])
    await sync_to_async(Membership.objects.filter(table=world.table, user=world.coauthor).delete)()
    await bruno.edit(lambda f: f.children[0].children[0].insert(0, "Dopo. "))
    await pump_all([bruno, anna])
    assert [error["code"] for error in bruno.errors] == ["not_allowed"]
    assert bruno.closed_code == 4403  # the table is private: no more reading either
    assert anna.text().startswith("Prima. Prima riga")
    await anna.disconnect()


async def test_an_observer_of_a_public_table_keeps_reading_after_losing_the_pen(
    close_thread_connections,
):
    from tables.models import Table

    world = await sync_to_async(make_world)(visibility=Table.Visibility.PUBLIC, body="Testo")
    marco = await connected(world.coordinator, proposal_path(world.proposal))
    await sync_to_async(
        Membership.objects.filter(table=world.table, user=world.coordinator).update
    )(role="observer")
    await marco.edit(lambda f: f.children[0].children[0].insert(0, "No. "))
    await marco.pump()
    assert [error["code"] for error in marco.errors] == ["not_allowed"]
    assert marco.hello["can_write"] is False
    assert marco.online
    await marco.disconnect()


async def test_approved_minutes_are_frozen(world):
    client = await connected(world.member, minutes_path(world.meeting))
    await sync_to_async(Minutes.objects.create)(
        meeting=world.meeting, body="Verbale", approved_by=world.coordinator, approved_at=now()
    )
    await client.edit(lambda f: f.children[0].children[0].insert(0, "Tardi. "))
    await client.pump()
    assert [error["code"] for error in client.errors] == ["not_allowed"]
    await client.disconnect()
    again = await connected(world.member, minutes_path(world.meeting))
    assert again.hello["can_write"] is False
    await again.disconnect()


# --- Restarting -------------------------------------------------------------------------------


async def test_a_restart_loses_nothing_acknowledged(world):
    """Every acknowledged update is in the log: a new process (no rooms in memory) rebuilds
    the same text from the snapshot and the updates after it."""
    anna = await connected(world.author, proposal_path(world.proposal))
    for index in range(30):
        await anna.type_somewhere(f"<{index}>")
    await anna.pump()
    assert anna.errors == []
    assert len([seq for seq in anna.acks if seq]) == 30
    document_id = await sync_to_async(document_id_of)(world.proposal)
    await sync_to_async(services.snapshot_create)(document_id=document_id)
    await anna.type_somewhere("<dopo l'istantanea>")
    await anna.pump()
    expected = anna.text()
    # The process dies without closing anything: its rooms vanish.
    await rooms.forget_all()
    bruno = await connected(world.coauthor, proposal_path(world.proposal))
    assert bruno.text() == expected
    assert await sync_to_async(stored_text)(document_id) == expected
    history = await sync_to_async(
        lambda: list(
            CoeditUpdate.objects.filter(document_id=document_id).values_list("seq", flat=True)
        )
    )()
    assert history == list(range(1, 33))  # the seed, 30 updates, one more: nothing dropped
    await bruno.disconnect()
    await anna.disconnect()
