"""API routes of the purchase groups, included by hub.urls under /api/v1/ (namespace "api").

Every route declares its access policy; routes about one round name the rule of gaf.rules
that the view asks (a round the person may not see answers 404).
"""

from gaf import api
from hub import access

ROUND_VIEWER = access.object_policy(
    "gaf.rules.can_view_round", "the member families of the round's group"
)
ROUND_ORGANISER = access.object_policy(
    "gaf.rules.can_view_all_orders",
    "the group's coordinators, supplier referents and treasurers, and the round's referent",
)
ROUND_COORDINATOR = access.object_policy(
    "gaf.rules.can_manage_round", "the coordinators of the round's group"
)


def _route(route_str, view, name, policy):
    return access.route(route_str, view, name=name, policy=policy, namespace="api")


api_patterns = [
    _route("gaf/rounds/", api.RoundListView.as_view(), "gaf-rounds", access.AUTHENTICATED),
    _route("gaf/rounds/<int:round_id>/", api.RoundDetailView.as_view(), "gaf-round", ROUND_VIEWER),
    _route(
        "gaf/rounds/<int:round_id>/products/",
        api.RoundProductsView.as_view(),
        "gaf-round-products",
        ROUND_VIEWER,
    ),
    _route(
        "gaf/rounds/<int:round_id>/orders/",
        api.RoundOrdersView.as_view(),
        "gaf-round-orders",
        ROUND_ORGANISER,
    ),
    _route(
        "gaf/rounds/<int:round_id>/close/",
        api.RoundCloseView.as_view(),
        "gaf-round-close",
        ROUND_COORDINATOR,
    ),
    _route("gaf/products/", api.ProductListView.as_view(), "gaf-products", access.AUTHENTICATED),
    _route("gaf/orders/mine/", api.MyOrdersView.as_view(), "gaf-orders-mine", access.AUTHENTICATED),
]
