"""Writes of the chat: messages, edits, deletions, pins, system messages, reads, presence.

Every room event takes the room's next number with the room row locked, in the
transaction that writes it (`_take_seq`, `_next_seq`), so numbers are gap-free and commit in order;
the event is broadcast to the room's sockets only after the commit, with the message as
clients show it (the channel layer may drop it: clients that notice a gap ask for what
they missed, and the database has it).

A send carries the sender's own id for the message (a UUID): sending it again returns
the message already saved instead of a second one. Senders are rate-limited
(settings.GAF_CHAT_SEND_RATE, counted in the cache). Errors are ValidationError with a code:
empty, too_long, invalid_body, invalid_client_id, rate_limited, not_member, not_found,
forbidden, deleted, invalid_attachment, future.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gaf import rules
from gaf.chat_text import BodyError, clean_body, find_mentions
from gaf.live import chat_group
from gaf.models import (
    ChatEvent,
    ChatEventKind,
    ChatMessage,
    ChatPresence,
    ChatReadState,
    ChatRoom,
    OrderRound,
    PurchaseGroup,
    RoundProduct,
    SystemKind,
)
from gaf.selectors.chat import event_doorbell, person_name, room_members, room_path
from hub import notifications
from hub.abuse import Rate, within_rate
from hub.websocket import broadcast_on_commit

logger = logging.getLogger(__name__)

PRESENCE_TTL = dt.timedelta(seconds=60)
MENTION_KIND = "gaf.mention"


def fail(code: str, message: str):
    raise ValidationError(message, code=code)


@dataclass(frozen=True)
class SendResult:
    message: ChatMessage
    created: bool  # False: the same client id was sent before (a retry)


# --- Rooms ----------------------------------------------------------------------------------


def room_create_for_group(*, group: PurchaseGroup) -> ChatRoom:
    return ChatRoom.objects.create(group=group)


def room_create_for_round(*, round: OrderRound) -> ChatRoom:
    return ChatRoom.objects.create(group_id=round.group_id, round=round)


def _lock_room(room_id: int) -> ChatRoom:
    return ChatRoom.objects.select_for_update().get(pk=room_id)


def _take_seq(room: ChatRoom) -> int:
    """The room's next event number; the caller holds the room row's lock."""
    room.last_seq += 1
    room.save(update_fields=["last_seq"])
    return room.last_seq


def _next_seq(room_id: int) -> int:
    """The room's next event number, taken in one statement that also locks the room row
    until the transaction ends (a new message's path: one round trip instead of a locking
    read and a write). A rollback gives the number back."""
    table = connection.ops.quote_name(ChatRoom._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_seq = last_seq + 1 WHERE id = %s RETURNING last_seq",  # noqa: S608 - the model's own table, quoted
            [room_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise ChatRoom.DoesNotExist(f"chat room {room_id}")
    return row[0]


def _record(room: ChatRoom, kind: str, message: ChatMessage, now: dt.datetime) -> ChatEvent:
    """A change of `message` as the room's next event, broadcast after the commit."""
    event = ChatEvent.objects.create(
        room=room, seq=_take_seq(room), kind=kind, message=message, created_at=now
    )
    _broadcast(event)
    return event


def _broadcast(event: ChatEvent) -> None:
    broadcast_on_commit(chat_group(event.room_id), event_doorbell(event))


# --- Checks ---------------------------------------------------------------------------------


def _check_reader(user, room: ChatRoom) -> None:
    if not rules.can_read_room(user, room):
        fail("not_member", _("Non fai parte di questo gruppo: non puoi scrivere in questa chat."))


def _body(text) -> str:
    try:
        return clean_body(text)
    except BodyError as error:
        fail(error.code, error.message)


def _client_id(value) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        fail("invalid_client_id", _("Identificativo del messaggio non valido."))


def _check_rate(user) -> None:
    rate = Rate.parse(settings.GAF_CHAT_SEND_RATE)
    try:
        allowed = within_rate(f"gaf-chat:{user.pk}", rate)
    except Exception:
        # Signed-in members: a cache outage must not silence the group (hub.throttling).
        logger.warning("chat rate limit: cache unavailable, letting the message through")
        return
    if not allowed:
        fail(
            "rate_limited",
            _("Stai scrivendo troppo in fretta: aspetta qualche secondo e riprova."),
        )


def _mentions(room: ChatRoom, body: str, author_id: int | None) -> list[dict]:
    if "@" not in body:
        return []  # most messages: the members are not even read
    members = room_members(room=room)
    found = {}
    for mention in find_mentions(body, members):
        for user_id in mention.user_ids:
            if user_id != author_id:
                found[user_id] = members[user_id]
    return [{"user": user_id, "name": name} for user_id, name in sorted(found.items())]


