"""Let Daphne send the registered close codes the hub uses (1001, 1012, 1013).

Daphne closes a socket through autobahn's `sendClose`, which accepts only 1000 and
3000-4999 from an application and raises for anything else ("invalid close code 1013"). The
consumer's close then turns into an exception inside Daphne, and the client sees 1011
"internal error" instead of 1013 "try again later": it cannot tell an outage from a bug.
RFC 6455 and the IANA registry define 1001 (going away), 1012 (service restart) and 1013
(try again later) for servers to send, and browsers deliver them to the page.

`allow_registered_close_codes()` (called by hub.asgi, which Daphne imports) makes Daphne's
server-side close send exactly the codes of hub.websocket.CloseCode that autobahn's check
refuses, through autobahn's own close-frame method (the one `sendClose` ends in); every other
code goes through `sendClose` unchanged. Without Daphne installed it does nothing.
"""

from __future__ import annotations

# Registered codes a server may send that autobahn's application API refuses.
REGISTERED_SERVER_CODES = frozenset({1001, 1012, 1013})


def _server_close(original):
    def serverClose(self, code=None):
        if code in REGISTERED_SERVER_CODES:
            self.sendCloseFrame(code=int(code), reasonUtf8=None, isReply=False)
        else:
            original(self, code)

    serverClose.hub_registered_close_codes = True
    return serverClose


def allow_registered_close_codes() -> bool:
    """Patch Daphne's WebSocket protocol once; True if Daphne is there (patched now or before)."""
    try:
        from daphne.ws_protocol import WebSocketProtocol
    except ImportError:
        return False
    if not getattr(WebSocketProtocol.serverClose, "hub_registered_close_codes", False):
        WebSocketProtocol.serverClose = _server_close(WebSocketProtocol.serverClose)
    return True
