"""The live totals socket of a round's order page (gaf.consumers.RoundPoolConsumer), against
the real ASGI application: the round's state as versioned data (no HTML); each family's
part, worked out from its own orders, equal to what the server's computation gives it; a
late or repeated state not sent again; a dropped broadcast recovered; no query per page
when a change is broadcast; a family taken out of the group cut off."""

from __future__ import annotations

import json
import threading
from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connections, transaction
from django.db.backends.utils import CursorWrapper
from django.test import Client

from gaf import selectors, services
from gaf.live import STATE_EVENT, round_group, state_event
from gaf.models import GroupMembership, RoundProduct
from gaf.presenters import family_estimate
from hub.asgi import application
from tests.gaf.factories import (
    bulk_members,
    make_family,
    make_group,
    make_member,
    make_product,
    make_round,
    make_supplier,
    rome,
)

D = Decimal
DURING = rome(2026, 10, 22, 12)
ORIGIN = (b"origin", b"http://testserver")


@pytest.fixture
async def close_thread_connections():
    """The consumer reads through database_sync_to_async, in worker threads whose
    connections would outlive the test (PostgreSQL then refuses to drop the database)."""
    yield
    await sync_to_async(connections.close_all)()


def _world():
    setup = make_group()
    supplier = make_supplier(setup)
    apples = make_product(
        supplier,
        name="Mele renette",
        unit="kg",
        unit_price=D("2.00"),
        case_size=D("6"),
        multiple=D("0.5"),
    )
    round = make_round(setup, supplier, [apples])
    rossi = make_member(setup, name="Famiglia Rossi")
    bianchi = make_member(setup, name="Famiglia Bianchi")
    return setup, round, RoundProduct.objects.get(round=round), rossi, bianchi


def _cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


async def socket(user, round) -> WebsocketCommunicator:
    headers = [ORIGIN]
    if user is not None:
        headers.append((b"cookie", await sync_to_async(_cookie)(user)))
    return WebsocketCommunicator(application, f"/ws/gaf/rounds/{round.pk}/", headers=headers)


async def joined(user, round, *, last_id=0) -> WebsocketCommunicator:
    communicator = await socket(user, round)
    connected, code = await communicator.connect(timeout=10)
    assert connected, code
    await communicator.send_json_to({"type": "resume", "last_id": last_id})
    return communicator


async def state_from(communicator) -> dict:
    frame = await communicator.receive_json_from(timeout=10)
    assert frame["type"] == "state", frame
    return frame


def _order(round, rp, family_user, firm, tolerance="0"):
    family, user = family_user
    services.order_set_quantity(
        round=round,
        family=family,
        round_product=rp,
        firm=firm,
        tolerance=tolerance,
        by_user=user,
        now=DURING,
    )


def _order_without_doorbell(round, rp, family_user, firm):
    """Commit the order but drop its broadcast, as an over-capacity channel layer does."""
    with transaction.atomic():
        _order(round, rp, family_user, firm)
        transaction.get_connection().run_on_commit.clear()


def _server_figures(round, family):
    """What the page itself shows the family (the selectors, the whole round computed)."""
    status = selectors.round_pool_status(round=round, family=family)[0]
    slip = family_estimate(round, family)
    return status.pool.family_would_receive, None if slip is None else slip.total


