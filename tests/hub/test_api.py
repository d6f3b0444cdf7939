"""The API foundation: schema, docs, one error format, token authentication, throttling."""

import pytest
from django.test import override_settings
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from wagtail.models import APIToken

from hub import access
from hub.demo import load_demo_data
from tests.hub.factories import MunicipalityFactory, NetworkFactory, UserFactory

pytestmark = pytest.mark.django_db


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]


def test_schema_is_openapi_3_and_lists_the_hub_api_only(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/municipalities/" in schema["paths"]
    assert "/api/v1/me/" in schema["paths"]
    assert not [p for p in schema["paths"] if not p.startswith("/api/v1/")]
    assert "apiToken" in schema["components"]["securitySchemes"]


def test_every_operation_documents_the_hub_error_format(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    error = {"$ref": "#/components/schemas/Error"}
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {"error"}
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) > 30
    for path, method, operation in operations:
        responses = operation["responses"]
        # 400 too on every operation: a path or parameter with control characters is refused
        # on any route, before the view (hub.input_guard).
        for status in ("400", "401", "403", "404", "429"):
            assert responses[status]["content"]["application/json"]["schema"] == error, (
                path,
                method,
                status,
            )
    orders = schema["paths"]["/api/v1/gaf/orders/mine/"]["put"]["responses"]
    assert orders["409"]["content"]["application/json"]["schema"] == error


def test_unknown_api_paths_are_json_404_whatever_the_method(client):
    for method in ("get", "post", "delete", "put"):
        response = getattr(client, method)("/api/v1/nessuna/risorsa/")
        assert_error(response, 404, "not_found")
    assert_error(client.post("/api/v2/events/"), 404, "not_found")


def test_documentation_page_is_served_without_external_assets(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html


def test_municipalities_filter_by_network_with_constant_queries(
    client, django_assert_max_num_queries
):
    load_demo_data()
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/municipalities/", {"network": "cidis"})
    names = [row["name"] for row in response.json()["results"]]
    assert names == ["Beinasco", "Bruino", "Orbassano", "Piossasco", "Rivalta di Torino", "Volvera"]

    network = NetworkFactory()
    network.municipalities.add(*MunicipalityFactory.create_batch(40))
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/municipalities/", {"network": network.slug})
    assert response.json()["count"] == 40


def test_areas_carry_their_macro_area(client):
    rows = client.get("/api/v1/areas/").json()
    by_slug = {row["slug"]: row["macro_area"] for row in rows}
    assert by_slug == {
        "ambiente-e-sport": "E",
        "comunicazione": "C",
        "comunita-educante": "D",
        "governance": "A",
        "misure-economiche": "B",
        "welfare-territoriale": "E",
    }


def test_unknown_resource_is_a_json_404(client):
    assert_error(client.get("/api/v1/municipalities/atlantide/"), 404, "not_found")
    assert_error(client.get("/api/v1/nothing-here/"), 404, "not_found")


def test_me_needs_authentication(client):
    error = assert_error(client.get("/api/v1/me/"), 401, "not_authenticated")
    assert error["message"]


def test_bearer_token_authenticates_and_revocation_ends_it(client):
    user = UserFactory(email="tesoriere@example.org")
    token, plaintext = APIToken.create_token(user=user, name="prova")
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.status_code == 200
    assert response.json()["email"] == "tesoriere@example.org"
    token.refresh_from_db()
    assert token.last_used_at is not None

    token.revoke()
    assert_error(
        client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {plaintext}"),
        401,
        "authentication_failed",
    )
    assert_error(
        client.get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer wagtail_forged"),
        401,
        "authentication_failed",
    )


def test_write_methods_are_refused_on_read_only_resources(client):
    user = UserFactory()
    client.force_login(user)
    assert_error(client.post("/api/v1/areas/", {"name": "x"}), 405, "method_not_allowed")


def test_errors_speak_english_when_asked(client):
    error = assert_error(
        client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en"), 401, "not_authenticated"
    )
    assert error["message"] == "Authentication credentials were not provided."


# --- Error format for validation, throttling and server errors, on test-only routes ---------


class ProbeSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1)
    email = serializers.EmailField()


@api_view(["POST"])
@permission_classes([access.DeclaredPolicyPermission, AllowAny])
def validating_view(request):
    ProbeSerializer(data=request.data).is_valid(raise_exception=True)
    return None


@api_view(["GET"])
@permission_classes([access.DeclaredPolicyPermission])
def failing_view(request):
    raise RuntimeError("boom")


urlpatterns = [
    access.route(
        "api/v1/probe/validate/", validating_view, name="probe-validate", policy=access.PUBLIC
    ),
    access.route("api/v1/probe/fail/", failing_view, name="probe-fail", policy=access.PUBLIC),
]
handler500 = "hub.views.server_error"


@override_settings(ROOT_URLCONF="tests.hub.test_api")
def test_validation_errors_name_each_field(client):
    error = assert_error(
        client.post(
            "/api/v1/probe/validate/",
            {"quantity": -2, "email": "not-an-email"},
            content_type="application/json",
        ),
        400,
        "invalid",
    )
    assert set(error["fields"]) == {"quantity", "email"}
    assert all(isinstance(message, str) for message in error["fields"]["quantity"])


@override_settings(ROOT_URLCONF="tests.hub.test_api")
def test_server_error_uses_the_same_format(client):
    client.raise_request_exception = False
    error = assert_error(client.get("/api/v1/probe/fail/"), 500, "server_error")
    assert "boom" not in error["message"]


def test_throttled_requests_get_429_in_the_same_format(client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "2/min"},
    }
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    saved_rates = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        for _ in range(2):
            assert client.get("/api/v1/age-bands/").status_code == 200
        response = client.get("/api/v1/age-bands/")
        error = assert_error(response, 429, "throttled")
        assert int(response["Retry-After"]) > 0
        assert error["retry_after_seconds"] > 0
    finally:
        SimpleRateThrottle.THROTTLE_RATES = saved_rates
        cache.clear()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/events/?comune=%00",
        "/api/v1/events/occurrences/?comune=bruino&eta=%01x",
        "/api/v1/gaf/products/?supplier=%00",
        "/api/v1/municipalities/?network=a%00b",
    ],
)
def test_control_characters_in_filters_are_a_400_naming_the_parameter(client, url):
    client.force_login(UserFactory())
    error = assert_error(client.get(url), 400, "invalid")
    (name,) = error["fields"]
    assert name in url


def test_slug_lookups_in_bodies_refuse_control_characters():
    """PostgreSQL refuses a NUL byte in a lookup: it must be a 400 before the query."""
    from events.api import EventWriteSerializer

    form = EventWriteSerializer(
        data={
            "title": "Prova",
            "start": "2030-05-04T16:00",
            "end": "2030-05-04T18:00",
            "municipality": "bru\x00ino",
            "areas": ["sport\x00"],
        }
    )
    assert not form.is_valid()
    message = "Il valore contiene caratteri di controllo, che non sono ammessi."
    assert form.errors["municipality"] == [message]
    assert form.errors["areas"] == [message]
