"""Template tags for pages with a live WebSocket."""

from django import template
from django.utils.html import json_script

from hub.websocket import client_close_codes

register = template.Library()

CLOSE_CODES_ELEMENT_ID = "hub-socket-close-codes"


@register.simple_tag
def websocket_close_codes():
    """The close codes a client retries after or stops at, as a JSON script element (data,
    not code: a Content-Security-Policy does not block it). Read by frontend/src/live-socket.js."""
    return json_script(client_close_codes(), CLOSE_CODES_ELEMENT_ID)
