"""Helpers shared by the GAF services: errors, locks, formatting and a one-statement update."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import formats, timezone

from gaf import units
from gaf.models import GroupMembership, OrderRound
from hub import formatting


class RoundConflict(ValidationError):
    """The round's state refuses the change (it is not open, its deadline has not come):
    a conflict with the state, not bad input. Its `code` is one of gaf.rounds.ROUND_CONFLICTS,
    which gaf registers with hub.api_errors, so pages and the API answer 409 with it."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message, code=code)


def fail(field: str | None, message: str, code: str = "invalid"):
    """Raise a ValidationError on one field (None: the whole request)."""
    if field is None:
        raise ValidationError(message, code=code)
    raise ValidationError({field: ValidationError(message, code=code)})


def local(moment: datetime) -> str:
    """A date-time as people read it in Italy: 25/10/2026 20:00."""
    return formats.date_format(timezone.localtime(moment), "d/m/Y H:i")


def quantity_text(quantity: Decimal, unit: str) -> str:
    """A quantity in a message: "0,5 kg", "2 vasetti"."""
    return f"{formatting.quantity(quantity)} {units.unit_text(unit, quantity)}"


def lock_round(round_id: int) -> OrderRound:
    """The round row, locked until the transaction ends (SQLite: the IMMEDIATE write lock)."""
    return OrderRound.objects.select_for_update().select_related("group").get(pk=round_id)


def membership_of(group_id: int, family_id: int, *, lock: bool = False) -> GroupMembership | None:
    queryset = GroupMembership.objects.filter(group_id=group_id, family_id=family_id)
    if lock:
        queryset = queryset.select_for_update()
    return queryset.first()


def bulk_update_values(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence],
    *,
    key: Sequence[str] = ("pk",),
) -> None:
    """Set `fields` on many rows with ONE statement whatever their number.

    Each row is `(*values, *key_values)`: the values in the order of `fields`, then the
    row's `key` (by default its primary key; or fields that identify one row, such as a
    unique pair). Decimals are best passed as strings (`str(value)`: exact, and what the
    drivers send anyway), so that the rows go to the driver as they are.

    Django's bulk_update sends a CASE expression per field in batches, so its number of
    queries (and its cost) grows with the rows; a round's close must not grow with its
    families. On PostgreSQL the rows travel as one JSON parameter joined to the table; on
    SQLite, which runs in the process, the driver's executemany runs one prepared UPDATE
    for each row (faster than parsing a JSON document, and one query in the logs).
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [model._meta.get_field(name) for name in fields]
    keys = [model._meta.pk if name == "pk" else model._meta.get_field(name) for name in key]
    # The SQL is built from model metadata only (table and column names); the values are
    # bound parameters.
    if connection.vendor == "sqlite":
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
        where = " AND ".join(f"{quote(field.column)} = %s" for field in keys)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {where}",  # noqa: S608
                rows,
            )
        return
    if connection.vendor != "postgresql":  # the hub runs on SQLite or PostgreSQL only
        for row in rows:
            model.objects.filter(**dict(zip(key, row[len(fields) :], strict=True))).update(
                **dict(zip(fields, row, strict=False))
            )
        return
    selected = ", ".join(
        f"(value->>{index})::{field.db_type(connection)} AS v{index}"
        for index, field in enumerate([*columns, *keys])
    )
    assignments = ", ".join(
        f"{quote(field.column)} = v.v{index}" for index, field in enumerate(columns)
    )
    where = " AND ".join(
        f"{table}.{quote(field.column)} = v.v{index}"
        for index, field in enumerate(keys, start=len(columns))
    )
    sql = (
        f"UPDATE {table} SET {assignments} "  # noqa: S608
        f"FROM (SELECT {selected} FROM jsonb_array_elements(%s::jsonb)) AS v WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(rows, default=str)])


def euro(amount: Decimal) -> str:
    """An amount as people read it in Italy: 1.234,50 €."""
    return f"{formatting.euro(amount)} €"
