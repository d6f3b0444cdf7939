"""The WebSocket router, composed from each app's routing module.

Every route is declared with hub.access.ws_route (tests/hub/test_access.py checks it),
including the catch-all that closes unknown paths with 4404. `websocket_router` is what
hub.asgi serves (behind the origin check and the session authentication).
"""

from channels.routing import URLRouter

from associations.routing import websocket_urlpatterns as associations_ws
from events.routing import websocket_urlpatterns as events_ws
from gaf.routing import websocket_urlpatterns as gaf_ws
from hub import access
from hub.availability import ServiceOutageGuard
from hub.consumers import NotificationsConsumer
from hub.websocket import UnknownRouteConsumer
from search.routing import websocket_urlpatterns as search_ws
from tables.routing import websocket_urlpatterns as tables_ws

hub_ws = [
    access.ws_route(
        "ws/notifications/", NotificationsConsumer.as_asgi(), policy=access.AUTHENTICATED
    ),
]

# Last, after every app's routes: any other path (the root included) is closed with 4404,
# instead of the router raising "No route found" (a traceback and a 500 on the upgrade).
unknown_ws = [
    access.ws_route("<path:unknown>", UnknownRouteConsumer.as_asgi(), policy=access.PUBLIC),
    access.ws_route("", UnknownRouteConsumer.as_asgi(), policy=access.PUBLIC),
]

websocket_urlpatterns = [
    *hub_ws,
    *associations_ws,
    *events_ws,
    *gaf_ws,
    *tables_ws,
    *search_ws,
    *unknown_ws,
]

websocket_router = ServiceOutageGuard(URLRouter(websocket_urlpatterns))