def _attachments(room: ChatRoom, attach: dict | None) -> dict:
    if not attach:
        return {}
    kind, object_id = attach.get("kind"), attach.get("id")
    if kind == "round":
        round = (
            OrderRound.objects.filter(pk=object_id, group_id=room.group_id)
            .exclude(state="draft")
            .first()
        )
        if round is not None:
            return {"attached_round": round}
    elif kind == "product":
        product = (
            RoundProduct.objects.filter(pk=object_id, round__group_id=room.group_id)
            .exclude(round__state="draft")
            .first()
        )
        if product is not None:
            return {"attached_product": product}
    fail("invalid_attachment", _("Il giro o il prodotto allegato non è di questo gruppo."))


def _notify_mentions(room: ChatRoom, message: ChatMessage, user_ids: list[int], author) -> None:
    """Tell the people @mentioned (hub.notifications, kind gaf.mention: always notified).

    In the message's transaction: the notification exists if and only if the message does.
    The key names the message, so an edit that mentions someone again tells them once.
    """
    if not user_ids:
        return
    group = room.group
    where = room.round.title if room.round_id is not None else group.name
    notifications.notify(
        users=user_ids,
        kind=MENTION_KIND,
        title=_("%(name)s ti ha menzionato nella chat «%(where)s»")
        % {"name": message.author_name, "where": where},
        body=message.body,
        url=f"{room_path(room)}#msg-{message.pk}",
        place=f"gaf:group:{group.pk}",
        place_label=group.name,
        actor=author,
        key=f"gaf.mention:{message.pk}",
    )


# --- Messages -------------------------------------------------------------------------------


def chat_message_send(
    *,
    room: ChatRoom,
    user,
    body: str,
    client_id: uuid.UUID | str | None = None,
    attach: dict | None = None,
    now: dt.datetime | None = None,
) -> SendResult:
    """Post a message; with a `client_id` already used by this person here, the one saved."""
    body = _body(body)
    client_id = _client_id(client_id)
    _check_reader(user, room)
    return _send(room=room, user=user, body=body, client_id=client_id, attach=attach, now=now)


@transaction.atomic
def _send(*, room, user, body, client_id, attach, now) -> SendResult:
    now = now or timezone.now()
    # Taken first, the number holds the room's lock: a retry of the same message racing
    # the first finds it below, and the number goes back with the rollback.
    seq = _next_seq(room.pk)
    if client_id is not None:
        existing = ChatMessage.objects.filter(room=room, author=user, client_id=client_id).first()
        if existing is not None:
            transaction.set_rollback(True)
            return SendResult(existing, False)
    _check_rate(user)  # a retry is not counted; a refusal rolls the number back
    extra = _attachments(room, attach)
    mentions = _mentions(room, body, user.pk)
    message = ChatMessage.objects.create(
        room=room,
        seq=seq,
        author=user,
        author_name=person_name(user=user),
        client_id=client_id,
        body=body,
        mentions=mentions,
        created_at=now,
        **extra,
    )
    _broadcast(
        ChatEvent.objects.create(
            room=room, seq=seq, kind=ChatEventKind.MESSAGE, message=message, created_at=now
        )
    )
    _notify_mentions(room, message, [mention["user"] for mention in mentions], user)
    return SendResult(message, True)


def _locked_message(room: ChatRoom, message_id: int) -> tuple[ChatRoom, ChatMessage]:
    locked = _lock_room(room.pk)
    message = (
        ChatMessage.objects.select_for_update().filter(pk=message_id, room=locked).first()
        if isinstance(message_id, int)
        else None
    )
    if message is None:
        fail("not_found", _("Messaggio non trovato in questa chat."))
    return locked, message


@transaction.atomic
def chat_message_edit(
    *, room: ChatRoom, user, message_id: int, body: str, now: dt.datetime | None = None
) -> ChatMessage:
    """Change one's own message (not a deleted one); the same text changes nothing."""
    body = _body(body)
    _check_reader(user, room)
    now = now or timezone.now()
    locked, message = _locked_message(room, message_id)
    if message.is_deleted:
        fail("deleted", _("Il messaggio è stato eliminato."))
    if not rules.can_edit_message(user, message):
        fail("forbidden", _("Puoi modificare solo i tuoi messaggi."))
    if message.body == body:
        return message
    previous = {mention["user"] for mention in message.mentions}
    message.body = body
    message.mentions = _mentions(room, body, user.pk)
    message.edited_at = now
    message.save(update_fields=["body", "mentions", "edited_at"])
    _record(locked, ChatEventKind.EDIT, message, now)
    _notify_mentions(
        room, message, [m["user"] for m in message.mentions if m["user"] not in previous], user
    )
    return message


