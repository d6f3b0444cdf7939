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

import io
import json
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext_lazy
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from gaf.documents import FamilySlip, RoundDocuments, SlipLine, SupplierOrder
from hub.csv_export import ITALIAN_EXCEL, CsvWriter

ROME = ZoneInfo("Europe/Rome")

_WEEKDAYS = (
    gettext_lazy("lunedì"),
    gettext_lazy("martedì"),
    gettext_lazy("mercoledì"),
    gettext_lazy("giovedì"),
    gettext_lazy("venerdì"),
    gettext_lazy("sabato"),
    gettext_lazy("domenica"),
)
_MONTHS = (
    gettext_lazy("gennaio"),
    gettext_lazy("febbraio"),
    gettext_lazy("marzo"),
    gettext_lazy("aprile"),
    gettext_lazy("maggio"),
    gettext_lazy("giugno"),
    gettext_lazy("luglio"),
    gettext_lazy("agosto"),
    gettext_lazy("settembre"),
    gettext_lazy("ottobre"),
    gettext_lazy("novembre"),
    gettext_lazy("dicembre"),
)
_UNITS = {
    "kg": pgettext_lazy("unità di misura", "kg"),
    "l": pgettext_lazy("unità di misura", "l"),
    "pz": pgettext_lazy("unità di misura", "pz"),
}


# Formatting helpers, shared by every renderer.


def _places(value: Decimal, min_places: int) -> int:
    """How many decimals to show: `min_places`, or more if the value has significant ones."""
    if isinstance(value, float):
        raise TypeError("Use Decimal, not float, for amounts and quantities.")
    return max(min_places, -Decimal(value).normalize().as_tuple().exponent)


def _plain_number(value: Decimal, *, min_places: int, grouping: bool = False) -> str:
    """The number as "1234.5" (or "1,234.5" with grouping): never an exponent, never "-0"."""
    places = _places(value, min_places)
    value = Decimal(value)
    if value == 0:
        value = abs(value)
    return f"{value:,.{places}f}" if grouping else f"{value:.{places}f}"


def _italian(text: str) -> str:
    """Swap the separators of a number formatted by Python ("1,234.5" → "1.234,5")."""
    return text.translate(str.maketrans({",": ".", ".": ","}))


def format_euro(amount: Decimal) -> str:
    """An amount as "1.234,56 €": two decimals, more only if a unit price has them.

    A no-break space keeps the euro sign on the same line as the number.
    """
    return _italian(_plain_number(amount, min_places=2, grouping=True)) + "\u00a0€"


def format_quantity(quantity: Decimal, unit: str = "") -> str:
    """A quantity as "12,5 kg": decimal comma, no grouping, no trailing zeros."""
    number = _italian(_plain_number(quantity, min_places=0))
    return f"{number}\u00a0{unit_label(unit)}" if unit else number


def format_vat_rate(rate: Decimal) -> str:
    """A VAT rate as "22%" or "5,5%"."""
    return _italian(_plain_number(rate, min_places=0)) + "%"


def unit_label(unit: str) -> str:
    """The unit as shown to people, in the active language ("pz" is "pcs" in English)."""
    return str(_UNITS.get(unit, unit))


