"""API routes of the Carta Famiglia, included by hub.urls under /api/v1/ (namespace "api")."""

from rest_framework.routers import SimpleRouter

from carta import api
from hub import access

router = SimpleRouter()
# (prefix, viewset, policy): the policy covers every route the router makes for it.
API_RESOURCES = [
    ("carta/shops", "carta-shops", api.ShopViewSet, access.PUBLIC),
    ("carta/outlets", "carta-outlets", api.OutletViewSet, access.PUBLIC),
    ("carta/offers", "carta-offers", api.OfferViewSet, access.PUBLIC),
    ("carta/categories", "carta-categories", api.CategoryViewSet, access.PUBLIC),
    ("carta/badges", "carta-badges", api.BadgeViewSet, access.PUBLIC),
]
for prefix, basename, viewset, policy in API_RESOURCES:
    router.register(prefix, viewset, basename=basename)
    for suffix in ("list", "detail"):
        access.declare(f"api:{basename}-{suffix}", policy)

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
    *router.urls,
]
