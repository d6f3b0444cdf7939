"""The one CSV writer of the hub: every CSV file the hub produces is written here.

Cells are neutralised against CSV (formula) injection as OWASP recommends: a text cell that
starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe, so
that Excel, LibreOffice and Google Sheets show it as text instead of running it. The
apostrophe is what those programs themselves use to mark "this is text", and it keeps
the rest of the value as typed.

Numbers are told apart by their type, not by their look: an `int` or a `Decimal` is written
as a number (in the dialect's decimal separator) and never escaped, so -2 stays a number a
spreadsheet can add up; a string that merely looks like one ("-2+3", "-1") is text typed by
someone and is escaped like any other. Callers pass amounts and quantities as Decimal.

Two dialects:
- `ITALIAN_EXCEL`: `;` between cells, decimal comma, CRLF, UTF-8 with a BOM, so that a
  spreadsheet set to Italian opens it right with a double click (GAF orders, attendees);
- `OPEN_DATA`: RFC 4180 (`,`, decimal point, CRLF, UTF-8 without BOM), for programs (the
  mappatura's open-data export).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse

# A spreadsheet takes a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    decimal_separator: str
    bom: bool
    lineterminator: str = "\r\n"


ITALIAN_EXCEL = Dialect(delimiter=";", decimal_separator=",", bom=True)
OPEN_DATA = Dialect(delimiter=",", decimal_separator=".", bom=False)


def cell(value, dialect: Dialect = ITALIAN_EXCEL) -> str:
    """One cell as text: numbers in the dialect's notation, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        # "f": never an exponent (1E+2), whatever the Decimal's own representation.
        return format(value, "f").replace(".", dialect.decimal_separator)
    if isinstance(value, float):
        raise TypeError("CSV numbers are int or Decimal: floats are not exact.")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class CsvWriter:
    """Rows in, CSV out: `writerow`, then `text()` or `content()` (bytes, UTF-8)."""

    def __init__(self, dialect: Dialect = ITALIAN_EXCEL):
        self.dialect = dialect
        self._buffer = io.StringIO()
        if dialect.bom:
            self._buffer.write(BOM)
        self._writer = csv.writer(
            self._buffer, delimiter=dialect.delimiter, lineterminator=dialect.lineterminator
        )

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([cell(value, self.dialect) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)

    def text(self) -> str:
        return self._buffer.getvalue()

    def content(self) -> bytes:
        return self.text().encode("utf-8")


def csv_response(writer: CsvWriter, *, filename: str) -> HttpResponse:
    """The CSV as a download named `filename`."""
    response = HttpResponse(writer.content(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