def _rome(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("A naive datetime has no place in time: give it a time zone.")
    return moment.astimezone(ROME)


def format_date(day: date) -> str:
    """A day as "venerdì 13 marzo 2026", in the active language."""
    # Translators: a date, e.g. "venerdì 13 marzo 2026"; reorder the parts as needed.
    return _("%(weekday)s %(day)d %(month)s %(year)d") % {
        "weekday": _WEEKDAYS[day.weekday()],
        "day": day.day,
        "month": _MONTHS[day.month - 1],
        "year": day.year,
    }


def format_datetime(moment: datetime) -> str:
    """A moment as "venerdì 13 marzo 2026, ore 18:00", wall-clock time in Rome."""
    local = _rome(moment)
    # Translators: a date followed by a 24-hour time, e.g. "venerdì 13 marzo 2026, ore 18:00".
    return _("%(date)s, ore %(time)s") % {
        "date": format_date(local.date()),
        "time": local.strftime("%H:%M"),
    }


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


# PDF

_MARGIN = 18 * mm
# The frame of SimpleDocTemplate pads its content by 6 points on each side.
_WIDTH = A4[0] - 2 * _MARGIN - 12
_RULE = colors.HexColor("#9a9a9a")
_SHADE = colors.HexColor("#e6e6e6")
_STRIPE = colors.HexColor("#f5f5f5")

_BODY = ParagraphStyle("gaf-body", fontName="Helvetica", fontSize=10, leading=13)
_SMALL = ParagraphStyle("gaf-small", parent=_BODY, fontSize=8.5, leading=11)
_TITLE = ParagraphStyle(
    "gaf-title", parent=_BODY, fontName="Helvetica-Bold", fontSize=16, leading=20, spaceAfter=2
)
_HEADING = ParagraphStyle(
    "gaf-heading",
    parent=_BODY,
    fontName="Helvetica-Bold",
    fontSize=12,
    leading=15,
    spaceBefore=10,
    spaceAfter=4,
)
_SLIP_TITLE = ParagraphStyle(
    "gaf-slip-title", parent=_BODY, fontName="Helvetica-Bold", fontSize=12, leading=15
)
_CELL = ParagraphStyle("gaf-cell", parent=_BODY, fontSize=9, leading=11)
_CELL_HEAD = ParagraphStyle("gaf-cell-head", parent=_CELL, fontName="Helvetica-Bold")
_CELL_HEAD_RIGHT = ParagraphStyle("gaf-cell-head-right", parent=_CELL_HEAD, alignment=TA_RIGHT)
_TOTAL = ParagraphStyle(
    "gaf-total",
    parent=_BODY,
    fontName="Helvetica-Bold",
    fontSize=12,
    leading=15,
    alignment=TA_RIGHT,
    spaceBefore=8,
)

# Letters the decomposition below cannot reduce to a Latin-1 base letter.
_TRANSLITERATION = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h"})


def _printable(text: str) -> str:
    """`text` reduced to what Helvetica can draw (WinAnsi, i.e. cp1252)."""
    drawn = []
    for char in str(text).translate(_TRANSLITERATION):
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            base = "".join(
                part
                for part in unicodedata.normalize("NFKD", char)
                if not unicodedata.combining(part)
            )
            try:
                base.encode("cp1252")
            except UnicodeEncodeError:
                base = ""
            drawn.append(base or "?")
        else:
            drawn.append(char)
    return "".join(drawn)


def _paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(_printable(text)), style)


def _labelled(label: str, value: str) -> Paragraph:
    return Paragraph(f"<b>{escape(_printable(label))}</b> {escape(_printable(value))}", _BODY)


class _NumberedCanvas(Canvas):
    """A canvas that writes "Pagina 2 di 3" and a footer line once the page count is known."""

    def __init__(self, *args, footer: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_footer(len(self._pages))
            super().showPage()
        super().save()

    def _draw_footer(self, page_count: int) -> None:
        self.saveState()
        self.setFont("Helvetica", 8)
        self.setFillColor(colors.HexColor("#555555"))
        self.drawString(_MARGIN, 10 * mm, _printable(self._footer))
        self.drawRightString(
            A4[0] - _MARGIN,
            10 * mm,
            _printable(
                _("Pagina %(page)d di %(pages)d") % {"page": self._pageNumber, "pages": page_count}
            ),
        )
        self.restoreState()


class _CutLine(Flowable):
    """A dashed line with scissors, where the printed slips are cut apart."""

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, 6 * mm

    def draw(self):
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(_RULE)
        canvas.setFont("ZapfDingbats", 10)
        canvas.drawString(0, 2 * mm, "\u2702")
        canvas.setStrokeColor(_RULE)
        canvas.setLineWidth(0.5)
        canvas.setDash(3, 3)
        canvas.line(6 * mm, 3 * mm, self.width, 3 * mm)
        canvas.restoreState()


def _render(story: list[Flowable], *, title: str, author: str, footer: str, compress: bool):
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN + 4 * mm,
        title=title,
        author=author,
        lang=get_language(),
        invariant=True,
        pageCompression=1 if compress else 0,
    )
    document.build(story, canvasmaker=partial(_NumberedCanvas, footer=footer))
    return buffer.getvalue()


def _columns(*shares: float) -> list[float]:
    """Column widths in proportion to `shares`, filling the width of the page."""
    return [_WIDTH * share / sum(shares) for share in shares]


def _table(rows: list[list], widths: Sequence[float], *, first_number_column: int) -> Table:
    """A striped table with a header row repeated on each page and numbers aligned right."""
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (first_number_column, 0), (-1, -1), "RIGHT"),
                ("BACKGROUND", (0, 0), (-1, 0), _SHADE),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, _STRIPE]),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, _RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _header_cells(labels: Iterable[str], first_number_column: int) -> list[Paragraph]:
    return [
        _paragraph(label, _CELL_HEAD_RIGHT if index >= first_number_column else _CELL_HEAD)
        for index, label in enumerate(labels)
    ]


