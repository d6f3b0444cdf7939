"""Reads of the chat, each with a fixed number of queries, and a message as the clients get it.

`message_payload` is the one shape of a message for the socket, the JSON history and the
broadcasts: plain data and text parts (gaf.chat_text), never HTML. System messages are
written out in the active language (gaf.chat_system).
"""

from __future__ import annotations

import datetime as dt
import json

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from gaf.chat_system import system_text
from gaf.chat_text import parts
from gaf.models import (
    ChatEvent,
    ChatMessage,
    ChatPresence,
    ChatReadState,
    ChatRoom,
    OrderRound,
    PurchaseGroup,
    RoundState,
)
from gaf.units import unit_text
from hub.dates import day_and_time, short_date, time_of_day
from hub.formatting import euro
from hub.models import FamilyMember

PAGE = 50
_ATTACHMENTS = (
    "attached_round__group",
    "attached_round__supplier",
    "attached_product__round__group",
)


# --- Rooms ----------------------------------------------------------------------------------


def room_by_id(*, room_id: int) -> ChatRoom | None:
    return ChatRoom.objects.select_related("group", "round").filter(pk=room_id).first()


def group_room(*, group: PurchaseGroup) -> ChatRoom | None:
    room = ChatRoom.objects.filter(group=group, round__isnull=True).first()
    if room is not None:
        room.group = group
    return room


def round_room(*, round: OrderRound) -> ChatRoom | None:
    room = ChatRoom.objects.filter(round=round).first()
    if room is not None:
        room.round, room.group = round, round.group
    return room


def room_path(room: ChatRoom) -> str:
    """The room's own page (a round's thread also shows on the round's order page)."""
    if room.round_id is None:
        return reverse("gaf:chat", kwargs={"group_slug": room.group.slug})
    return reverse(
        "gaf:round_chat", kwargs={"group_slug": room.group.slug, "round_id": room.round_id}
    )


def chat_name(full_name: str, family_name: str | None) -> str:
    """How the chat names a person: their name, else their family's (never the e-mail)."""
    return full_name.strip() or (family_name or "").strip() or _("Staff della rete")


def person_name(*, user) -> str:
    if user.full_name.strip():
        return chat_name(user.full_name, None)  # the family's name is not needed: no query
    row = (
        FamilyMember.objects.filter(user=user).values_list("family__name", flat=True).first()
        if user.pk
        else None
    )
    return chat_name(user.full_name, row)


def room_members(*, room: ChatRoom) -> dict[int, str]:
    """The people of the room's group (user id → name shown): whom one can @mention."""
    rows = FamilyMember.objects.filter(
        family__gaf_memberships__group_id=room.group_id, user__is_active=True
    ).values_list("user_id", "user__full_name", "family__name")
    return {user_id: chat_name(full_name, family) for user_id, full_name, family in rows}


# --- Messages and events --------------------------------------------------------------------


def _attachment(message: ChatMessage) -> dict | None:
    if message.attached_product_id and message.attached_product is not None:
        product = message.attached_product
        round = product.round
        url = reverse("gaf:round", kwargs={"group_slug": round.group.slug, "round_id": round.pk})
        return {
            "kind": "product",
            "id": product.pk,
            "title": product.name,
            "subtitle": (
                f"{euro(product.unit_price)} € / {unit_text(product.unit)} · {round.title}"
            ),
            "url": f"{url}#product-{product.pk}",
        }
    if message.attached_round_id and message.attached_round is not None:
        round = message.attached_round
        return {
            "kind": "round",
            "id": round.pk,
            "title": round.title,
            "subtitle": f"{round.supplier.name} · {RoundState(round.state).label}",
            "url": reverse(
                "gaf:round", kwargs={"group_slug": round.group.slug, "round_id": round.pk}
            ),
        }
    return None


def message_payload(message: ChatMessage) -> dict:
    """A message as the clients receive it (its current state: a tombstone once deleted)."""
    deleted = message.is_deleted
    if message.is_system:
        text = "" if deleted else system_text(message.system_kind, message.system_data)
        message_parts = [{"text": text}] if text else []
    else:
        text = "" if deleted else message.body
        members = {mention["user"]: mention["name"] for mention in message.mentions}
        message_parts = parts(text, members) if text else []
    return {
        "id": message.pk,
        "seq": message.seq,
        "author": (
            {"id": message.author_id, "name": message.author_name}
            if not message.is_system
            else None
        ),
        "system": message.system_kind or None,
        "system_data": message.system_data if message.is_system and not deleted else None,
        "text": text,
        "parts": message_parts,
        "mentions": sorted({mention["user"] for mention in message.mentions}),
        "created_at": message.created_at.isoformat(),
        "time": time_of_day(message.created_at),
        "date": short_date(message.created_at),
        "when": day_and_time(message.created_at),
        "edited": message.edited_at is not None,
        "deleted": deleted,
        "removed_by_moderator": message.removed_by_moderator,
        "pinned": message.pinned_at is not None,
        "attachment": None if deleted else _attachment(message),
    }


