"""ASGI entry point: HTTP and WebSocket from one application.

The WebSocket router is composed from each app's `routing.websocket_urlpatterns`
(hub.routing). The whole WebSocket stack, the session and authentication lookups included,
is behind hub.availability.ServiceOutageGuard: a socket that meets a stopped channel layer or an
unavailable database is closed with 1013 "try again later", never answered with HTTP 500 or
closed with 1011. hub.daphne_close_codes lets Daphne send that code.
"""

import gc
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

from hub.config import ConfigError

try:
    from django.core.asgi import get_asgi_application

    django_asgi_app = get_asgi_application()
except ConfigError as error:
    print(f"Configuration error: {error}", file=sys.stderr)
    raise SystemExit(2) from None

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter
from channels.security.websocket import AllowedHostsOriginValidator

from hub.availability import ServiceOutageGuard
from hub.daphne_close_codes import allow_registered_close_codes
from hub.routing import websocket_router

allow_registered_close_codes()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": ServiceOutageGuard(
            AllowedHostsOriginValidator(AuthMiddlewareStack(websocket_router))
        ),
    }
)

# What is loaded by now (Django, Wagtail, the hub's modules and URL and settings objects:
# most of the process's objects) lives as long as the process. Frozen, the cyclic garbage
# collector no longer walks it on each full collection, a pause that stopped every socket
# of the process (bench/chat_fanout.py).
gc.collect()
gc.freeze()

# The event loop (every socket) and the threads that run database work share the GIL. A
# thread whose query has answered waits for the loop to let the GIL go, up to the switch
# interval, 5 ms by default, at each of a message's queries; 1 ms shortens that wait
# (bench/chat_fanout.py: p50 27 -> 23 ms, p99 51 -> 43 ms with 100 sockets in a room).
sys.setswitchinterval(0.001)
