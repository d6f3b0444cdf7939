"""Bad input stops at the door with a 4xx and a message, never a 500.

`InputGuardMiddleware` refuses, before any view or query runs, a request whose path, query
parameters, form fields or Authorization header hold control characters (hub.validation):
PostgreSQL refuses a NUL in text, so a `?comune=%00` that reached a query was a 500 on
PostgreSQL only. Cookies with control characters are dropped instead (the session
middleware would query with them; nobody can fix a cookie by reading a message). API
bodies are checked by the API's parsers (hub.api_parsers), which read them when the view
does.

It also answers 400 when a form's data cannot even be read: a widget's
`value_from_datadict` that fails on a missing or malformed field (a Wagtail page edit POST
without a StreamField's `body-count` raised KeyError) means the submission was not made by
the hub's own form, and there is nothing to show it back with.

`bad_request` is the hub's handler400 (Django sends it every SuspiciousOperation and
BadRequest): a body over DATA_UPLOAD_MAX_MEMORY_SIZE gets a 413, too many fields a 400,
each with its message, as a page or in the API's error format.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException

from hub import api_parsers, validation
from hub.access import is_api_path
from hub.api_errors import error_body

logger = logging.getLogger("hub.input_guard")

FORM_MEDIA_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# What a widget raises on form data it cannot read (missing keys, "abc" as a count...).
_FORM_READING_ERRORS = (LookupError, ValueError, TypeError, DjangoValidationError)


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _drop_bad_cookies(request)
        problem = find_bad_characters(request)
        if problem is not None:
            with translation.override(translation.get_language_from_request(request)):
                return refuse(request, 400, problem_message(problem), field=problem)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not _raised_reading_form(exception):
            return None
        logger.warning(
            "Form data that cannot be read: %s %s (%s)",
            request.method,
            request.path,
            type(exception).__name__,
        )
        return refuse(
            request,
            400,
            _(
                "Il modulo inviato è incompleto o danneggiato: ricarica la pagina e invialo "
                "di nuovo."
            ),
        )


def find_bad_characters(request: HttpRequest) -> str | None:
    """The name of the first part of the request holding control characters: "" for the
    path, a parameter's name, "Authorization"; None when all is clean."""
    if validation.has_control_characters(request.path, multiline=False):
        return ""
    for name, values in request.GET.lists():
        if _bad_pair(name, values):
            return _shown_name(name)
    if validation.has_control_characters(
        request.META.get("HTTP_AUTHORIZATION", ""), multiline=False
    ):
        return "Authorization"
    if _reads_form(request):
        for name, values in request.POST.lists():
            if _bad_pair(name, values):
                return _shown_name(name)
    return None


def _reads_form(request: HttpRequest) -> bool:
    # The API's parsers check API bodies when the view reads them (hub.api_parsers).
    return (
        request.method == "POST"
        and request.content_type in FORM_MEDIA_TYPES
        and not is_api_path(request.path_info)
    )


def _bad_pair(name: str, values: list) -> bool:
    return validation.has_control_characters(name, multiline=False) or any(
        isinstance(value, str)
        and (validation.has_control_characters(value) or _json_with_control_characters(value))
        for value in values
    )


def _json_with_control_characters(value: str) -> bool:
    """Whether a field holding JSON hides control characters in its escapes ("\\u0000").

    Rich text editors (Wagtail's Draftail) and other script widgets post JSON in a form
    field; the field decodes it, and a NUL decoded there reached PostgreSQL just the same.
    """
    if "\\u" not in value or value.lstrip()[:1] not in ("{", "["):
        return False
    try:
        data = json.loads(value)
    except (ValueError, RecursionError):
        return False  # not JSON: the field's own validation answers
    try:
        api_parsers.check_json(data, limits=False)
    except APIException:
        return True
    return False


def _shown_name(name: str) -> str:
    return validation.ANY_CONTROL_CHARACTER.sub("?", name)[:100]


def _drop_bad_cookies(request: HttpRequest) -> None:
    for name in [
        name
        for name, value in request.COOKIES.items()
        if validation.has_control_characters(name + value, multiline=False)
    ]:
        del request.COOKIES[name]


def problem_message(name: str) -> str:
    if name == "":
        return _("L'indirizzo contiene caratteri di controllo (come il carattere nullo).")
    return _(
        "Il parametro «%(name)s» contiene caratteri di controllo (come il carattere nullo), "
        "che non sono ammessi."
    ) % {"name": name}


def _raised_reading_form(exception: Exception) -> bool:
    if not isinstance(exception, _FORM_READING_ERRORS):
        return False
    frame = exception.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_name == "value_from_datadict":
            return True
        frame = frame.tb_next
    return False


def refuse(
    request: HttpRequest, status: int, message: str, *, field: str | None = None
) -> HttpResponse:
    """A 4xx with its message: the API's JSON error, or the hub's error page."""
    if is_api_path(request.path_info):
        code = {400: "invalid", 413: "request_too_large"}.get(status, "invalid")
        fields = {field: [message]} if field else {}
        return JsonResponse(error_body(code, message, fields), status=status)
    template = "413.html" if status == 413 else "400.html"
    return render(request, template, {"message": message}, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """handler400: Django's SuspiciousOperation and BadRequest, with what went wrong."""
    if isinstance(exception, RequestDataTooBig):
        size_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20
        return refuse(
            request,
            413,
            _("La richiesta è troppo grande: al massimo %(size)s MB.")
            % {"size": f"{size_mb:.1f}".replace(".", ",").removesuffix(",0")},
        )
    if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        return refuse(
            request,
            400,
            _("Il modulo contiene troppi campi o file (al massimo %(max)s campi).")
            % {"max": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS},
        )
    if is_api_path(request.path_info):
        return refuse(request, 400, _("Richiesta non valida."))
    return render(request, "400.html", status=400)
