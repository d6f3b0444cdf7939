"""OpenAPI schema hooks and extensions (loaded by HubConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


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
