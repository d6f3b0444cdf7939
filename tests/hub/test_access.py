"""The access policy registry: every route declares a policy, and the policy is enforced."""

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import override_settings
from django.urls import get_resolver, path
from django.urls.resolvers import URLPattern, URLResolver

from hub import access
from hub import urls as hub_urls
from hub.asgi import application
from hub.routing import websocket_urlpatterns
from tests.hub.factories import UserFactory


def walk(patterns, prefix="", namespace=""):
    """Yield (view_name, route) for every URL pattern, as Django's resolver names them."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, route, ns)
        elif isinstance(pattern, URLPattern):
            name = None
            if pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, route


def test_every_http_route_declares_a_policy():
    routes = list(walk(get_resolver().url_patterns))
    # The walk covers the Wagtail admin, allauth and the API: a sanity floor on its size.
    assert len(routes) > 200
    assert any(route.startswith("admin/") for _n, route in routes)
    assert any(route.startswith("api/v1/") for _n, route in routes)
    missing = [(name, route) for name, route in routes if access.policy_for(name, route) is None]
    assert missing == [], f"routes without an access policy: {missing}"


def test_every_websocket_route_declares_a_policy():
    assert websocket_urlpatterns, "the WebSocket router has routes"
    for pattern in websocket_urlpatterns:
        assert isinstance(pattern.callback, access.PolicyGuard), (
            f"WebSocket route {pattern.pattern} is not declared with hub.access.ws_route"
        )
        assert access.declared_ws_policies()[str(pattern.pattern)] is pattern.callback.policy


def undeclared_view(request):
    from django.http import HttpResponse

    return HttpResponse("should never be served")


# The real routes after the undeclared one: the 403 page links to them.
urlpatterns = [
    path("undeclared/", undeclared_view, name="undeclared_for_test"),
    *hub_urls.urlpatterns,
]


@override_settings(ROOT_URLCONF="tests.hub.test_access")
def test_a_route_without_policy_is_denied(client):
    response = client.get("/undeclared/")
    assert response.status_code == 403
    assert b"should never be served" not in response.content


@pytest.mark.django_db
def test_authenticated_routes_send_visitors_to_login(client):
    routes = list(walk(get_resolver().url_patterns))  # imports the URLconf, which declares
    declared = access.declared_http_policies()
    checked = 0
    for name, route in routes:
        policy = declared.get(name)
        if policy is None or not policy.requires_login or "<" in route or route.startswith("api/"):
            continue
        response = client.get("/" + route)
        assert response.status_code == 302, f"{route} answered {response.status_code}"
        assert response["Location"].startswith("/accounts/login/")
        checked += 1
    assert checked >= 3


@pytest.mark.django_db
def test_staff_policy_refuses_signed_in_non_staff(rf):
    user = UserFactory()
    assert access.STAFF.allows(user) is False
    user.is_staff = True
    assert access.STAFF.allows(user) is True


@pytest.mark.django_db(transaction=True)
async def test_notifications_socket_refuses_visitors():
    communicator = WebsocketCommunicator(
        application, "/ws/notifications/", headers=[(b"origin", b"http://testserver")]
    )
    connected, code = await communicator.connect()
    assert connected is False
    assert code == 4403
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_notifications_socket_delivers_to_its_user_only():
    from asgiref.sync import sync_to_async
    from channels.layers import get_channel_layer

    from hub.websocket import user_group

    alice = await sync_to_async(UserFactory)()
    bob = await sync_to_async(UserFactory)()
    app = URLRouter(websocket_urlpatterns)

    alice_socket = WebsocketCommunicator(app, "/ws/notifications/")
    alice_socket.scope["user"] = alice
    bob_socket = WebsocketCommunicator(app, "/ws/notifications/")
    bob_socket.scope["user"] = bob
    assert (await alice_socket.connect())[0]
    assert (await bob_socket.connect())[0]
    assert (await alice_socket.receive_json_from())["type"] == "hello"
    assert (await bob_socket.receive_json_from())["type"] == "hello"

    await get_channel_layer().group_send(
        user_group(alice.pk), {"type": "notification", "title": "Ordine chiuso", "url": "/gaf/"}
    )
    message = await alice_socket.receive_json_from()
    assert message == {"type": "notification", "title": "Ordine chiuso", "url": "/gaf/"}
    assert await bob_socket.receive_nothing()

    await alice_socket.send_json_to({"type": "bogus"})
    assert (await alice_socket.receive_json_from())["code"] == "unknown_type"
    await alice_socket.disconnect()
    await bob_socket.disconnect()
