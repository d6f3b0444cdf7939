"""API routes of the Carta Famiglia, included by hub.urls under /api/v1/ (namespace "api")."""

from carta import api
from hub import access

api_patterns = [
    access.route(
        "carta/verify/",
        api.CardVerifyView.as_view(),
        name="carta-verify",
        policy=access.object_policy(
            "carta.rules.is_shop_operator", "operators of an approved shop"
        ),
        namespace="api",
    ),
]
