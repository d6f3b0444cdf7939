"""What the hub accepts from outside, in one place: text, dates, numbers, list lengths.

Every way in (pages, forms, the API, imports) uses these bounds, so a value the hub took
can always be stored, shown, exported and put in a calendar feed:

- text: no control characters (NUL above all: PostgreSQL refuses it in text, so it must
  never reach a query); tabs and line breaks are allowed where text can span lines;
- dates: between 1 January 1900 and 31 December 2100, far enough from the ends of
  Python's calendar (years 1 and 9999) that adding a series' two years, a time zone's
  offset or a feed's exclusive end never overflows;
- decimal numbers: ASCII digits with one decimal separator (Python's Decimal also takes
  "1_000", full-width "１" and "1E+308"), within the digits of the column they go to.

Messages are Italian msgids, translated like the rest of the hub.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2100, 12, 31)

# C0 controls and DEL, except tab, line feed and carriage return (text areas send them).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Names, paths and single-line values: no control character at all.
ANY_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")
# Lone UTF-16 surrogates: a JSON string may carry them ("\ud800"), no database can store them.
SURROGATES = re.compile(r"[\ud800-\udfff]")

ASCII_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")

CONTROL_CHARACTERS_MESSAGE = gettext_lazy(
    "Il testo contiene caratteri di controllo (come il carattere nullo) che non sono ammessi."
)


# --- Text -------------------------------------------------------------------------------------


def has_control_characters(text: str, *, multiline: bool = True) -> bool:
    """Whether `text` holds characters no field of the hub accepts.

    `multiline` allows tabs and line breaks (form fields, JSON strings); without it
    (paths, parameter names) every control character counts.
    """
    pattern = CONTROL_CHARACTERS if multiline else ANY_CONTROL_CHARACTER
    return bool(pattern.search(text) or SURROGATES.search(text))


def strip_control_characters(text: str) -> str:
    """`text` without the characters has_control_characters refuses (for imported text,
    which nobody can be asked to correct)."""
    return SURROGATES.sub("", CONTROL_CHARACTERS.sub("", text))


def validate_no_control_characters(value) -> None:
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")


# --- Dates ------------------------------------------------------------------------------------


def date_in_bounds(value: date | datetime | None) -> bool:
    """Whether a date (or a date-time, by its own calendar day) is within the hub's years.

    An aware date-time is judged by its date in its own zone: converting year 1 or 9999
    to another zone is exactly what overflows.
    """
    if value is None:
        return True
    day = value.date() if isinstance(value, datetime) else value
    return DATE_MIN <= day <= DATE_MAX


def date_bounds_message() -> str:
    return _("La data deve essere compresa tra il %(min)s e il %(max)s.") % {
        "min": f"{DATE_MIN:%d/%m/%Y}",
        "max": f"{DATE_MAX:%d/%m/%Y}",
    }


def validate_date_in_bounds(value) -> None:
    """Django validator for DateField and DateTimeField (forms, models, DRF)."""
    if isinstance(value, date) and not date_in_bounds(value):
        raise ValidationError(date_bounds_message(), code="date_out_of_range")


# --- Decimal numbers --------------------------------------------------------------------------


def parse_decimal(value, *, max_digits: int, decimal_places: int) -> Decimal:
    """A decimal typed by a person or sent by a program, or ValidationError saying why.

    Accepts ASCII digits with an optional sign and one decimal separator (a point or a
    comma); refuses exponents, underscores, non-ASCII digits, infinities and numbers the
    column (`max_digits`, `decimal_places`) cannot hold.
    """
    if isinstance(value, float):
        raise TypeError("use Decimal or str for decimal numbers, not float")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _not_a_number(value)
        number = value
    else:
        text = str(value).strip()
        if "." not in text:
            text = text.replace(",", ".", 1)
        if not ASCII_DECIMAL.fullmatch(text):
            raise _not_a_number(value)
        try:
            number = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
            raise _not_a_number(value) from None
    check_decimal_digits(number, max_digits=max_digits, decimal_places=decimal_places)
    return number


def check_decimal_digits(number: Decimal, *, max_digits: int, decimal_places: int) -> None:
    """ValidationError unless `number` fits a column of `max_digits` and `decimal_places`."""
    normalized = number.normalize() if number else Decimal(0)
    _sign, digits, exponent = normalized.as_tuple()
    places = max(0, -exponent)
    whole = max(0, len(digits) + exponent)
    if places > decimal_places:
        raise ValidationError(
            _("Al massimo %(places)s cifre dopo la virgola.") % {"places": decimal_places},
            code="max_decimal_places",
        )
    if whole > max_digits - decimal_places:
        raise ValidationError(
            _("Il numero è troppo grande: al massimo %(digits)s cifre prima della virgola.")
            % {"digits": max_digits - decimal_places},
            code="max_whole_digits",
        )


def _not_a_number(value) -> ValidationError:
    shown = str(value)
    if len(shown) > 20 or has_control_characters(shown):
        shown = shown[:20].encode("ascii", "backslashreplace").decode() + "…"
    return ValidationError(
        _("«%(value)s» non è un numero: scrivi solo cifre, con la virgola per i decimali.")
        % {"value": shown},
        code="invalid",
    )


class StrictDecimalField(forms.DecimalField):
    """A form's DecimalField that reads only ASCII digits (see parse_decimal).

    Django's own field hands the text to Decimal, which takes "1_000", "１" and exponents.
    `max_digits` and `decimal_places` are required: they are the column's.
    """

    def __init__(self, *, max_digits: int, decimal_places: int, **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            text = value.strip()
            if self.localize:
                text = str(formats.sanitize_separators(text))
            if not ASCII_DECIMAL.fullmatch(text):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)
