"""WebSocket routes of the search app (declared with hub.access.ws_route)."""

websocket_urlpatterns: list = []
