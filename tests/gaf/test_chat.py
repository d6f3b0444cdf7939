"""The chat's services and reads: gap-free numbering, idempotent sends, edits and deletions,
pins, system messages from the round services, unread counts, presence, removal."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gaf import services
from gaf.live import chat_group, group_access_scope
from gaf.models import (
    ChatEvent,
    ChatMessage,
    ChatPresence,
    ChatRoom,
    GroupMembership,
    RoundProduct,
    SystemKind,
)
from gaf.selectors import chat as reads
from gaf.services import LineInput
from hub.websocket import user_group
from tests.gaf.factories import (
    make_family,
    make_group,
    make_member,
    make_product,
    make_round,
    make_supplier,
    rome,
)
from tests.hub.factories import UserFactory

pytestmark = pytest.mark.django_db

D = Decimal
DURING = rome(2026, 10, 22, 12)


@pytest.fixture
def room(setup):
    return reads.group_room(group=setup.group)


def send(room, user, body="ciao", **kwargs):
    return services.chat_message_send(room=room, user=user, body=body, **kwargs).message


def seqs(room):
    return list(ChatEvent.objects.filter(room=room).order_by("seq").values_list("seq", flat=True))


def refused(code, call, *args, **kwargs):
    with pytest.raises(ValidationError) as error:
        call(*args, **kwargs)
    assert error.value.code == code, error.value
    return error.value.messages[0]


# --- Rooms ---------------------------------------------------------------------------------------


def test_every_group_has_a_room_and_every_round_a_thread(
    setup, supplier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        round = make_round(setup, supplier, [make_product(supplier)])
    assert ChatRoom.objects.filter(group=setup.group, round__isnull=True).count() == 1
    thread = reads.round_room(round=round)
    assert thread.group_id == setup.group.pk and thread.last_seq == 1  # "round opened"


# --- Messages ----------------------------------------------------------------------------------


def test_every_event_takes_the_next_number(setup, room, member):
    _family, user = member
    first = send(room, user, "prima")
    second = send(room, setup.coordinator, "seconda")
    services.chat_message_edit(room=room, user=user, message_id=first.pk, body="prima!")
    services.chat_message_pin(room=room, user=setup.coordinator, message_id=second.pk, pinned=True)
    services.chat_message_delete(room=room, user=user, message_id=first.pk)
    assert seqs(room) == [1, 2, 3, 4, 5]
    assert list(ChatEvent.objects.filter(room=room).values_list("kind", flat=True)) == [
        "message",
        "message",
        "edit",
        "pin",
        "delete",
    ]
    room.refresh_from_db()
    assert room.last_seq == 5
    assert (first.seq, second.seq) == (1, 2)


def test_a_retried_send_returns_the_saved_message(room, member):
    _family, user = member
    client_id = uuid.uuid4()
    first = services.chat_message_send(room=room, user=user, body="ciao", client_id=client_id)
    again = services.chat_message_send(room=room, user=user, body="ciao", client_id=str(client_id))
    assert first.created and not again.created
    assert again.message.pk == first.message.pk
    assert ChatMessage.objects.filter(room=room).count() == 1 and seqs(room) == [1]


def test_the_same_client_id_from_another_person_is_another_message(setup, room, member):
    client_id = uuid.uuid4()
    send(room, member[1], client_id=client_id)
    send(room, setup.coordinator, client_id=client_id)
    assert ChatMessage.objects.filter(room=room).count() == 2


def test_bad_input_saves_nothing(setup, room, member, supplier):
    _family, user = member
    other = make_group()
    other_supplier = make_supplier(other)
    other_round = make_round(other, other_supplier, [make_product(other_supplier)])
    refused("empty", send, room, user, "   ")
    refused("too_long", send, room, user, "x" * 2001)
    refused("invalid_client_id", send, room, user, client_id="not-a-uuid")
    refused("invalid_attachment", send, room, user, attach={"kind": "round", "id": other_round.pk})
    refused("invalid_attachment", send, room, user, attach={"kind": "product", "id": 10**9})
    assert ChatMessage.objects.filter(room=room).count() == 0
    room.refresh_from_db()
    assert room.last_seq == 0


def test_who_may_post(setup, room, people):
    staff = UserFactory(is_staff=True, full_name="")
    for role in ("member", "coordinator"):
        send(room, people[role])
    send(room, staff, "dallo staff della rete")
    for role in ("non_member", "other_group_member"):
        message = refused("not_member", send, room, people[role])
        assert "Non fai parte di questo gruppo" in message
    inactive = people["member"]
    inactive.is_active = False
    refused("not_member", send, room, inactive)
    assert ChatMessage.objects.filter(room=room).count() == 3
    assert ChatMessage.objects.get(author=staff).author_name == "Staff della rete"


def test_names_are_never_email_addresses(setup, room, member):
    _family, user = member
    message = send(room, user)
    assert message.author_name == "Famiglia Rossi" and "@" not in message.author_name
    user.full_name = "Maria Rossi"
    user.save()
    assert send(room, user).author_name == "Maria Rossi"


@override_settings(GAF_CHAT_SEND_RATE="3/m")
def test_senders_are_rate_limited(room, member):
    _family, user = member
    for _n in range(3):
        send(room, user)
    message = refused("rate_limited", send, room, user)
    assert message.startswith("Stai scrivendo troppo in fretta")
    assert ChatMessage.objects.filter(room=room).count() == 3


def test_a_message_costs_a_fixed_few_queries(room, member):
    """Each query of a send is a wait for the database, and all the room's sockets wait
    for the send (bench/chat_fanout.py): the number, the retry check, the message, its
    event; the author's name is theirs, without reading their family."""
    _family, user = member
    user.full_name = "Maria Rossi"
    send(room, user, "primo")  # the person's memberships, read once per frame
    with CaptureQueriesContext(connection) as captured:
        send(room, user, "ciao", client_id="00000000-0000-4000-8000-00000000000a")
    statements = [
        query["sql"].split()[0]
        for query in captured.captured_queries
        if "SAVEPOINT" not in query["sql"]
    ]
    assert statements == ["UPDATE", "SELECT", "INSERT", "INSERT"], captured.captured_queries


