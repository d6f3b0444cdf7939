"""OpenAPI schema: the hub's schema class, its error component, hooks and extensions.

Every error the API answers has the same body (hub.api_errors): the `Error` component here.
`HubAutoSchema` documents the errors every operation can meet, so that a client (and the
schemathesis run in tests/hub/test_api_fuzz.py) finds each status code it gets in the schema:

- 400 everywhere: `error.fields` names each parameter or field that is wrong, and a path or
  query parameter with control characters is refused on every route (hub.input_guard);
- 401 everywhere: a bearer token that is malformed, unknown or revoked is refused on every
  route, public ones included;
- 403, 404 and 429 everywhere (a page number past the last page is a 404 too).

A view documents any other status (e.g. 409 for a round that takes no orders) with
`extend_schema(responses={409: ErrorSerializer})`; a status a view documents itself is left
as the view says.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

PAGE_PARAMETER = "page"


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text=(
            "Stable code for programs: `invalid`, `not_authenticated`, "
            "`authentication_failed`, `permission_denied`, `not_found`, `throttled`, or one "
            "of the operation's own (e.g. `round_closed`)."
        )
    )
    message = serializers.CharField(
        help_text="What went wrong, for people, in the request's language (Italian by default)."
    )
    fields = serializers.DictField(
        help_text=(
            "For `invalid`: the messages of each parameter or field, by name (nested like "
            "the request body); empty otherwise."
        )
    )
    retry_after_seconds = serializers.IntegerField(
        required=False, help_text="For `throttled`: seconds to wait (as the Retry-After header)."
    )


class ErrorSerializer(serializers.Serializer):
    """An error: every 4xx and 5xx of the API has this body."""

    error = ErrorDetailSerializer()


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$",
        "example": "17:30:00",
    }
)
class LocalTimeField(serializers.TimeField):
    """A time of day on the wall clock of Europe/Rome, without an offset. (OpenAPI's `time`
    format is RFC 3339's, which requires one: this field is documented by its pattern.)"""


ERROR_RESPONSES = {
    "400": "Invalid input: `error.fields` says what is wrong with each parameter or field.",
    "401": "Missing, malformed, unknown or revoked credentials.",
    "403": "Not allowed to do this.",
    "404": "No such object, or not one you may see (also a page past the last one).",
    "429": "Too many requests: retry after the seconds in the Retry-After header.",
}


class HubAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, with the hub's error responses on every operation."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        responses = operation.setdefault("responses", {})
        for code, description in ERROR_RESPONSES.items():
            responses.setdefault(
                code,
                {"content": {"application/json": {"schema": error}}, "description": description},
            )
        return operation


def only_public_api(endpoints):
    """The schema documents the hub's API under /api/v1/, not the Wagtail admin's own API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "hub.api_auth.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Personal API token: `Authorization: Bearer <token>`.",
        }