def _order_details(order: SupplierOrder) -> list[Flowable]:
    return [
        _labelled(_("Gruppo d'acquisto:"), order.group_name),
        _labelled(
            _("Fornitore:"),
            f"{order.supplier_name} ({order.supplier_email})"
            if order.supplier_email
            else order.supplier_name,
        ),
        _labelled(
            _("Ordine:"),
            _("%(title)s (n. %(id)d)") % {"title": order.round_title, "id": order.round_id},
        ),
        _labelled(_("Chiusura degli ordini:"), format_datetime(order.closes_at)),
        _labelled(_("Ritiro:"), format_date(order.pickup_date)),
    ]


def _order_footer(order: SupplierOrder) -> str:
    return f"{order.group_name} · {order.round_title}"


def supplier_order_pdf(order: SupplierOrder, *, compress: bool = True) -> bytes:
    """The order to send to the producer: products with VAT rate, VAT summary, total."""
    story: list[Flowable] = [
        _paragraph(_("Ordine a %(supplier)s") % {"supplier": order.supplier_name}, _TITLE),
        *_order_details(order),
        _paragraph(_("Prodotti"), _HEADING),
    ]
    if order.lines:
        rows: list[list] = [
            _header_cells(
                [
                    _("Codice"),
                    _("Prodotto"),
                    _("Quantità"),
                    _("Colli"),
                    _("Prezzo unitario"),
                    _("IVA"),
                    _("Totale"),
                ],
                first_number_column=2,
            )
        ]
        rows += [
            [
                _paragraph(line.product_code, _CELL),
                _paragraph(line.product_name, _CELL),
                _printable(format_quantity(line.quantity, line.unit)),
                "" if line.cases is None else str(line.cases),
                _printable(format_euro(line.unit_price)),
                format_vat_rate(line.vat_rate),
                _printable(format_euro(line.total)),
            ]
            for line in order.lines
        ]
        widths = _columns(22, 58, 22, 13, 24, 13, 22)
        story.append(_table(rows, widths, first_number_column=2))
    else:
        story.append(_paragraph(_("Nessun prodotto ordinato."), _BODY))

    story.append(_paragraph(_("Riepilogo IVA"), _HEADING))
    vat_rows: list[list] = [
        _header_cells(
            [_("Aliquota"), _("Imponibile"), _("IVA"), _("Totale")], first_number_column=1
        )
    ]
    vat_rows += [
        [
            format_vat_rate(vat_line.rate),
            _printable(format_euro(vat_line.base)),
            _printable(format_euro(vat_line.vat)),
            _printable(format_euro(vat_line.gross)),
        ]
        for vat_line in order.vat
    ]
    vat_rows.append(
        [
            _("Totale"),
            _printable(format_euro(sum((v.base for v in order.vat), Decimal("0.00")))),
            _printable(format_euro(sum((v.vat for v in order.vat), Decimal("0.00")))),
            _printable(format_euro(sum((v.gross for v in order.vat), Decimal("0.00")))),
        ]
    )
    vat_table = _table(vat_rows, [30 * mm, 32 * mm, 32 * mm, 32 * mm], first_number_column=1)
    vat_table.setStyle(
        TableStyle(
            [
                ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 9),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
            ]
        )
    )
    vat_table.hAlign = "LEFT"
    story += [
        vat_table,
        _paragraph(
            _("Totale ordine (IVA inclusa): %(total)s") % {"total": format_euro(order.total)},
            _TOTAL,
        ),
        Spacer(1, 4 * mm),
        _paragraph(
            _(
                "Prezzi IVA inclusa. L'imponibile è calcolato per aliquota sul totale lordo "
                "di quell'aliquota."
            ),
            _SMALL,
        ),
    ]
    return _render(
        story,
        title=_("Ordine a %(supplier)s — %(round)s")
        % {"supplier": order.supplier_name, "round": order.round_title},
        author=order.group_name,
        footer=_order_footer(order),
        compress=compress,
    )