@override_settings(GAF_CHAT_SEND_RATE="2/m")
def test_a_retry_is_not_counted_and_a_refusal_leaves_no_gap(room, member, setup):
    _family, user = member
    first = send(room, user, "uno", client_id="00000000-0000-4000-8000-000000000001")
    send(room, user, "due")
    # The first message again (its reply was lost): the one saved, not "slow down".
    again = send(room, user, "uno", client_id="00000000-0000-4000-8000-000000000001")
    assert again.pk == first.pk
    refused("rate_limited", send, room, user, "tre")
    room.refresh_from_db()
    assert room.last_seq == 2 and seqs(room) == [1, 2]
    assert send(room, setup.coordinator, "quattro").seq == 3


def test_edit_own_messages_only(setup, room, member):
    _family, user = member
    mine = send(room, user, "prima")
    theirs = send(room, setup.coordinator, "del coordinatore")
    refused(
        "forbidden",
        services.chat_message_edit,
        room=room,
        user=user,
        message_id=theirs.pk,
        body="x",
    )
    refused(
        "not_found", services.chat_message_edit, room=room, user=user, message_id=10**9, body="x"
    )
    edited = services.chat_message_edit(room=room, user=user, message_id=mine.pk, body="dopo")
    assert edited.body == "dopo" and edited.edited_at is not None
    # The same text again changes nothing (no event).
    services.chat_message_edit(room=room, user=user, message_id=mine.pk, body="dopo")
    assert seqs(room) == [1, 2, 3]


def test_ids_from_another_room_are_not_found(setup, room, member, supplier):
    _family, user = member
    round = make_round(setup, supplier, [make_product(supplier)])
    thread = reads.round_room(round=round)
    elsewhere = send(thread, user, "nel giro")
    for call, extra in (
        (services.chat_message_edit, {"body": "x"}),
        (services.chat_message_delete, {}),
    ):
        refused("not_found", call, room=room, user=user, message_id=elsewhere.pk, **extra)
    refused(
        "not_found",
        services.chat_message_pin,
        room=room,
        user=setup.coordinator,
        message_id=elsewhere.pk,
        pinned=True,
    )
    assert ChatMessage.objects.get(pk=elsewhere.pk).body == "nel giro"


