"""WebSocket routes of the gaf app (declared with hub.access.ws_route)."""

from gaf.consumers import RoundPoolConsumer
from hub import access

ROUND_VIEWER = access.object_policy(
    "gaf.rules.can_view_round", "the member families of the round's group"
)

websocket_urlpatterns = [
    access.ws_route(
        "ws/gaf/rounds/<int:round_id>/", RoundPoolConsumer.as_asgi(), policy=ROUND_VIEWER
    ),
]
