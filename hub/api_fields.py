"""DRF fields with the hub's bounds (hub.validation): what the API takes, the pages take.

DRF's own fields hand the year 1 to a time zone conversion (OverflowError: a 500) and let
Decimal read "1_000", "１" and "1E+308"; these refuse them with a message on the field.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from hub import validation


class BoundedDateField(serializers.DateField):
    """A date between hub.validation.DATE_MIN and DATE_MAX."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not validation.date_in_bounds(day):
            raise serializers.ValidationError(
                validation.date_bounds_message(), code="date_out_of_range"
            )
        return day


class BoundedDateTimeField(serializers.DateTimeField):
    """A date-time whose day is between DATE_MIN and DATE_MAX, checked before any time
    zone conversion (which is what overflows at the ends of the calendar)."""

    def enforce_timezone(self, value):
        if not validation.date_in_bounds(value):
            raise serializers.ValidationError(
                validation.date_bounds_message(), code="date_out_of_range"
            )
        return super().enforce_timezone(value)


class StrictDecimalField(serializers.DecimalField):
    """A decimal read as hub.validation.parse_decimal reads it (ASCII digits only,
    within `max_digits` and `decimal_places`); numbers in JSON are accepted too."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, float):
            # A JSON number: its shortest repr is what the client wrote.
            data = repr(data)
        try:
            number = validation.parse_decimal(
                data if isinstance(data, Decimal) else str(data),
                max_digits=self.max_digits,
                decimal_places=self.decimal_places,
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages, code=error.code) from None
        return super().to_internal_value(number)
