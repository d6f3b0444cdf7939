"""The WebSocket router, composed from each app's routing module."""

from associations.routing import websocket_urlpatterns as associations_ws
from events.routing import websocket_urlpatterns as events_ws
from gaf.routing import websocket_urlpatterns as gaf_ws
from hub import access
from hub.consumers import NotificationsConsumer
from search.routing import websocket_urlpatterns as search_ws
from tables.routing import websocket_urlpatterns as tables_ws

hub_ws = [
    access.ws_route(
        "ws/notifications/", NotificationsConsumer.as_asgi(), policy=access.AUTHENTICATED
    ),
]

websocket_urlpatterns = [*hub_ws, *associations_ws, *events_ws, *gaf_ws, *tables_ws, *search_ws]
