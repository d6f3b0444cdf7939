"""WebSocket routes of the tables app (declared with hub.access.ws_route)."""

websocket_urlpatterns: list = []
