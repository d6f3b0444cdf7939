"""Rendering a closed round's documents: CSV and JSON for the producer, PDFs to print."""

import csv
import io
import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from gaf.documents import (
    FamilySlip,
    RoundDocuments,
    SlipLine,
    SupplierOrder,
    SupplierOrderLine,
    VatSummaryLine,
)
from gaf.exports import (
    family_receipt_pdf,
    family_slips_pdf,
    format_date,
    format_datetime,
    format_euro,
    format_quantity,
    format_vat_rate,
    supplier_order_csv,
    supplier_order_json,
    supplier_order_pdf,
)
from gaf.money import line_price, vat_breakdown

D = Decimal
ROME_EVENING = datetime(2026, 3, 13, 17, 0, tzinfo=UTC)  # 18:00 in Rome (CET)


def order_line(code, name, unit, quantity, price, rate, cases=None):
    unit_price, total = line_price(D(quantity), D(quantity), D(price))
    return SupplierOrderLine(
        product_code=code,
        product_name=name,
        unit=unit,
        quantity=D(quantity),
        cases=cases,
        unit_price=unit_price,
        vat_rate=D(rate),
        total=total,
    )


def supplier_order(lines, **overrides):
    vat = tuple(
        VatSummaryLine(rate=v.rate, base=v.base, vat=v.vat, gross=v.gross)
        for v in vat_breakdown((line.total, line.vat_rate) for line in lines).values()
    )
    values = {
        "round_id": 42,
        "round_title": "Verdura di primavera",
        "group_name": "GAF Cinisello Balsamo",
        "supplier_name": "Cascina Sant'Ambrogio",
        "supplier_email": "ordini@cascina.example.org",
        "closes_at": ROME_EVENING,
        "pickup_date": date(2026, 3, 20),
        "lines": tuple(lines),
        "vat": vat,
        "total": sum((line.total for line in lines), D("0.00")),
    }
    return SupplierOrder(**(values | overrides))


LINES = (
    order_line("MEL-01", "Mele renette (qualità extra)", "kg", "12.500", "2.10", 4, cases=1),
    order_line("CAF-02", "Caffè d'orzo & cicoria <bio>", "pz", "6", "3.4500", 22, cases=1),
    order_line("OLI-03", "Olio extravergine più fruttato", "l", "1000", "9.80", 4),
    order_line("=CMD", "-Pane àùòìè", "pz", "3", "1.125", 10),
)
ORDER = supplier_order(LINES)


def slip(family_id, name, point, lines, fund="0.50", shared="1.00"):
    slip_lines = tuple(
        SlipLine(
            product_name=product,
            unit=unit,
            quantity=D(quantity),
            unit_price=D(price),
            total=(D(quantity) * D(price)).quantize(D("0.01")),
        )
        for product, unit, quantity, price in lines
    )
    goods = sum((line.total for line in slip_lines), D("0.00"))
    return FamilySlip(
        family_id=family_id,
        family_name=name,
        pickup_point=point,
        lines=slip_lines,
        goods_total=goods,
        fund_share=D(fund),
        shared_costs=D(shared),
        total=goods + D(fund) + D(shared),
    )


SLIPS = (
    slip(1, "Famiglia Bianchi Niccolò", "Biblioteca di Muggiò", [("Mele", "kg", "2.5", "2.10")]),
    slip(
        2, "Famiglia Ștefănescu Łukasz 李", "Biblioteca di Muggiò", [("Caffè", "pz", "1", "3.45")]
    ),
    slip(3, "Famiglia Rossi", "Oratorio San Giuseppe", [("Olio più buono", "l", "2", "9.80")]),
)
DOCS = RoundDocuments(
    supplier_order=ORDER, slips=SLIPS, fund_total=D("1.50"), shared_costs_total=D("3.00")
)


# Reading the PDFs back: with compression off, reportlab writes each page's text as
# `(…) Tj` operators, in cp1252 with octal escapes for bytes outside ASCII.

