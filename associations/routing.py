"""WebSocket routes of the associations app (declared with hub.access.ws_route)."""

websocket_urlpatterns: list = []
