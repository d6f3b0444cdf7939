"""The live order page's wiring, shared by the page, the socket and the order services.

The channel-layer group of a round's order pages, the socket's path, the event that brings
the pages a round's new state, and the close code the socket uses (from
hub.websocket.CloseCode, the one list the client bundle mirrors).
"""

from __future__ import annotations

import json

from gaf import live_totals
from hub.websocket import CloseCode

# The event a round's pages get after each order change (gaf.consumers.RoundPoolConsumer).
STATE_EVENT = "round.state"

# The round does not exist or the person may not see it (like a 404): the client stops.
NOT_FOUND = int(CloseCode.NOT_FOUND)


def round_group(round_id: int) -> str:
    """The channel-layer group of a round's order pages."""
    return f"gaf.round.{round_id}"


def round_socket_path(round_id: int) -> str:
    return f"/ws/gaf/rounds/{round_id}/"


_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def compact_json(data) -> str:
    """JSON without spaces (one encoder for all: a page's part is encoded per page)."""
    return _COMPACT.encode(data)


def state_event(
    round_id: int, version: int, pools: dict[int, dict], shares: live_totals.RoundShares
) -> dict:
    """The one event that brings all of a round's pages its state at change `version`.

    Its parts are JSON text, made once: `pools` goes to every browser as it is, and each
    process reads `shares` once for all its pages (a string crosses the channel layer, and
    the in-memory layer's copy for each page, at no cost).
    """
    return {
        "type": STATE_EVENT,
        "round": round_id,
        "version": version,
        "after": shares.after,
        "pools": compact_json({str(pk): pool for pk, pool in pools.items()}),
        "shares": compact_json(live_totals.shares_data(shares)),
    }


def chat_group(room_id: int) -> str:
    """The channel-layer group of a chat room's sockets."""
    return f"gaf.chat.{room_id}"


def chat_socket_path(room_id: int) -> str:
    return f"/ws/gaf/chat/{room_id}/"


def group_access_scope(group_id: int) -> str:
    """What a family loses when it leaves a group (hub.websocket.revoke_access_on_commit)."""
    return f"gaf.group.{group_id}"