def test_deletion_leaves_a_tombstone_and_coordinators_delete_any(setup, room, member, people):
    _family, user = member
    own = send(room, user, "sbagliato")
    theirs = send(room, setup.coordinator, "del coordinatore")
    rude = send(room, user, "maleducato")
    refused("forbidden", services.chat_message_delete, room=room, user=user, message_id=theirs.pk)
    services.chat_message_delete(room=room, user=user, message_id=own.pk)
    services.chat_message_delete(room=room, user=setup.coordinator, message_id=rude.pk)
    own.refresh_from_db()
    rude.refresh_from_db()
    assert (own.body, own.removed_by_moderator, own.is_deleted) == ("", False, True)
    assert (rude.body, rude.removed_by_moderator) == ("", True)
    payload = reads.message_payload(rude)
    assert payload["deleted"] and payload["removed_by_moderator"] and payload["parts"] == []
    # Deleting again, or editing a tombstone, changes nothing.
    services.chat_message_delete(room=room, user=user, message_id=own.pk)
    refused(
        "deleted", services.chat_message_edit, room=room, user=user, message_id=own.pk, body="x"
    )
    assert seqs(room) == [1, 2, 3, 4, 5]


def test_coordinators_pin_messages(setup, room, member):
    _family, user = member
    instructions = send(room, setup.coordinator, "Ritiro sabato dalle 10 in oratorio")
    refused(
        "forbidden",
        services.chat_message_pin,
        room=room,
        user=user,
        message_id=instructions.pk,
        pinned=True,
    )
    services.chat_message_pin(
        room=room, user=setup.coordinator, message_id=instructions.pk, pinned=True
    )
    assert [m.pk for m in reads.pinned_messages(room=room)] == [instructions.pk]
    services.chat_message_pin(
        room=room, user=setup.coordinator, message_id=instructions.pk, pinned=False
    )
    assert reads.pinned_messages(room=room) == []
    assert list(ChatEvent.objects.filter(room=room).values_list("kind", flat=True)) == [
        "message",
        "pin",
        "unpin",
    ]


def test_mentions_are_kept_with_the_names_shown(setup, room, member):
    _family, user = member
    message = send(room, setup.coordinator, "@famiglia rossi il tuo ordine è pronto")
    assert message.mentions == [{"user": user.pk, "name": "Famiglia Rossi"}]
    payload = reads.message_payload(message)
    assert payload["mentions"] == [user.pk]
    assert payload["parts"][0] == {
        "mention": "famiglia rossi",
        "users": [user.pk],
        "text": "@famiglia rossi",
    }


def test_a_product_or_a_round_attached_as_a_rich_link(setup, room, member, supplier):
    apples = make_product(supplier, name="Mele", unit="kg", unit_price=D("2.40"))
    round = make_round(setup, supplier, [apples], title="Giro delle mele")
    product = RoundProduct.objects.get(round=round)
    _family, user = member
    with_product = send(room, user, "queste!", attach={"kind": "product", "id": product.pk})
    with_round = send(room, user, "ordinate", attach={"kind": "round", "id": round.pk})
    attachment = reads.message_payload(with_product)["attachment"]
    assert attachment["title"] == "Mele" and attachment["url"].endswith(f"#product-{product.pk}")
    assert "2,40 € / kg" in attachment["subtitle"]
    assert reads.message_payload(with_round)["attachment"]["title"] == "Giro delle mele"


def test_the_broadcast_leaves_after_the_commit_with_the_event(
    room, member, django_capture_on_commit_callbacks
):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(chat_group(room.pk), channel)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = send(room, member[1], "ciao https://esempio.it")
    assert callbacks  # nothing left before the commit
    for callback in callbacks:
        callback()
    doorbell = async_to_sync(layer.receive)(channel)
    assert doorbell["type"] == "chat.event" and doorbell["seq"] == 1
    assert doorbell["localised"] is False
    event = json.loads(doorbell["text"])
    assert (event["type"], event["id"], event["kind"]) == ("event", 1, "message")
    assert event["message"]["id"] == message.pk
    assert event["message"]["parts"][1] == {
        "link": "https://esempio.it",
        "text": "https://esempio.it",
    }


