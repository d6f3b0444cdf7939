"""One error format for the whole API: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from hub import availability

# Stable codes for the statuses an API client can meet without a DRF exception.
STATUS_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
    503: "service_unavailable",
}


# Codes of a service's ValidationError that mean a conflict with the state of the thing
# (a round past its deadline, not open yet...) rather than bad input: they answer 409.
# Apps register theirs when they start (AppConfig.ready), as gaf does its round conflicts.
_CONFLICT_CODES: set[str] = set()


def register_conflict_codes(*codes: str) -> None:
    _CONFLICT_CODES.update(codes)


def conflict_code(error: DjangoValidationError) -> str | None:
    """The registered conflict code of a service's general (not field) error, else None."""
    if hasattr(error, "error_dict") or not error.error_list:
        return None
    code = error.error_list[0].code
    return code if code in _CONFLICT_CODES else None


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = _("La richiesta è in conflitto con lo stato attuale.")


def service_error(
    error: DjangoValidationError, field_paths: dict[str, tuple[str, ...]] | None = None
) -> exceptions.APIException:
    """A service's (Django) ValidationError as the API's: field errors under their names,
    a general one as non_field_errors, a registered conflict code as a 409 with that code.

    ``field_paths`` renames model fields to the API's (possibly nested) field names; a view
    declares it as ``service_error_fields`` when its serializer names fields differently."""
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(_renamed(error.message_dict, field_paths or {}))
    first = error.error_list[0] if error.error_list else error
    message = first.message % first.params if first.params else first.message
    if conflict_code(error):
        return Conflict(detail=message, code=first.code)
    return exceptions.ValidationError({"non_field_errors": [message]})


def _renamed(messages: dict[str, list], field_paths: dict[str, tuple[str, ...]]) -> dict:
    fields: dict = {}
    for name, texts in messages.items():
        path = field_paths.get(name) or (("non_field_errors",) if name == "__all__" else (name,))
        target = fields
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target.setdefault(path[-1], []).extend(texts)
    return fields


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _flatten(detail) -> dict[str, list[str]] | list[str] | str:
    """DRF ErrorDetail trees to plain strings, keeping the field structure."""
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def _first_code(detail) -> str | None:
    if isinstance(detail, dict):
        for value in detail.values():
            return _first_code(value)
    if isinstance(detail, list):
        return _first_code(detail[0]) if detail else None
    return getattr(detail, "code", None)


def exception_handler(exc, context):
    if availability.database_unavailable(exc):
        # PostgreSQL down or the connection pool exhausted: retry later, not a server bug.
        set_rollback()
        availability.log_unavailable(context["request"], exc)
        return Response(
            availability.api_body(),
            status=503,
            headers={"Retry-After": str(availability.retry_after_seconds())},
        )
    if isinstance(exc, DjangoValidationError):
        exc = service_error(exc, getattr(context.get("view"), "service_error_fields", None))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        # Let Django's 500 handler (hub.views.server_error) answer in the same format.
        return None

    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            fields = _flatten({k: v for k, v in detail.items() if k != "non_field_errors"})
            general = detail.get("non_field_errors")
            message = str(general[0]) if general else _("I dati inviati non sono validi.")
        else:
            fields = {}
            flat = _flatten(detail)
            message = flat[0] if isinstance(flat, list) and flat else str(flat)
        body = error_body("invalid", message, fields)
    else:
        code = getattr(exc, "default_code", None) or STATUS_CODES.get(response.status_code, "error")
        if isinstance(exc, exceptions.APIException):
            code = _first_code(exc.detail) or code
        message = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        body = error_body(code, str(message))
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            body["error"]["retry_after_seconds"] = int(exc.wait)
    return Response(body, status=response.status_code, headers=_keep_headers(response))


def _keep_headers(response: Response) -> dict:
    return {k: v for k, v in response.items() if k in {"Retry-After", "WWW-Authenticate", "Allow"}}


def json_error(status_code: int, message: str, *, code: str | None = None) -> JsonResponse:
    code = code or STATUS_CODES.get(status_code, "error")
    return JsonResponse(error_body(code, message), status=status_code)


__all__ = ["error_body", "exception_handler", "json_error", "status"]
