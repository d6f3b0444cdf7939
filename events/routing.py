"""WebSocket routes of the events app (declared with hub.access.ws_route)."""

websocket_urlpatterns: list = []