# --- Reading -------------------------------------------------------------------------------------


def test_unread_counts_per_room_and_read_marks_never_move_back(
    setup, room, member, supplier, django_capture_on_commit_callbacks
):
    _family, user = member
    with django_capture_on_commit_callbacks(execute=True):
        round = make_round(setup, supplier, [make_product(supplier)])
    thread = reads.round_room(round=round)
    for text in ("uno", "due", "tre"):
        send(room, setup.coordinator, text)
    send(room, user, "mio")  # one's own messages are never unread
    deleted = send(thread, setup.coordinator, "ops")
    services.chat_message_delete(room=thread, user=setup.coordinator, message_id=deleted.pk)
    counts = reads.unread_counts(user=user, groups=[setup.group])
    assert counts == {(setup.group.pk, None): 3, (setup.group.pk, round.pk): 1}  # "opened"
    services.chat_mark_read(room=room, user=user, seq=2)
    services.chat_mark_read(room=room, user=user, seq=1)
    assert reads.last_read(room=room, user=user) == 2
    assert reads.unread_counts(user=user, groups=[setup.group])[(setup.group.pk, None)] == 1
    refused("future", services.chat_mark_read, room=room, user=user, seq=99)


def test_history_pages_backwards_and_events_forwards(room, member, django_assert_num_queries):
    _family, user = member
    messages = [send(room, user, f"messaggio {n}") for n in range(7)]
    services.chat_message_edit(room=room, user=user, message_id=messages[0].pk, body="cambiato")
    with django_assert_num_queries(1):
        page, older = reads.messages_before(room=room, limit=3)
    assert [m.body for m in page] == ["messaggio 4", "messaggio 5", "messaggio 6"] and older
    page, older = reads.messages_before(room=room, before=page[0].seq, limit=5)
    assert [m.seq for m in page] == [1, 2, 3, 4] and not older
    with django_assert_num_queries(1):
        events = reads.events_after(room=room, after=5, limit=10)
    assert [e.seq for e in events] == [6, 7, 8]
    assert reads.event_payload(events[-1])["message"]["text"] == "cambiato"


def test_presence_expires(room, member):
    _family, user = member
    now = timezone.now()
    services.chat_presence_enter(room=room, user_id=user.pk, channel_name="a", now=now)
    services.chat_presence_enter(room=room, user_id=user.pk, channel_name="b", now=now)
    assert reads.online_people(room=room, now=now) == [{"id": user.pk, "name": "Famiglia Rossi"}]
    services.chat_presence_leave(channel_name="a")
    assert len(reads.online_people(room=room, now=now)) == 1  # the other tab is still open
    later = now + dt.timedelta(seconds=61)
    assert reads.online_people(room=room, now=later) == []
    services.chat_presence_refresh(channel_name="b", now=later)
    assert len(reads.online_people(room=room, now=later)) == 1
    services.chat_presence_enter(
        room=room, user_id=user.pk, channel_name="c", now=later + dt.timedelta(seconds=61)
    )
    assert list(ChatPresence.objects.values_list("channel_name", flat=True)) == ["c"]


# --- Removal -------------------------------------------------------------------------------------


def test_removing_a_family_revokes_its_sockets_after_commit(
    setup, room, member, django_capture_on_commit_callbacks
):
    family, user = member
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(user.pk), channel)
    membership = GroupMembership.objects.get(group=setup.group, family=family)
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_remove(membership=membership, by=setup.coordinator)
    assert async_to_sync(layer.receive)(channel) == {
        "type": "access.revoked",
        "scope": group_access_scope(setup.group.pk),
    }
    refused("not_member", send, room, user)


