"""ASGI entry point: HTTP and WebSocket from one application.

The WebSocket router is composed from each app's `routing.websocket_urlpatterns`
(hub.routing), behind a guard that closes sockets with 1013 when the channel layer fails.
"""

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

from hub.routing import websocket_router

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(websocket_router)),
    }
)
