"""API routes of associations, included by hub.urls under /api/v1/ (namespace "api").

Every route declares its access policy; the router's routes are declared by their names.
"""

from rest_framework.routers import SimpleRouter

from associations import api
from associations.api_auth import ASSOCIATION_TOKEN
from hub import access

TOKEN_ADMIN = access.object_policy(
    "associations.rules.can_manage_tokens", "the association's admins (its API tokens)"
)

router = SimpleRouter()
# (prefix, viewset, policy): the policy covers every route the router makes for it.
API_RESOURCES = [
    ("associations", api.AssociationViewSet, access.PUBLIC),
    ("initiatives", api.InitiativeViewSet, access.PUBLIC),
]
for prefix, viewset, policy in API_RESOURCES:
    router.register(prefix, viewset, basename=prefix)
    for suffix in ("list", "detail"):
        access.declare(f"api:{prefix}-{suffix}", policy)


def _route(route_str, view, name, policy):
    return access.route(route_str, view, name=name, policy=policy, namespace="api")


api_patterns = [
    # Before the router: "me" is not an association's slug.
    _route(
        "associations/me/", api.AssociationMeView.as_view(), "associations-me", ASSOCIATION_TOKEN
    ),
    _route(
        "associations/<slug:slug>/tokens/",
        api.AssociationTokenListView.as_view(),
        "associations-tokens",
        TOKEN_ADMIN,
    ),
    _route(
        "associations/<slug:slug>/tokens/<int:token_id>/",
        api.AssociationTokenRevokeView.as_view(),
        "associations-token-revoke",
        TOKEN_ADMIN,
    ),
    *router.urls,
]
