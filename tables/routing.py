"""WebSocket routes of the tables app (declared with hub.access.ws_route)."""

from hub import access
from tables.consumers import DocumentConsumer

DOCUMENT_READER = access.object_policy(
    "tables.coedit.rules.can_read_document",
    "who may read the proposal or the meeting (writing: tables.coedit.rules.can_write_document)",
)

websocket_urlpatterns = [
    access.ws_route(
        "ws/tables/docs/<str:kind>/<int:object_id>/",
        DocumentConsumer.as_asgi(),
        policy=DOCUMENT_READER,
    ),
]
