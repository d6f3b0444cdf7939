"""The live order page's wiring, shared by the page, the socket and the order services.

The channel-layer group of a round's order pages, the socket's path, and the close code
the socket uses (from hub.websocket.CloseCode, the one list the client bundle mirrors).
"""

from __future__ import annotations

from hub.websocket import CloseCode

# The round does not exist or the person may not see it (like a 404): the client stops.
NOT_FOUND = int(CloseCode.NOT_FOUND)


def round_group(round_id: int) -> str:
    """The channel-layer group of a round's order pages."""
    return f"gaf.round.{round_id}"


def round_socket_path(round_id: int) -> str:
    return f"/ws/gaf/rounds/{round_id}/"


def chat_group(room_id: int) -> str:
    """The channel-layer group of a chat room's sockets."""
    return f"gaf.chat.{room_id}"


def chat_socket_path(room_id: int) -> str:
    return f"/ws/gaf/chat/{room_id}/"


def group_access_scope(group_id: int) -> str:
    """What a family loses when it leaves a group (hub.websocket.revoke_access_on_commit)."""
    return f"gaf.group.{group_id}"
