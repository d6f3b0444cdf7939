"""The API's request parsers: DRF's, plus the hub's limits on what a body may hold.

A JSON body is refused with a 400 in the hub's error format when it is nested deeper than
MAX_JSON_DEPTH (a body nested 100,000 deep made Python's decoder raise RecursionError: a
500), when it holds more values than a form may have fields
(DATA_UPLOAD_MAX_NUMBER_FIELDS), or when any of its strings, keys included, holds control
characters or lone surrogates (hub.validation): no string the database cannot store gets
past the parser, whatever the serializer. Form bodies get the same check on their fields.
The size of any body is Django's DATA_UPLOAD_MAX_MEMORY_SIZE (a 413, see hub.views).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

from hub import validation

MAX_JSON_DEPTH = 32


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise _too_deep() from None
        except exceptions.ParseError as error:
            raise exceptions.ParseError(
                _("Il corpo della richiesta non è un JSON valido (%(detail)s).")
                % {"detail": error.detail}
            ) from None
        check_json(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        check_form(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        check_form(parsed.data)
        return parsed


def check_json(data, *, limits: bool = True) -> None:
    """Raise a 400 (ValidationError or ParseError) unless a decoded JSON value is within the
    hub's limits: no control characters anywhere, and (with `limits`) its depth and number
    of values. Iterative, so no depth can make it recurse."""
    max_values = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS if limits else None
    max_depth = MAX_JSON_DEPTH if limits else None
    stack: list[tuple[object, tuple[str, ...]]] = [(data, ())]
    seen = 0
    while stack:
        value, path = stack.pop()
        seen += 1
        if max_values is not None and seen > max_values:
            raise exceptions.ParseError(
                _("Il corpo della richiesta contiene troppi valori (al massimo %(max)s).")
                % {"max": max_values},
                code="too_many_values",
            )
        if max_depth is not None and len(path) > max_depth:
            raise _too_deep()
        if isinstance(value, str):
            if validation.has_control_characters(value):
                raise _bad_characters(path)
        elif isinstance(value, dict):
            for key, item in value.items():
                if validation.has_control_characters(key, multiline=False):
                    raise _bad_characters(path)
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, str(index))) for index, item in enumerate(value))


def check_form(data) -> None:
    for key, values in data.lists():
        if validation.has_control_characters(key, multiline=False) or any(
            isinstance(value, str) and validation.has_control_characters(value) for value in values
        ):
            raise _bad_characters((key,))


def _too_deep() -> exceptions.ParseError:
    return exceptions.ParseError(
        _("Il JSON inviato è annidato troppo in profondità (al massimo %(max)s livelli).")
        % {"max": MAX_JSON_DEPTH},
        code="too_deep",
    )


def _bad_characters(path: tuple[str, ...]) -> exceptions.ValidationError:
    """The error on the field that holds the characters, as serializers nest their errors."""
    message = str(validation.CONTROL_CHARACTERS_MESSAGE)
    detail: object = [message]
    for key in reversed(path):
        detail = {key: detail}
    if not isinstance(detail, dict):
        detail = {"non_field_errors": detail}
    else:
        detail["non_field_errors"] = [message]
    return exceptions.ValidationError(detail, code="control_characters")