@pytest.mark.django_db(transaction=True)
async def test_each_page_gets_the_rounds_state_as_data_with_its_own_familys_part(
    close_thread_connections,
):
    _setup, round, apples, rossi, bianchi = await sync_to_async(_world)()
    await sync_to_async(_order)(round, apples, rossi, "2")

    rossi_page = await joined(rossi[1], round)
    bianchi_page = await joined(bianchi[1], round)
    first = await state_from(rossi_page)
    assert set(first) == {"type", "id", "pools", "family"}
    assert first["id"] == 1
    pool = first["pools"][str(apples.pk)]
    assert D(pool["firm"]) == 2 and pool["full_cases"] == 0
    assert D(pool["missing_to_next_case"]) == 4 and pool["case_percent"] == 33
    line = first["family"]["lines"][str(apples.pk)]
    assert (D(line["firm"]), D(line["receive"])) == (2, 0)
    assert first["family"]["bill"] is None and first["family"]["has_order"] is True
    # The running total of the saved order: 2 kg × 2,00 € + 2 % for the fund.
    assert first["family"]["basket"] == "4.08"
    # Data, not HTML; and nothing of another family's order on Bianchi's page.
    assert "<" not in json.dumps(first)
    theirs = await state_from(bianchi_page)
    assert theirs["pools"] == first["pools"]
    assert theirs["family"] == {"lines": {}, "has_order": False, "bill": None, "basket": "0.00"}

    # Up to date: resuming from the same change number sends nothing.
    await rossi_page.send_json_to({"type": "resume", "last_id": 1})
    assert await rossi_page.receive_nothing()

    # Bianchi completes the case: the order service's broadcast reaches both pages.
    await sync_to_async(_order)(round, apples, bianchi, "4")
    mine, theirs = await state_from(rossi_page), await state_from(bianchi_page)
    assert mine["id"] == theirs["id"] == 2
    assert mine["pools"] == theirs["pools"]
    assert mine["pools"][str(apples.pk)]["full_cases"] == 1
    for frame, (family, _user) in ((mine, rossi), (theirs, bianchi)):
        receive, total = await sync_to_async(_server_figures)(round, family)
        assert D(frame["family"]["lines"][str(apples.pk)]["receive"]) == receive
        assert D(frame["family"]["bill"]["total"]) == total
    assert mine["family"]["bill"] == {
        "goods": "4.00",
        "fund": "0.08",
        "shared": "0.00",
        "total": "4.08",
    }
    await rossi_page.send_json_to({"type": "dance"})
    assert (await rossi_page.receive_json_from())["code"] == "unknown_type"
    await rossi_page.send_json_to({"type": "resume", "last_id": -1})
    assert (await rossi_page.receive_json_from())["code"] == "invalid_last_id"
    await rossi_page.disconnect()
    await bianchi_page.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_late_or_repeated_state_is_not_sent_again(close_thread_connections):
    _setup, round, apples, rossi, bianchi = await sync_to_async(_world)()
    await sync_to_async(_order)(round, apples, rossi, "2")
    page = await joined(bianchi[1], round)
    assert (await state_from(page))["id"] == 1
    await sync_to_async(_order)(round, apples, bianchi, "4")
    assert (await state_from(page))["id"] == 2

    state = await sync_to_async(selectors.round_live_state)(round_id=round.pk, after=1)
    repeated = state_event(round.pk, state.version, state.pools, state.shares)
    layer = get_channel_layer()
    await layer.group_send(round_group(round.pk), repeated)
    late = {**repeated, "version": 1, "after": 0}
    await layer.group_send(round_group(round.pk), late)
    assert await page.receive_nothing()
    await page.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_page_that_missed_its_familys_change_reads_its_orders_again(
    close_thread_connections,
):
    _setup, round, apples, rossi, bianchi = await sync_to_async(_world)()
    page = await joined(rossi[1], round)
    # The page shows change 0: nothing to send yet.
    assert await page.receive_nothing()
    # Rossi orders from another device; the layer drops that broadcast (change 1).
    await sync_to_async(_order_without_doorbell)(round, apples, rossi, "2")
    assert await page.receive_nothing()
    # Change 2's state starts after 1, which the page never had: it reads Rossi's orders.
    await sync_to_async(_order)(round, apples, bianchi, "4")
    frame = await state_from(page)
    assert frame["id"] == 2
    line = frame["family"]["lines"][str(apples.pk)]
    assert (D(line["firm"]), D(line["receive"])) == (2, 2)
    assert frame["family"]["bill"]["total"] == "4.08"
    await page.disconnect()


class AllQueries:
    """Counts the SQL statements run by every thread (the consumers' worker threads
    included), while `counting` is set."""

    def __init__(self, monkeypatch):
        self.count = 0
        self.counting = False
        self._lock = threading.Lock()
        for name in ("_execute", "_executemany"):
            original = getattr(CursorWrapper, name)
            monkeypatch.setattr(CursorWrapper, name, self._counted(original))

    def _counted(self, original):
        def wrapper(cursor, *args, **kwargs):
            if self.counting:
                with self._lock:
                    self.count += 1
            return original(cursor, *args, **kwargs)

        return wrapper


