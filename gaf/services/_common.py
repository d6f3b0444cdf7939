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


def bulk_update_values(model: type[models.Model], rows: Sequence[dict], fields: Sequence[str]):
    """Set `fields` on many rows (each a dict with "pk") in ONE statement.

    Django's bulk_update sends a CASE expression per field in batches, so its number of
    queries (and on PostgreSQL its cost) grows with the rows; a round's close must not grow
    with its families. The rows travel as one JSON parameter joined to the table.
    """
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    columns = {name: model._meta.get_field(name) for name in fields}
    payload = json.dumps(
        [
            {
                "pk": row["pk"],
                **{name: None if row[name] is None else _json_value(row[name]) for name in fields},
            }
            for row in rows
        ]
    )
    quote = connection.ops.quote_name
    # The SQL is built from model metadata only (table and column names); the values travel
    # as one bound parameter.
    assignments = ", ".join(
        f"{quote(field.column)} = v.{quote(name)}" for name, field in columns.items()
    )
    if connection.vendor == "postgresql":
        definitions = ", ".join(
            [f"pk {model._meta.pk.db_type(connection)}"]
            + [f"{quote(name)} {field.db_type(connection)}" for name, field in columns.items()]
        )
        sql = (
            f"UPDATE {table} SET {assignments} "  # noqa: S608
            f"FROM jsonb_to_recordset(%s::jsonb) AS v({definitions}) "
            f"WHERE {table}.{pk_column} = v.pk"
        )
    elif connection.vendor == "sqlite":
        extracts = ", ".join(
            ["json_extract(value, '$.pk') AS pk"]
            + [f"json_extract(value, '$.{name}') AS {quote(name)}" for name in columns]
        )
        sql = (
            f"UPDATE {table} SET {assignments} "  # noqa: S608
            f"FROM (SELECT {extracts} FROM json_each(%s)) AS v "
            f"WHERE {table}.{pk_column} = v.pk"
        )
    else:
        model.objects.bulk_update(
            [model(pk=row["pk"], **{name: row[name] for name in fields}) for row in rows],
            list(fields),
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, [payload])


def _json_value(value):
    # Decimals travel as strings, so no digit is lost on the way to a NUMERIC column.
    return str(value) if isinstance(value, Decimal) else value


def euro(amount: Decimal) -> str:
    """An amount as people read it in Italy: 1.234,50 €."""
    return f"{formatting.euro(amount)} €"