def event_payload(event: ChatEvent) -> dict:
    """A room event as the socket sends it: `id` is the room's gap-free number."""
    return {
        "type": "event",
        "id": event.seq,
        "room": event.room_id,
        "kind": event.kind,
        "message": message_payload(event.message),
    }


def event_doorbell(event: ChatEvent) -> dict:
    """The channel-layer message that announces a room event to the room's sockets.

    The event is written as JSON text once, here, not once per socket: a socket forwards
    the text as it is (the in-memory layer copies each message per socket, and a string
    costs nothing to copy). Only a system message is read again, to be written out in the
    socket's own language (`relocalise`).
    """
    payload = event_payload(event)
    return {
        "type": "chat.event",
        "seq": event.seq,
        "text": json.dumps(payload),
        "localised": bool(payload["message"]["system"]),
    }


def relocalise(payload: dict) -> dict:
    """A broadcast event written out again in the active language (system messages)."""
    message = payload["message"]
    if not message.get("system") or message.get("deleted"):
        return payload
    text = system_text(message["system"], message.get("system_data") or {})
    return {**payload, "message": {**message, "text": text, "parts": [{"text": text}]}}


def _messages(room: ChatRoom) -> QuerySet[ChatMessage]:
    return ChatMessage.objects.filter(room=room).select_related(*_ATTACHMENTS)


def events_after(*, room: ChatRoom, after: int, limit: int) -> list[ChatEvent]:
    """The room's events numbered after `after`, in order, at most `limit` (one query)."""
    return list(
        ChatEvent.objects.filter(room=room, seq__gt=after)
        .select_related("message", *(f"message__{path}" for path in _ATTACHMENTS))
        .order_by("seq")[:limit]
    )


def messages_before(
    *, room: ChatRoom, before: int | None = None, limit: int = PAGE
) -> tuple[list[ChatMessage], bool]:
    """The `limit` messages created before event `before` (None: the latest), oldest first,
    and whether older ones exist (one query)."""
    queryset = _messages(room)
    if before is not None:
        queryset = queryset.filter(seq__lt=before)
    page = list(queryset.order_by("-seq")[: limit + 1])
    return list(reversed(page[:limit])), len(page) > limit


def pinned_messages(*, room: ChatRoom) -> list[ChatMessage]:
    return list(
        _messages(room)
        .filter(pinned_at__isnull=False, deleted_at__isnull=True)
        .order_by("-pinned_at")
    )


def room_message(*, room: ChatRoom, message_id: int) -> ChatMessage | None:
    return _messages(room).filter(pk=message_id).first()


# --- Unread and online ----------------------------------------------------------------------


def unread_counts(*, user, groups) -> dict[tuple[int, int | None], int]:
    """Unread messages per room of `groups`, keyed (group id, round id or None): messages by
    others (system messages included) after the person's last read event (one query)."""
    if not user.is_authenticated:
        return {}
    last_read = ChatReadState.objects.filter(room=OuterRef("room"), user=user).values(
        "last_read_seq"
    )[:1]
    rows = (
        ChatMessage.objects.filter(room__group__in=groups, deleted_at__isnull=True)
        .filter(Q(room__round__isnull=True) | ~Q(room__round__state=RoundState.DRAFT))
        .exclude(author=user)
        .annotate(read=Coalesce(Subquery(last_read), Value(0)))
        .filter(seq__gt=F("read"))
        .values("room__group_id", "room__round_id")
        .annotate(unread=Count("pk"))
        .values_list("room__group_id", "room__round_id", "unread")
    )
    return {(group_id, round_id): unread for group_id, round_id, unread in rows}


def last_read(*, room: ChatRoom, user) -> int:
    return (
        ChatReadState.objects.filter(room=room, user=user)
        .values_list("last_read_seq", flat=True)
        .first()
        or 0
    )


def online_people(*, room: ChatRoom, now: dt.datetime) -> list[dict]:
    """Who has a live socket in the room (presence not expired), by name (one query)."""
    rows = (
        ChatPresence.objects.filter(room=room, expires_at__gt=now)
        .values_list("user_id", "user__full_name", "user__family_membership__family__name")
        .distinct()
    )
    people = {user_id: chat_name(full_name, family) for user_id, full_name, family in rows}
    return sorted(
        ({"id": user_id, "name": name} for user_id, name in people.items()),
        key=lambda person: person["name"].casefold(),
    )
