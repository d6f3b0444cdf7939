"""`runserver` serves the ASGI application (HTTP and WebSocket) with Daphne, as it would with
"daphne" in INSTALLED_APPS; the hub does not install it as an app (hub.settings says why),
so this module, imported only when the command runs, brings Daphne's command in."""

from daphne.management.commands.runserver import Command

__all__ = ["Command"]
