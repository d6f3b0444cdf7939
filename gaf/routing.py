"""WebSocket routes of the gaf app (declared with hub.access.ws_route)."""

websocket_urlpatterns: list = []
