"""What the API answers to OPTIONS: the view's name, description, renderers and parsers.

DRF's SimpleMetadata also describes the fields each writing method takes, by calling the
view's `get_object()` and building its serializer as if the request were a PUT or POST;
views whose writes are not object updates (a family's basket at /api/v1/gaf/orders/mine/)
answered OPTIONS with a 500. The OpenAPI schema (/api/v1/schema/) is where the API
describes its inputs, so OPTIONS leaves them out and needs nothing from the view.
"""

from __future__ import annotations

from rest_framework.metadata import SimpleMetadata


class HubMetadata(SimpleMetadata):
    def determine_actions(self, request, view):
        return {}