def test_the_last_coordinator_and_a_family_with_an_open_order_stay(setup, member, supplier):
    family, user = member
    product = make_product(supplier)
    round = make_round(setup, supplier, [product])
    services.order_set_quantities(
        round=round,
        family=family,
        lines=[LineInput(RoundProduct.objects.get(round=round).pk, 1)],
        by_user=user,
        now=DURING,
    )
    coordinator = GroupMembership.objects.get(group=setup.group, is_coordinator=True)
    refused("last_coordinator", services.membership_remove, membership=coordinator, by=None)
    membership = GroupMembership.objects.get(group=setup.group, family=family)
    refused("has_open_order", services.membership_remove, membership=membership, by=None)
    assert GroupMembership.objects.filter(group=setup.group).count() == 2


# --- System messages ------------------------------------------------------------------------


def texts(thread):
    return [
        (m.system_kind, reads.message_payload(m)["text"])
        for m in ChatMessage.objects.filter(room=thread, system_kind__gt="").order_by("seq")
    ]


def test_the_round_tells_its_thread_what_happens(setup, member, django_capture_on_commit_callbacks):
    family, user = member
    other_family, other_user = make_member(setup, name="Famiglia Bianchi")
    supplier = make_supplier(setup)
    apples = make_product(
        supplier,
        name="Mele",
        unit="kg",
        unit_price=D("2.40"),
        case_size=D("6"),
        tiers=[services.Tier(D("12"), D("2.10"))],
    )
    with django_capture_on_commit_callbacks(execute=True):
        round = make_round(setup, supplier, [apples])
    thread = reads.round_room(round=round)
    apple = RoundProduct.objects.get(round=round)

    def order(who, firm):
        with django_capture_on_commit_callbacks(execute=True):
            services.order_set_quantity(
                round=round,
                family=who[0],
                round_product=apple,
                firm=firm,
                by_user=who[1],
                now=DURING,
            )

    order((family, user), "4")
    order((other_family, other_user), "2")  # 6 kg: the first case
    order((other_family, other_user), "3")
    order((other_family, other_user), "2")  # back to 6: the first case again, not re-posted
    order((family, user), "10")  # 12 kg: two cases, and the 12 kg tier
    with django_capture_on_commit_callbacks(execute=True):
        assert services.round_last_hour_announce(round=round, now=rome(2026, 10, 25, 19, 1))
        assert services.round_last_hour_announce(round=round, now=rome(2026, 10, 25, 19, 2))
        assert not services.round_last_hour_announce(round=round, now=rome(2026, 10, 25, 17))
    with django_capture_on_commit_callbacks(execute=True):
        services.round_close(round=round, by=setup.coordinator, now=rome(2026, 10, 25, 20, 1))
        services.round_send_to_supplier(round=round, by=setup.coordinator)
    line = round.orders.get(family=family).lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_record(round=round, quantities={}, by=setup.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_record(round=round, quantities={line.pk: D("9")}, by=setup.coordinator)
        # The same record again changes nothing, and says nothing.
        services.delivery_record(round=round, quantities={line.pk: D("9")}, by=setup.coordinator)
    assert texts(thread) == [
        (
            SystemKind.ROUND_OPENED,
            "Il giro è aperto: si può ordinare fino a domenica 25 ottobre 2026, 20:00.",
        ),
        (SystemKind.CASE_FILLED, "Mele: 1 collo completo (6 kg)."),
        (SystemKind.CASE_FILLED, "Mele: 2 colli completi (12 kg)."),
        (SystemKind.TIER_REACHED, "Mele: raggiunto lo scaglione da 12 kg, ora 2,10 € per kg."),
        (SystemKind.LAST_HOUR, "Manca un'ora alla chiusura degli ordini (alle 20:00)."),
        (
            SystemKind.ROUND_CLOSED,
            "Il giro è chiuso: le quantità sono state assegnate alle famiglie.",
        ),
        (
            SystemKind.DELIVERY_RECORDED,
            "Consegna registrata: ogni famiglia trova il suo conto nella pagina del giro.",
        ),
        (
            SystemKind.ALLOCATION_CHANGED,
            "Assegnazioni aggiornate: è cambiato il totale di 1 famiglia.",
        ),
    ]
    assert seqs(thread) == list(range(1, 9))


def test_a_save_works_out_the_rounds_state_once_for_the_pages_and_the_thread(
    setup, supplier, django_capture_on_commit_callbacks
):
    """The cases filled and tiers reached are read from the state sent to the order pages:
    working the whole round out a second time, in the request, after each save, delayed
    the response and the pages' state behind it (bench/round_fanout.py)."""
    apples = make_product(supplier, name="Mele", unit="kg", case_size=D("6"))
    with django_capture_on_commit_callbacks(execute=True):
        round = make_round(setup, supplier, [apples])
    apple = RoundProduct.objects.get(round=round)
    family, user = make_member(setup, name="Famiglia Rossi")
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.order_set_quantity(
            round=round, family=family, round_product=apple, firm="6", by_user=user, now=DURING
        )
    history_reads = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().startswith("SELECT") and '"gaf_orderchange"' in query["sql"]
    ]
    assert len(history_reads) == 1, history_reads
    thread = reads.round_room(round=round)
    assert ChatMessage.objects.filter(room=thread, system_kind=SystemKind.CASE_FILLED).count() == 1


