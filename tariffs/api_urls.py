"""API routes of tariffs, included by hub.urls under /api/v1/ (namespace "api")."""

from hub import access
from tariffs import api

api_patterns = [
    access.route(
        "tariffs/calculate/",
        api.CalculateView.as_view(),
        name="tariffs-calculate",
        policy=access.PUBLIC,
        namespace="api",
    ),
]
