"""The PDFs to print: the supplier order, the families' slips and a family's receipt."""

import io
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import partial
from xml.sax.saxutils import escape

from django.utils.translation import get_language, ngettext
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
from gaf.exports.formatting import (
    format_date,
    format_datetime,
    format_euro,
    format_quantity,
    format_vat_rate,
)

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