@transaction.atomic
def chat_message_delete(
    *, room: ChatRoom, user, message_id: int, now: dt.datetime | None = None
) -> ChatMessage:
    """Delete one's own message, or (coordinators, staff) anyone's: a tombstone remains.

    Its text is erased; deleting it again changes nothing.
    """
    _check_reader(user, room)
    now = now or timezone.now()
    locked, message = _locked_message(room, message_id)
    if message.is_deleted:
        return message
    if not rules.can_delete_message(user, message, room):
        fail("forbidden", _("Puoi eliminare solo i tuoi messaggi."))
    message.deleted_at = now
    message.removed_by_moderator = message.author_id != user.pk
    message.body = ""
    message.mentions = []
    message.pinned_at = None
    message.pinned_by = None
    message.save(
        update_fields=[
            "deleted_at",
            "removed_by_moderator",
            "body",
            "mentions",
            "pinned_at",
            "pinned_by",
        ]
    )
    _record(locked, ChatEventKind.DELETE, message, now)
    return message


@transaction.atomic
def chat_message_pin(
    *, room: ChatRoom, user, message_id: int, pinned: bool, now: dt.datetime | None = None
) -> ChatMessage:
    """Pin a message at the top of the room (delivery instructions), or unpin it."""
    _check_reader(user, room)
    if not rules.can_moderate_room(user, room):
        fail("forbidden", _("Solo chi coordina il gruppo può fissare i messaggi."))
    now = now or timezone.now()
    locked, message = _locked_message(room, message_id)
    if message.is_deleted:
        fail("deleted", _("Il messaggio è stato eliminato."))
    if (message.pinned_at is not None) == pinned:
        return message
    message.pinned_at = now if pinned else None
    message.pinned_by = user if pinned else None
    message.save(update_fields=["pinned_at", "pinned_by"])
    kind = ChatEventKind.PIN if pinned else ChatEventKind.UNPIN
    _record(locked, kind, message, now)
    return message


@transaction.atomic
def chat_system_post(
    *,
    room: ChatRoom,
    kind: str,
    key: str,
    data: dict | None = None,
    now: dt.datetime | None = None,
) -> ChatMessage | None:
    """Post the hub's own message of `kind` once per `key` in the room (None: already there)."""
    if kind not in SystemKind.values:
        raise ValueError(f"unknown system message kind {kind!r}")
    now = now or timezone.now()
    locked = _lock_room(room.pk)
    if ChatMessage.objects.filter(room=locked, system_key=key).exists():
        return None
    seq = _take_seq(locked)
    message = ChatMessage.objects.create(
        room=locked,
        seq=seq,
        system_kind=kind,
        system_data=data or {},
        system_key=key,
        created_at=now,
    )
    _broadcast(
        ChatEvent.objects.create(
            room=locked, seq=seq, kind=ChatEventKind.SYSTEM, message=message, created_at=now
        )
    )
    return message


def chat_round_announce(
    *, round_id: int, kind: str, key: str, data: dict | None = None
) -> ChatMessage | None:
    """Post a system message in a round's thread once per key (None: already posted)."""
    room = ChatRoom.objects.filter(round_id=round_id).first()
    if room is None:
        return None
    return chat_system_post(room=room, kind=kind, key=key, data=data)


def chat_round_announce_on_commit(
    round: OrderRound, kind: str, key: str, data: dict | None = None
) -> None:
    """Once the round's change is committed, announce it in the round's thread.

    After the commit, in a transaction of its own: the round's transaction never waits for
    the room's lock, and a failure here is logged without undoing the round's change.
    """
    round_id = round.pk
    transaction.on_commit(
        lambda: chat_round_announce(round_id=round_id, kind=kind, key=key, data=data), robust=True
    )


# --- Reading and presence -------------------------------------------------------------------


def chat_mark_read(*, room: ChatRoom, user, seq: int) -> int:
    """The person has read the room up to event `seq` (never moves back); the new mark."""
    _check_reader(user, room)
    last = ChatRoom.objects.filter(pk=room.pk).values_list("last_seq", flat=True).first() or 0
    if seq > last:
        fail("future", _("Questo messaggio non esiste ancora."))
    moved = ChatReadState.objects.filter(room=room, user=user, last_read_seq__lt=seq).update(
        last_read_seq=seq, updated_at=timezone.now()
    )
    if not moved:
        ChatReadState.objects.get_or_create(room=room, user=user, defaults={"last_read_seq": seq})
    return max(seq, 0)


def chat_presence_enter(
    *, room: ChatRoom, user_id: int, channel_name: str, now: dt.datetime | None = None
) -> None:
    now = now or timezone.now()
    ChatPresence.objects.update_or_create(
        channel_name=channel_name,
        defaults={"room": room, "user_id": user_id, "expires_at": now + PRESENCE_TTL},
    )
    # Sockets that vanished without saying so (a server that died) are forgotten here.
    ChatPresence.objects.filter(room=room, expires_at__lte=now).delete()


def chat_presence_refresh(*, channel_name: str, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return bool(
        ChatPresence.objects.filter(channel_name=channel_name).update(expires_at=now + PRESENCE_TTL)
    )


def chat_presence_leave(*, channel_name: str) -> None:
    ChatPresence.objects.filter(channel_name=channel_name).delete()
