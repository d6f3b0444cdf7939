"""What the hub changes in a co-edited document reaches the open editors: a restored
version appears in their editors, and a person who leaves the table (or becomes an
observer) has their sockets closed with `access.revoked`."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from tables import services
from tables.coedit import rooms
from tables.coedit.render import render_state
from tables.models import CoeditDocument, Membership, ProposalVersion, Role
from tables.services._common import Conflict
from tests.tables.coedit_client import YClient
from tests.tables.coedit_world import make_world, minutes_path, proposal_path

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = "Prima stesura della ludoteca.\nAperta il sabato."
SECOND = "Seconda stesura: ludoteca diffusa in tre comuni."


@pytest.fixture
async def world(threads_on_a_sqlite_file):
    made = await sync_to_async(make_world)(body="")
    yield made
    await sync_to_async(connections.close_all)()


def _two_versions(world) -> None:
    services.proposal_update(by=world.author, proposal=world.proposal, body=FIRST)
    world.proposal.refresh_from_db()
    services.proposal_update(by=world.author, proposal=world.proposal, body=SECOND)
    world.proposal.refresh_from_db()


async def connected(user, path) -> YClient:
    client = YClient(user, path)
    ok, code = await client.connect()
    assert ok, code
    await client.pump()
    return client


def _restore(world, number: int) -> ProposalVersion:
    return services.proposal_restore(by=world.coordinator, proposal=world.proposal, number=number)


def _document(world) -> CoeditDocument:
    return CoeditDocument.objects.get(proposal=world.proposal)


# --- Restoring a version ----------------------------------------------------------------------


async def test_a_restored_version_appears_in_the_open_editors(world):
    await sync_to_async(_two_versions)(world)
    anna = await connected(world.author, proposal_path(world.proposal))
    olga = await connected(world.observer, proposal_path(world.proposal))
    assert anna.text() == SECOND
    version = await sync_to_async(_restore)(world, 1)
    assert version.restored_from == 1
    await anna.pump()
    await olga.pump()
    assert anna.text() == FIRST
    assert olga.text() == anna.text()
    document = await sync_to_async(_document)(world)
    room = rooms.open_rooms()[document.pk]
    assert render_state(room.doc.get_update()).text == FIRST
    # The restore is saved as the version it made: no second version when the room empties.
    assert document.version_seq == document.last_seq
    await anna.disconnect()
    await olga.disconnect()
    assert (
        await sync_to_async(
            lambda: ProposalVersion.objects.filter(proposal=world.proposal).count()
        )()
        == 3
    )


async def test_the_editors_edits_after_a_restore_build_on_the_restored_text(world):
    await sync_to_async(_two_versions)(world)
    anna = await connected(world.author, proposal_path(world.proposal))
    bruno = await connected(world.coauthor, proposal_path(world.proposal))
    await sync_to_async(_restore)(world, 1)
    await anna.pump()
    await bruno.pump()
    await anna.edit(lambda f: f.children[0].children[0].insert(0, "Bozza: "))
    await bruno.pump()
    await anna.pump()
    assert anna.errors == [] and anna.acks[-1] is not None
    assert bruno.text() == "Bozza: " + FIRST
    await anna.disconnect()
    await bruno.disconnect()


def test_restoring_without_an_open_document_changes_only_the_proposal():
    world = make_world(body="")
    _two_versions(world)
    _restore(world, 1)
    assert not CoeditDocument.objects.filter(proposal=world.proposal).exists()
    world.proposal.refresh_from_db()
    assert world.proposal.body == FIRST


# --- Leaving the table ------------------------------------------------------------------------


def _membership(world, user):
    return Membership.objects.get(table=world.table, user=user)


def _remove(world, user) -> None:
    services.membership_remove(by=world.coordinator, membership=_membership(world, user))


def _set_role(world, user, role) -> None:
    services.membership_set_role(
        by=world.coordinator, membership=_membership(world, user), role=role
    )


def _revocations(client) -> list[dict]:
    return [message for message in client.hub_messages if message["type"] == "access.revoked"]


async def test_a_removed_member_has_their_editors_of_the_table_closed(world):
    bruno_proposal = await connected(world.coauthor, proposal_path(world.proposal))
    bruno_minutes = await connected(world.coauthor, minutes_path(world.meeting))
    anna = await connected(world.author, proposal_path(world.proposal))
    await sync_to_async(_remove)(world, world.coauthor)
    for client in (bruno_proposal, bruno_minutes):
        await client.pump()
        assert [m["message"] for m in _revocations(client)] == [
            "Non fai più parte del tavolo: il documento si è chiuso."
        ]
        assert client.closed_code == 4403 and not client.online
    await anna.pump()
    assert anna.online and _revocations(anna) == []
    # Anna still edits.
    await anna.type_somewhere("Ancora")
    await anna.pump()
    assert anna.errors == [] and anna.acks[-1] is not None
    # And Bruno cannot come back.
    again = YClient(world.coauthor, proposal_path(world.proposal))
    assert await again.connect() == (False, 4404)
    await anna.disconnect()


async def test_a_member_made_observer_has_their_editors_closed_and_reads_on_reopening(world):
    anna = await connected(world.author, proposal_path(world.proposal))
    assert anna.hello["can_write"] is True
    await sync_to_async(_set_role)(world, world.author, Role.OBSERVER)
    await anna.pump()
    assert [m["message"] for m in _revocations(anna)] == [
        "Ora sei osservatore del tavolo: ricarica la pagina per leggere il documento."
    ]
    assert anna.closed_code == 4403
    # The closed socket left its room at once (the client's closing handshake is not
    # awaited): the room, of which it was the only socket, is gone.
    document = await sync_to_async(_document)(world)
    assert document.pk not in rooms.open_rooms()
    reopened = await connected(world.author, proposal_path(world.proposal))
    assert reopened.hello["can_write"] is False
    await reopened.disconnect()


async def test_other_role_changes_and_other_tables_leave_the_sockets_open(world):
    other = await sync_to_async(make_world)()
    await sync_to_async(Membership.objects.create)(
        table=other.table, user=world.member, role=Role.MEMBER
    )
    marco_here = await connected(world.member, minutes_path(world.meeting))
    marco_there = await connected(world.member, minutes_path(other.meeting))
    await sync_to_async(_set_role)(world, world.member, Role.COORDINATOR)
    await marco_here.pump()
    assert marco_here.online and _revocations(marco_here) == []
    await sync_to_async(_remove)(world, world.member)
    await marco_here.pump()
    await marco_there.pump()
    assert marco_here.closed_code == 4403
    assert marco_there.online and _revocations(marco_there) == []
    await marco_there.disconnect()


# --- Saving in the plain form -----------------------------------------------------------------

THIRD = "Terza stesura, dal modulo: ludoteca in sei comuni."


def _save_in_the_form(world, body: str):
    world.proposal.refresh_from_db()
    return services.proposal_update(by=world.coordinator, proposal=world.proposal, body=body)


async def test_a_body_saved_in_the_plain_form_appears_in_the_open_editors(world):
    await sync_to_async(_two_versions)(world)
    anna = await connected(world.author, proposal_path(world.proposal))
    assert anna.text() == SECOND
    version = await sync_to_async(_save_in_the_form)(world, THIRD)
    assert version.number == 3
    await anna.pump()
    assert anna.text() == THIRD
    document = await sync_to_async(_document)(world)
    assert document.version_seq == document.last_seq  # saved as that version already
    # Typing goes on from the form's text.
    await anna.edit(lambda f: f.children[0].children[0].insert(0, "Ultima: "))
    await anna.pump()
    assert anna.errors == [] and anna.text() == "Ultima: " + THIRD
    await anna.disconnect()


async def test_the_plain_form_does_not_overwrite_text_typed_together_and_not_saved(world):
    await sync_to_async(_two_versions)(world)
    anna = await connected(world.author, proposal_path(world.proposal))
    await anna.edit(lambda f: f.children[0].children[0].insert(0, "Bozza: "))
    await anna.pump()
    assert anna.errors == [] and anna.acks[-1] is not None
    with pytest.raises(Conflict):
        await sync_to_async(_save_in_the_form)(world, THIRD)
    await anna.pump()
    assert anna.text() == "Bozza: " + SECOND
    versions = await sync_to_async(
        lambda: list(ProposalVersion.objects.filter(proposal=world.proposal).values("number"))
    )()
    assert len(versions) == 2
    await anna.disconnect()