def _slip_table(slip: FamilySlip) -> Table:
    """The family's lines, then goods, Fondo Solidale, shared costs and total in one table."""
    rows: list[list] = [
        _header_cells(
            [_("Prodotto"), _("Quantità"), _("Prezzo unitario"), _("Totale")],
            first_number_column=1,
        )
    ]
    rows += [_slip_line_cells(line) for line in slip.lines]
    summary_start = len(rows)
    for label, amount in (
        (_("Totale merce"), slip.goods_total),
        (_("Quota per il Fondo Solidale"), slip.fund_share),
        (_("Costi condivisi"), slip.shared_costs),
        (_("Totale da pagare"), slip.total),
    ):
        rows.append([_printable(label), "", "", _printable(format_euro(amount))])
    table = _table(rows, _columns(88, 28, 28, 30), first_number_column=1)
    summary_style = [("SPAN", (0, row), (2, row)) for row in range(summary_start, len(rows))]
    table.setStyle(
        TableStyle(
            [
                *summary_style,
                ("ALIGN", (0, summary_start), (0, -1), "RIGHT"),
                ("BACKGROUND", (0, summary_start), (-1, -1), colors.white),
                ("LINEABOVE", (0, summary_start), (-1, summary_start), 0.8, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 10),
            ]
        )
    )
    return table


def _slip_line_cells(line: SlipLine) -> list:
    return [
        _paragraph(line.product_name, _CELL),
        _printable(format_quantity(line.quantity, line.unit)),
        _printable(format_euro(line.unit_price)),
        _printable(format_euro(line.total)),
    ]


def _pickup_point_label(slip: FamilySlip) -> str:
    return slip.pickup_point or _("nessun punto di ritiro")


def _slip(slip: FamilySlip, order: SupplierOrder) -> KeepTogether:
    """One family's slip, with enough context to stand alone once cut from the sheet."""
    context = " · ".join(
        [
            order.group_name,
            order.supplier_name,
            order.round_title,
            _("ritiro %(date)s") % {"date": format_date(order.pickup_date)},
            _pickup_point_label(slip),
        ]
    )
    return KeepTogether(
        [
            _paragraph(slip.family_name, _SLIP_TITLE),
            _paragraph(context, _SMALL),
            Spacer(1, 2 * mm),
            _slip_table(slip),
            Spacer(1, 3 * mm),
            _CutLine(),
            Spacer(1, 3 * mm),
        ]
    )


def family_slips_pdf(docs: RoundDocuments, *, compress: bool = True) -> bytes:
    """One slip per family to cut apart, a section per pickup point, each on its own pages."""
    order = docs.supplier_order
    by_point: dict[str, list[FamilySlip]] = {}
    for slip in docs.slips:
        by_point.setdefault(slip.pickup_point, []).append(slip)

    story: list[Flowable] = []
    for index, slips in enumerate(by_point.values()):
        if index:
            story.append(PageBreak())
        to_collect = sum((slip.total for slip in slips), Decimal("0.00"))
        story += [
            _paragraph(
                _("Punto di ritiro: %(point)s") % {"point": _pickup_point_label(slips[0])},
                _TITLE,
            ),
            _paragraph(
                _("%(group)s · ordine %(round)s · ritiro %(date)s")
                % {
                    "group": order.group_name,
                    "round": order.round_title,
                    "date": format_date(order.pickup_date),
                },
                _BODY,
            ),
            _paragraph(
                ngettext(
                    "%(count)d famiglia, da incassare %(total)s",
                    "%(count)d famiglie, da incassare %(total)s",
                    len(slips),
                )
                % {"count": len(slips), "total": format_euro(to_collect)},
                _BODY,
            ),
            Spacer(1, 5 * mm),
        ]
        story += [_slip(slip, order) for slip in slips]
    if not story:
        story = [
            _paragraph(_("Distinte delle famiglie"), _TITLE),
            _paragraph(_("Nessuna famiglia ha ordinato in questo giro d'ordine."), _BODY),
        ]
    return _render(
        story,
        title=_("Distinte delle famiglie — %(round)s") % {"round": order.round_title},
        author=order.group_name,
        footer=_order_footer(order),
        compress=compress,
    )


def family_receipt_pdf(slip: FamilySlip, order: SupplierOrder, *, compress: bool = True) -> bytes:
    """A receipt for one family: what it took from this order and what it paid for."""
    story: list[Flowable] = [
        _paragraph(_("Ricevuta"), _TITLE),
        _paragraph(_("Documento non fiscale"), _SMALL),
        Spacer(1, 3 * mm),
        _labelled(_("Famiglia:"), slip.family_name),
        *_order_details(order),
        _labelled(_("Punto di ritiro:"), _pickup_point_label(slip)),
        Spacer(1, 5 * mm),
        _slip_table(slip),
        Spacer(1, 4 * mm),
        _paragraph(
            _("Prezzi IVA inclusa."),
            _SMALL,
        ),
    ]
    return _render(
        story,
        title=_("Ricevuta — %(family)s — %(round)s")
        % {"family": slip.family_name, "round": order.round_title},
        author=order.group_name,
        footer=_order_footer(order),
        compress=compress,
    )
