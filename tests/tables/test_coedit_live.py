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
from tables.models import CoeditDocument, ProposalVersion
from tests.tables.coedit_client import YClient
from tests.tables.coedit_world import make_world, proposal_path

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = "Prima stesura della ludoteca.\nAperta il sabato."
SECOND = "Seconda stesura: ludoteca diffusa in tre comuni."


@pytest.fixture
async def world():
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


def test_restoring_without_an_open_document_changes_only_the_proposal(world):
    _two_versions(world)
    _restore(world, 1)
    assert not CoeditDocument.objects.filter(proposal=world.proposal).exists()
    world.proposal.refresh_from_db()
    assert world.proposal.body == FIRST
