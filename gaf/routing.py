"""WebSocket routes of the gaf app (declared with hub.access.ws_route)."""

from gaf.consumers import ChatConsumer, RoundPoolConsumer
from hub import access

ROUND_VIEWER = access.object_policy(
    "gaf.rules.can_view_round", "the member families of the round's group"
)

ROOM_READER = access.object_policy(
    "gaf.rules.can_read_room", "the member families of the room's group, and network staff"
)

websocket_urlpatterns = [
    access.ws_route("ws/gaf/chat/<int:room_id>/", ChatConsumer.as_asgi(), policy=ROOM_READER),
    access.ws_route(
        "ws/gaf/rounds/<int:round_id>/", RoundPoolConsumer.as_asgi(), policy=ROUND_VIEWER
    ),
]