_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw: bytes) -> str:
    def replace(match):
        escaped = match.group(1)
        if escaped[:1].isdigit():
            return bytes([int(escaped, 8)])
        return _ESCAPES.get(escaped, escaped)

    return re.sub(rb"\\([0-7]{1,3}|.)", replace, raw).decode("cp1252").replace("\xa0", " ")


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page, words separated by single spaces.

    Within a line reportlab may split the text into several `Tj` (at markup such as an
    escaped "<"); lines end with `T*`, and each table cell is a text block of its own.
    """
    pages = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL):
        tokens = re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj|(T\*|ET)", stream)
        if tokens:
            text = "".join(_unescape(raw) if raw else " " for raw, _ in tokens)
            pages.append(" ".join(text.split()))
    return pages


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page(?!s)", pdf))


def amount(text):
    return D(text.replace(".", "").replace(",", "."))


# Formatting


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("1234.56"), "1.234,56 €"),
        (D("1234567.8"), "1.234.567,80 €"),
        (D("0"), "0,00 €"),
        (D("-0.00"), "0,00 €"),
        (D("-5.5"), "-5,50 €"),
        (D("2.1250"), "2,125 €"),
        (D("7.00"), "7,00 €"),
    ],
)
def test_format_euro_is_italian(value, expected):
    assert format_euro(value) == expected.replace(" ", "\u00a0")


def test_format_euro_refuses_floats():
    with pytest.raises(TypeError, match="float"):
        format_euro(1.5)


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False))
def test_format_euro_reads_back_as_the_same_amount(value):
    assert amount(format_euro(value).removesuffix("\u00a0€")) == value


@pytest.mark.parametrize(
    ("quantity", "unit", "expected"),
    [
        (D("12.500"), "kg", "12,5 kg"),
        (D("3"), "pz", "3 pz"),
        (D("1E+2"), "l", "100 l"),
        (D("1250"), "", "1250"),
    ],
)
def test_format_quantity(quantity, unit, expected):
    assert format_quantity(quantity, unit) == expected.replace(" ", "\u00a0")


def test_format_vat_rate():
    assert [format_vat_rate(D(rate)) for rate in ("4", "22.00", "5.5")] == ["4%", "22%", "5,5%"]


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (ROME_EVENING, "venerdì 13 marzo 2026, ore 18:00"),
        # Spring forward: 02:00 CET becomes 03:00 CEST on 29 March 2026.
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "domenica 29 marzo 2026, ore 01:30"),
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "domenica 29 marzo 2026, ore 03:30"),
        # Fall back: 02:30 happens twice on 25 October 2026.
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "domenica 25 ottobre 2026, ore 02:30"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "domenica 25 ottobre 2026, ore 02:30"),
    ],
)
def test_format_datetime_is_rome_wall_clock(moment, expected):
    assert format_datetime(moment) == expected


def test_format_date():
    assert format_date(date(2026, 8, 3)) == "lunedì 3 agosto 2026"


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        format_datetime(datetime(2026, 3, 13, 18, 0))


# CSV


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_csv_has_a_header_a_row_per_line_vat_rows_and_the_total():
    rows = read_csv(supplier_order_csv(ORDER))
    header, product_rows = rows[0], rows[1 : 1 + len(LINES)]
    assert header == [
        "Codice",
        "Prodotto",
        "Unità",
        "Quantità",
        "Colli",
        "Prezzo unitario (IVA inclusa)",
        "Aliquota IVA",
        "Imponibile",
        "IVA",
        "Totale (IVA inclusa)",
    ]
    assert rows[1 + len(LINES)] == []
    vat_rows, total_row = rows[2 + len(LINES) : -1], rows[-1]
    assert len(vat_rows) == len(ORDER.vat) == 3

    assert sum(amount(row[9]) for row in product_rows) == ORDER.total
    assert sum(amount(row[9]) for row in vat_rows) == ORDER.total
    assert amount(total_row[9]) == ORDER.total
    assert amount(total_row[7]) + amount(total_row[8]) == ORDER.total
    for row, vat_line in zip(vat_rows, ORDER.vat, strict=True):
        assert (amount(row[6]), amount(row[7]), amount(row[8])) == (
            vat_line.rate,
            vat_line.base,
            vat_line.vat,
        )
    assert total_row[1] == "Totale ordine"


def test_csv_numbers_use_the_decimal_comma_without_grouping():
    rows = read_csv(supplier_order_csv(ORDER))
    apples, coffee, oil = rows[1], rows[2], rows[3]
    assert apples[:7] == ["MEL-01", "Mele renette (qualità extra)", "kg", "12,5", "1", "2,10", "4"]
    assert apples[9] == "26,25"
    assert coffee[1] == "Caffè d'orzo & cicoria <bio>"
    assert coffee[5] == "3,45"
    assert oil[3:5] == ["1000", ""]
    assert oil[9] == "9800,00"


def test_csv_text_cells_cannot_start_a_formula():
    bread = read_csv(supplier_order_csv(ORDER))[4]
    assert bread[:2] == ["'=CMD", "'-Pane àùòìè"]
    assert bread[5] == "1,125"


# JSON


def test_json_round_trips_to_the_same_order():
    data = json.loads(
        supplier_order_json(ORDER),
        parse_float=lambda text: pytest.fail(f"float in JSON: {text}"),
    )
    assert (data["format"], data["version"]) == ("gaf-supplier-order", 1)
    rebuilt = SupplierOrder(
        round_id=data["round_id"],
        round_title=data["round_title"],
        group_name=data["group_name"],
        supplier_name=data["supplier_name"],
        supplier_email=data["supplier_email"],
        closes_at=datetime.fromisoformat(data["closes_at"]),
        pickup_date=date.fromisoformat(data["pickup_date"]),
        lines=tuple(
            SupplierOrderLine(
                **{
                    key: D(value)
                    if key not in {"product_code", "product_name", "unit", "cases"}
                    else value
                    for key, value in line.items()
                }
            )
            for line in data["lines"]
        ),
        vat=tuple(VatSummaryLine(**{k: D(v) for k, v in line.items()}) for line in data["vat"]),
        total=D(data["total"]),
    )
    assert rebuilt == ORDER


def test_json_amounts_are_strings_with_cents_and_dates_carry_the_offset():
    text = supplier_order_json(ORDER).decode()
    data = json.loads(text)
    assert data["closes_at"] == "2026-03-13T18:00:00+01:00"
    assert data["pickup_date"] == "2026-03-20"
    assert data["lines"][0] == {
        "cases": 1,
        "product_code": "MEL-01",
        "product_name": "Mele renette (qualità extra)",
        "quantity": "12.5",
        "total": "26.25",
        "unit": "kg",
        "unit_price": "2.10",
        "vat_rate": "4",
    }
    assert data["lines"][3]["unit_price"] == "1.125"
    assert data["total"] == str(ORDER.total)
    assert list(data) == sorted(data)
    assert "qualità" in text  # UTF-8, not \u escapes


def test_json_summer_close_has_the_summer_offset():
    order = supplier_order(LINES, closes_at=datetime(2026, 6, 1, 16, 0, tzinfo=UTC))
    assert json.loads(supplier_order_json(order))["closes_at"] == "2026-06-01T18:00:00+02:00"


# PDF


def test_supplier_order_pdf_shows_the_order():
    pdf = supplier_order_pdf(ORDER, compress=False)
    assert pdf.startswith(b"%PDF")
    assert page_count(pdf) == 1
    text = page_texts(pdf)[0]
    for expected in (
        "Ordine a Cascina Sant'Ambrogio",
        "GAF Cinisello Balsamo",
        "ordini@cascina.example.org",
        "Verdura di primavera (n. 42)",
        "venerdì 13 marzo 2026, ore 18:00",
        "venerdì 20 marzo 2026",
        "Caffè d'orzo & cicoria <bio>",
        "Olio extravergine più fruttato",
        "12,5 kg",
        "1,125 €",
        "9.800,00 €",
        "Riepilogo IVA",
        "22%",
        f"Totale ordine (IVA inclusa): {format_euro(ORDER.total)}".replace("\u00a0", " "),
        "Pagina 1 di 1",
    ):
        assert expected in text, expected
    for vat_line in ORDER.vat:
        assert format_euro(vat_line.base).replace("\u00a0", " ") in text


def test_pdfs_are_deterministic_and_compressed_by_default():
    compressed = supplier_order_pdf(ORDER)
    assert compressed == supplier_order_pdf(ORDER)
    assert compressed.startswith(b"%PDF")
    assert page_count(compressed) == 1
    assert b"Mele renette" not in compressed
    assert len(compressed) < len(supplier_order_pdf(ORDER, compress=False))


def test_long_order_repeats_the_table_header_on_every_page():
    lines = [
        order_line(f"P{n:03}", f"Prodotto numero {n}", "pz", "2", "1.50", 10) for n in range(150)
    ]
    pdf = supplier_order_pdf(supplier_order(lines), compress=False)
    pages = page_texts(pdf)
    assert len(pages) == page_count(pdf) > 2
    for number, text in enumerate(pages, start=1):
        assert f"Pagina {number} di {len(pages)}" in text
        assert "Prezzo unitario" in text or "Prodotto numero" not in text
    assert all(f"Prodotto numero {n}" in "".join(pages) for n in range(150))


def test_empty_order_still_renders():
    pdf = supplier_order_pdf(supplier_order([]), compress=False)
    assert "Nessun prodotto ordinato." in page_texts(pdf)[0]


def test_pdf_metadata_carries_the_active_language():
    with translation.override("en"):
        pdf = supplier_order_pdf(ORDER, compress=False)
    assert b"/Lang (en)" in pdf


def test_family_slips_have_a_section_per_pickup_point():
    pdf = family_slips_pdf(DOCS, compress=False)
    pages = page_texts(pdf)
    assert page_count(pdf) == len(pages) == 2
    first, second = pages
    assert "Punto di ritiro: Biblioteca di Muggiò" in first
    assert "2 famiglie, da incassare" in first
    assert "Famiglia Bianchi Niccolò" in first
    # Letters Helvetica cannot draw lose their accent; a character with no Latin form is "?".
    assert "Famiglia Stefanescu Lukasz ?" in first
    assert "Oratorio" not in first
    assert "Punto di ritiro: Oratorio San Giuseppe" in second
    assert "1 famiglia, da incassare" in second
    assert "Famiglia Rossi" in second
    assert "Olio più buono" in second
    for label in ("Totale merce", "Quota per il Fondo Solidale", "Costi condivisi"):
        assert first.count(label) == 2
        assert second.count(label) == 1
    assert "Totale da pagare" in second
    assert format_euro(SLIPS[2].total).replace("\u00a0", " ") in second


def test_a_slip_is_never_split_across_pages():
    lines = [(f"Prodotto {n}", "pz", "1", "2.00") for n in range(6)]
    slips = tuple(slip(n, f"Famiglia Numero {n:02}", "Scuola Manzoni", lines) for n in range(30))
    pdf = family_slips_pdf(
        RoundDocuments(
            supplier_order=ORDER, slips=slips, fund_total=D("15"), shared_costs_total=D("30")
        ),
        compress=False,
    )
    pages = page_texts(pdf)
    assert len(pages) > 3
    for text in pages:
        assert text.count("Famiglia Numero") == text.count("Totale da pagare")
    assert sum(text.count("Famiglia Numero") for text in pages) == 30


def test_family_slips_without_families():
    docs = RoundDocuments(
        supplier_order=ORDER, slips=(), fund_total=D("0"), shared_costs_total=D("0")
    )
    pdf = family_slips_pdf(docs, compress=False)
    assert page_count(pdf) == 1
    assert "Nessuna famiglia ha ordinato in questo giro d'ordine." in page_texts(pdf)[0]


def test_family_receipt():
    pdf = family_receipt_pdf(SLIPS[0], ORDER, compress=False)
    assert page_count(pdf) == 1
    text = page_texts(pdf)[0]
    for expected in (
        "Ricevuta",
        "Documento non fiscale",
        "Famiglia Bianchi Niccolò",
        "Biblioteca di Muggiò",
        "Cascina Sant'Ambrogio",
        "venerdì 20 marzo 2026",
        "2,5 kg",
        "5,25 €",
        "Quota per il Fondo Solidale",
        "0,50 €",
        "Totale da pagare",
        "6,75 €",
    ):
        assert expected in text, expected