def test_a_rerun_task_posts_once(setup, supplier, django_capture_on_commit_callbacks):
    from gaf import tasks

    with django_capture_on_commit_callbacks(execute=True):
        round = make_round(setup, supplier, [make_product(supplier)])
    round.closes_at = timezone.now() + dt.timedelta(minutes=59)
    round.save(update_fields=["closes_at"])
    assert tasks.announce_last_hour(round.pk) and tasks.announce_last_hour(round.pk)
    thread = reads.round_room(round=round)
    assert ChatMessage.objects.filter(room=thread, system_kind=SystemKind.LAST_HOUR).count() == 1


def test_system_messages_read_in_the_readers_language(
    setup, supplier, django_capture_on_commit_callbacks
):
    from django.utils import translation

    with django_capture_on_commit_callbacks(execute=True):
        round = make_round(setup, supplier, [make_product(supplier)])
    (message,) = ChatMessage.objects.filter(room__round=round)
    with translation.override("en"):
        text = reads.message_payload(message)["text"]
    assert text.startswith("The round is open")


def test_a_non_member_family_user_without_family_is_refused(setup, room):
    _family, outsider = make_family(municipality=setup.municipality)
    refused("not_member", send, room, outsider)


# --- Mentions reach the notification centre -------------------------------------------------


def test_a_mention_notifies_the_person_once(
    setup, room, member, django_capture_on_commit_callbacks
):
    from hub.notifications.models import Notification

    _family, user = member
    _other_family, other = make_member(setup, name="Famiglia Bianchi")
    with django_capture_on_commit_callbacks(execute=True):
        message = send(room, setup.coordinator, "@Famiglia Rossi e @famiglia bianchi: sabato!")
        services.chat_message_edit(
            room=room,
            user=setup.coordinator,
            message_id=message.pk,
            body="@Famiglia Rossi e @famiglia bianchi: domenica!",
        )
        send(room, user, "Ci sono, grazie @Famiglia Rossi")  # oneself: no notification
    notes = Notification.objects.filter(kind="gaf.mention").order_by("user_id")
    assert [(n.user_id, n.key) for n in notes] == [
        (user.pk, f"gaf.mention:{message.pk}"),
        (other.pk, f"gaf.mention:{message.pk}"),
    ]
    note = notes[0]
    assert note.title == f"Famiglia Coordinatrice ti ha menzionato nella chat «{setup.group.name}»"
    assert note.body == "@Famiglia Rossi e @famiglia bianchi: sabato!"
    assert note.url == f"/gaf/{setup.group.slug}/chat/#msg-{message.pk}"
    assert (note.place, note.place_label) == (f"gaf:group:{setup.group.pk}", setup.group.name)
    assert note.actor_id == setup.coordinator.pk


def test_a_mention_cannot_be_turned_off_nor_wait_for_a_digest():
    from hub.notifications.registry import Delivery, get_kind

    kind = get_kind("gaf.mention")
    assert kind.always and kind.immediate
    assert set(dict(kind.choices)) == {Delivery.EMAIL, Delivery.INBOX}
