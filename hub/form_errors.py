"""A service's refusal, put on the form that asked for it.

Services raise django's ValidationError, field by field, with the service's own names
for the fields. A view hands its bound form and the service call to `submit`: a valid
form runs the call, and a refusal lands on the matching fields (the rest at the top of
the form), so the view only decides what to render in each case:

    ok, payment = submit(form, lambda data: services.payment_record(by=user, **data))
    if ok:
        return redirect(...)
    return render(..., status=400)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError

from hub import api_errors

Result = TypeVar("Result")


def add_service_error(
    form: forms.BaseForm,
    error: ValidationError,
    *,
    field_for: Callable[[str], str | None] | None = None,
) -> None:
    """Put `error` on `form`: each field's messages on the form field of that name (or the
    one `field_for(name)` gives), anything else among the form's non-field errors."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.error_dict.items():
        target = field_for(name) if field_for is not None else name
        form.add_error(target if target in form.fields else None, messages)


def submit(
    form: forms.BaseForm,
    call: Callable[[dict[str, Any]], Result],
    *,
    field_for: Callable[[str], str | None] | None = None,
) -> tuple[bool, Result | None]:
    """`(True, call(form.cleaned_data))` when the form is valid and the service accepts;
    `(False, None)` when either refuses, the reasons being on the form."""
    if not form.is_valid():
        return False, None
    try:
        return True, call(form.cleaned_data)
    except ValidationError as error:
        add_service_error(form, error, field_for=field_for)
        return False, None


def refusal_status(error: ValidationError) -> int:
    """The status of a page that shows a service's refusal: 409 when it is a conflict with
    the state of the thing (a code an app registered with hub.api_errors, as the API
    answers), 400 for bad input."""
    return 409 if api_errors.conflict_code(error) else 400


def error_messages(error: ValidationError) -> list[str]:
    """A refusal's messages, for a page that has no form to put them on."""
    return [str(message) for message in error.messages]
