"""The supplier order as data files: CSV for a producer in Excel, JSON for software."""

import json
from decimal import Decimal

from django.utils.translation import gettext as _

from gaf.documents import SupplierOrder
from gaf.exports.formatting import _plain_number, _rome, format_vat_rate, unit_label
from hub.csv_export import ITALIAN_EXCEL, CsvWriter

# CSV


def _csv_number(value: Decimal, *, min_places: int = 0) -> Decimal:
    """The number with the places it is shown with (hub.csv_export writes the comma)."""
    return Decimal(_plain_number(value, min_places=min_places))


def supplier_order_csv(order: SupplierOrder) -> bytes:
    """The order as a spreadsheet: one row per product, then one row per VAT rate and the total.

    Columns: code, product, unit, quantity, cases, unit price, VAT rate, taxable base,
    VAT, total. Product rows leave base and VAT empty; a blank row separates them from
    the VAT summary rows, which fill base, VAT and total; the last row holds the totals.
    """
    writer = CsvWriter(ITALIAN_EXCEL)
    writer.writerow(
        [
            _("Codice"),
            _("Prodotto"),
            _("Unità"),
            _("Quantità"),
            _("Colli"),
            _("Prezzo unitario (IVA inclusa)"),
            _("Aliquota IVA"),
            _("Imponibile"),
            _("IVA"),
            _("Totale (IVA inclusa)"),
        ]
    )
    for line in order.lines:
        writer.writerow(
            [
                line.product_code,
                line.product_name,
                unit_label(line.unit),
                _csv_number(line.quantity),
                "" if line.cases is None else line.cases,
                _csv_number(line.unit_price, min_places=2),
                _csv_number(line.vat_rate),
                "",
                "",
                _csv_number(line.total, min_places=2),
            ]
        )
    writer.writerow([])
    for vat_line in order.vat:
        writer.writerow(
            [
                "",
                _("Riepilogo IVA %(rate)s") % {"rate": format_vat_rate(vat_line.rate)},
                "",
                "",
                "",
                "",
                _csv_number(vat_line.rate),
                _csv_number(vat_line.base, min_places=2),
                _csv_number(vat_line.vat, min_places=2),
                _csv_number(vat_line.gross, min_places=2),
            ]
        )
    writer.writerow(
        [
            "",
            _("Totale ordine"),
            "",
            "",
            "",
            "",
            "",
            _csv_number(sum((v.base for v in order.vat), Decimal("0.00")), min_places=2),
            _csv_number(sum((v.vat for v in order.vat), Decimal("0.00")), min_places=2),
            _csv_number(order.total, min_places=2),
        ]
    )
    return writer.content()


# JSON


def _json_amount(value: Decimal) -> str:
    return _plain_number(value, min_places=2)


def supplier_order_json(order: SupplierOrder) -> bytes:
    """The order for software: UTF-8 JSON, sorted keys, amounts as strings, ISO 8601 dates."""
    payload = {
        "format": "gaf-supplier-order",
        "version": 1,
        "round_id": order.round_id,
        "round_title": order.round_title,
        "group_name": order.group_name,
        "supplier_name": order.supplier_name,
        "supplier_email": order.supplier_email,
        "closes_at": _rome(order.closes_at).isoformat(),
        "pickup_date": order.pickup_date.isoformat(),
        "lines": [
            {
                "product_code": line.product_code,
                "product_name": line.product_name,
                "unit": line.unit,
                "quantity": _plain_number(line.quantity, min_places=0),
                "cases": line.cases,
                "unit_price": _json_amount(line.unit_price),
                "vat_rate": _plain_number(line.vat_rate, min_places=0),
                "total": _json_amount(line.total),
            }
            for line in order.lines
        ],
        "vat": [
            {
                "rate": _plain_number(vat_line.rate, min_places=0),
                "base": _json_amount(vat_line.base),
                "vat": _json_amount(vat_line.vat),
                "gross": _json_amount(vat_line.gross),
            }
            for vat_line in order.vat
        ],
        "total": _json_amount(order.total),
    }
    return (json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
