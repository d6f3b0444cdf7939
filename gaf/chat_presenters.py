"""The chat as the pages show it: the room's panel (history, pinned messages, the form),
shared by the chat page and the round's order page (gaf.views).

Messages are rendered on the server from the same parts the socket sends
(gaf.chat_text.render_html: every piece of text escaped, links http/https only), so the page
reads the same with the WebSocket down, or without JavaScript.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from gaf import rules
from gaf.chat_protocol import HEARTBEAT_SECONDS
from gaf.chat_text import MAX_LENGTH, render_html
from gaf.live import chat_socket_path
from gaf.models import ChatMessage, ChatRoom, OrderRound, RoundProduct, RoundState
from gaf.selectors.chat import (
    PAGE,
    message_payload,
    messages_before,
    pinned_messages,
    room_members,
    room_path,
)


@dataclass(frozen=True)
class ChatItem:
    message: ChatMessage
    payload: dict
    html: SafeString
    mine: bool
    mentions_me: bool
    can_edit: bool
    can_delete: bool
    can_pin: bool


def room_url(room: ChatRoom) -> str:
    return room_path(room)


def _item(user, room: ChatRoom, message: ChatMessage, moderator: bool) -> ChatItem:
    payload = message_payload(message)
    return ChatItem(
        message=message,
        payload=payload,
        # render_html escapes every piece of the person's text (gaf.chat_text).
        html=mark_safe(render_html(payload["parts"])),
        mine=message.author_id == user.pk,
        mentions_me=user.pk in payload["mentions"],
        can_edit=rules.can_edit_message(user, message),
        can_delete=not message.is_deleted and (message.author_id == user.pk or moderator),
        can_pin=moderator and not message.is_deleted,
    )


def attachment_choices(room: ChatRoom) -> list[tuple[str, str]]:
    """What a message may carry as a rich link: in a round's thread the round and its
    products, in the group's room its rounds taking orders (one query)."""
    if room.round_id is not None:
        round = room.round
        products = RoundProduct.objects.filter(round_id=round.pk).order_by("position", "name")
        return [(f"round:{round.pk}", round.title)] + [
            (f"product:{product.pk}", product.name) for product in products
        ]
    rounds = OrderRound.objects.filter(group_id=room.group_id, state=RoundState.OPEN).order_by(
        "closes_at"
    )
    return [(f"round:{round.pk}", round.title) for round in rounds]


def parse_attachment(value: str | None) -> dict | None:
    """ "product:12" → {"kind": "product", "id": 12}; anything else → None."""
    kind, _sep, object_id = (value or "").partition(":")
    if kind in {"round", "product"} and object_id.isdigit():
        return {"kind": kind, "id": int(object_id)}
    return None


def members_list(room: ChatRoom) -> list[dict]:
    """The people one can @mention in the room, by name (asked for when "@" is typed, so
    the pages do not carry the group's directory)."""
    members = room_members(room=room)
    return [
        {"id": user_id, "name": name}
        for user_id, name in sorted(members.items(), key=lambda item: item[1].casefold())
    ]


def client_strings() -> dict:
    """What the browser module writes itself (frontend/src/gaf-chat.js), in the page's language."""
    return {
        "system": _("Avviso del giro"),
        "edited": _("(modificato)"),
        "pinned": _("fissato"),
        "deleted": _("Messaggio eliminato"),
        "removed": _("Messaggio rimosso da un coordinatore"),
        "you": _("Tu"),
        "sending": _("invio in corso…"),
        "queued": _("in attesa di connessione: partirà appena possibile"),
        "failed": _("Non inviato"),
        "retry": _("Riprova"),
        "edit": _("Modifica"),
        "save": _("Salva"),
        "cancel": _("Annulla"),
        "delete": _("Elimina"),
        "pin": _("Fissa in alto"),
        "unpin": _("Togli dai fissati"),
        "confirmDelete": _("Eliminare il messaggio?"),
        "actions": _("Azioni sul messaggio %s"),
        "online": _("In linea ora: %s"),
        "nobodyOnline": _("Nessun altro in linea ora."),
        "typing": _("%s sta scrivendo…"),
        "typingMany": _("%s stanno scrivendo…"),
        "offline": _("Connessione persa: riprovo. I messaggi partono appena possibile."),
        "closed": _("La chat non è più disponibile per te."),
    }


def chat_panel(request, room: ChatRoom, *, before: int | None = None, language: str = "") -> dict:
    """Everything the panel template needs (a fixed number of queries)."""
    user = request.user
    moderator = rules.can_moderate_room(user, room)
    messages, has_older = messages_before(room=room, before=before, limit=PAGE)
    url = room_url(room)
    return {
        "room": room,
        "items": [_item(user, room, message, moderator) for message in messages],
        "pinned": [_item(user, room, message, moderator) for message in pinned_messages(room=room)],
        "has_older": has_older,
        "older_url": f"{url}?prima={messages[0].seq}#chat" if has_older and messages else "",
        "newest_url": f"{url}#chat" if before is not None else "",
        "url": url,
        "messages_url": reverse("gaf:chat_messages", kwargs={"room_id": room.pk}),
        "read_url": reverse("gaf:chat_read", kwargs={"room_id": room.pk}),
        "socket_url": f"{chat_socket_path(room.pk)}?lang={language}",
        "members_url": reverse("gaf:chat_members", kwargs={"room_id": room.pk}),
        "strings": client_strings(),
        "strings_id": f"gaf-chat-strings-{room.pk}",
        # The form's own message id: a form sent twice (a double click, a resubmission)
        # saves one message.
        "client_id": uuid.uuid4(),
        "moderator": moderator,
        "attachments": attachment_choices(room),
        "max_length": MAX_LENGTH,
        "heartbeat": HEARTBEAT_SECONDS,
        "is_thread": room.round_id is not None,
    }