@pytest.mark.django_db(transaction=True)
async def test_a_broadcast_costs_the_same_queries_for_one_page_or_many(
    close_thread_connections, monkeypatch
):
    setup, round, apples, rossi, bianchi = await sync_to_async(_world)()
    families = await sync_to_async(bulk_members)(setup, 5)

    def users():
        return [family.members.get() for family in families]

    others = await sync_to_async(users)()
    queries = AllQueries(monkeypatch)

    async def counted_save(pages, firm) -> int:
        queries.count, queries.counting = 0, True
        await sync_to_async(_order)(round, apples, rossi, firm)
        for page in pages:
            frame = await state_from(page)
            assert frame["family"] is not None
        queries.counting = False
        return queries.count

    pages = [await joined(bianchi[1], round)]
    await counted_save(pages, "2")  # Rossi's first order: its order row, its first line
    one_page = await counted_save(pages, "3")
    for user in others:
        pages.append(await joined(user, round, last_id=2))
    for page in pages[1:]:
        assert await page.receive_nothing(timeout=0.2)
    six_pages = await counted_save(pages, "4")
    assert six_pages == one_page
    # Of those, the round's state is read once for all the pages: the round, its
    # products, its history and its costs.
    queries.count, queries.counting = 0, True
    await sync_to_async(selectors.round_live_state)(round_id=round.pk, after=0)
    queries.counting = False
    assert queries.count == 4
    for page in pages:
        await page.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_state_reaches_the_pages_without_a_trip_to_the_database_thread_each(
    close_thread_connections, monkeypatch
):
    """Channels awaits a connection clean-up on the one sync thread before every handler:
    a save then cost one trip through that thread per open page, queued behind the
    request's own database work (hub.websocket.DirectDispatch; bench/round_fanout.py)."""
    import channels.consumer

    trips = []

    async def counted():
        trips.append(1)

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counted)
    setup, round, apples, rossi, bianchi = await sync_to_async(_world)()
    families = await sync_to_async(bulk_members)(setup, 3)
    others = await sync_to_async(lambda: [family.members.get() for family in families])()
    pages = [await joined(user, round) for user in (bianchi[1], *others)]
    for page in pages:
        await page.send_json_to({"type": "ping"})
        assert (await page.receive_json_from(timeout=10))["type"] == "pong"
    trips.clear()
    for firm in ("2", "3"):
        await sync_to_async(_order)(round, apples, rossi, firm)
        for page in pages:
            assert (await state_from(page))["pools"]
    assert trips == []
    for page in pages:
        await page.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_family_taken_out_of_the_group_is_cut_off(close_thread_connections):
    setup, round, _apples, _rossi, bianchi = await sync_to_async(_world)()
    page = await joined(bianchi[1], round)
    assert await page.receive_nothing()

    def remove():
        membership = GroupMembership.objects.get(group=setup.group, family=bianchi[0])
        services.membership_remove(membership=membership, by=setup.coordinator)

    await sync_to_async(remove)()
    assert await page.receive_output(timeout=10) == {"type": "websocket.close", "code": 4403}


@pytest.mark.django_db(transaction=True)
async def test_only_the_rounds_members_may_connect(close_thread_connections):
    def outsider_of(setup):
        return make_family(municipality=setup.municipality)[1]

    setup, round, _apples, _rossi, _bianchi = await sync_to_async(_world)()
    outsider = await sync_to_async(outsider_of)(setup)
    assert await (await socket(outsider, round)).connect(timeout=10) == (False, 4404)
    assert await (await socket(None, round)).connect(timeout=10) == (False, 4403)


@pytest.mark.django_db
def test_the_order_service_broadcasts_the_rounds_state_after_commit(
    django_capture_on_commit_callbacks,
):
    """No broadcast sent by the test: the round's group hears the order service's own
    state, made once the transaction has committed."""
    _setup, round, apples, rossi, _bianchi = _world()
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(round_group(round.pk), channel)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _order(round, apples, rossi, "2")
        _order(round, apples, rossi, "2.5")
    assert callbacks
    first = async_to_sync(layer.receive)(channel)
    second = async_to_sync(layer.receive)(channel)
    assert first["type"] == second["type"] == STATE_EVENT
    # Each state is read once committed: here both after the test's one transaction, each
    # announcing the changes since its own.
    assert (first["version"], first["after"]) == (2, 0)
    assert (second["version"], second["after"]) == (2, 1)
    assert D(json.loads(second["pools"])[str(apples.pk)]["firm"]) == D("2.5")
    announced = [change[:3] for change in json.loads(second["shares"])["changes"]]
    assert announced == [[2, rossi[0].pk, apples.pk]]
