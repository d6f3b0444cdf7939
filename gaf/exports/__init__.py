"""The documents of a closed order round as files: CSV and JSON for the producer, PDF to print.

Renderers take the plain values of `gaf.documents` and return bytes; they never touch the
database, so a view, a task attaching the order to an e-mail and the tests all call them
the same way. Labels go through gettext at render time, so a PDF comes out in the active
language; amounts are Decimal throughout and are written in Italian style ("1.234,56 €").

Choices, and why:

- CSV is for a producer opening it in Excel set to Italian: UTF-8 with a BOM (without it
  Excel reads the file as cp1252 and garbles "è"), `;` as separator (Excel's list
  separator in Italy, since the comma is the decimal mark) and numbers with a decimal
  comma and no thousands separator, so Excel reads them as numbers and sums them: the
  hub's one CSV writer, hub.csv_export, in its ITALIAN_EXCEL dialect, which also gives
  text cells that would start a formula a leading apostrophe (CSV injection).
- JSON is for software: keys as in `gaf.documents`, sorted; amounts as strings ("12.34"),
  never floats; the close time in ISO 8601 with the Rome offset.
- PDFs use Helvetica, one of the fonts every PDF reader has, so nothing is embedded. Its
  encoding (WinAnsi) holds every Italian letter and "€"; a character outside it (a
  Romanian "ș", a Polish "ł") is printed without its accent rather than as a black box.
  Output is `invariant` (the same documents give the same bytes); `compress=False` leaves
  the page streams readable, which the tests use to find the text.
"""

from gaf.exports.data import supplier_order_csv, supplier_order_json
from gaf.exports.formatting import (
    ROME,
    format_date,
    format_datetime,
    format_euro,
    format_quantity,
    format_vat_rate,
    unit_label,
)
from gaf.exports.pdf import family_receipt_pdf, family_slips_pdf, supplier_order_pdf

__all__ = [
    "ROME",
    "family_receipt_pdf",
    "family_slips_pdf",
    "format_date",
    "format_datetime",
    "format_euro",
    "format_quantity",
    "format_vat_rate",
    "supplier_order_csv",
    "supplier_order_json",
    "supplier_order_pdf",
    "unit_label",
]
