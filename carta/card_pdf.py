"""The printable card: an A4 page with the card at its top, to cut out (reportlab).

It shows what the phone page shows: the network, the number, the end date and the QR code
(drawn from segno's matrix, the same code as on the phone); no name.
"""

from __future__ import annotations

import io

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

CARD_WIDTH = 85.6 * mm  # ISO/IEC 7810 ID-1, a bank card's size
CARD_HEIGHT = 54 * mm
MARGIN = 20 * mm
QR_SIZE = 40 * mm


def _draw_qr(canvas: Canvas, data: str, *, x: float, y: float, size: float) -> None:
    rows = list(segno.make(data, error="m", micro=False).matrix_iter(scale=1, border=2))
    cell = size / len(rows)
    canvas.setFillColor(colors.black)
    for row_index, row in enumerate(rows):
        top = y + size - (row_index + 1) * cell
        for column_index, dark in enumerate(row):
            if dark:
                canvas.rect(x + column_index * cell, top, cell, cell, stroke=0, fill=1)


def card_pdf(
    *,
    title: str,
    network: str,
    number: str,
    valid_until: str,
    qr_data: str,
    note: str,
    compress: bool = True,
) -> bytes:
    """`compress=False` leaves the text readable in the file (tests)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1 if compress else 0, invariant=1)
    canvas.setTitle(title)
    left, bottom = MARGIN, A4[1] - MARGIN - CARD_HEIGHT
    canvas.setStrokeColor(colors.HexColor("#9a9a9a"))
    canvas.setDash(3, 3)
    canvas.roundRect(left, bottom, CARD_WIDTH, CARD_HEIGHT, 3 * mm, stroke=1, fill=0)
    canvas.setDash()
    _draw_qr(canvas, qr_data, x=left + 3 * mm, y=bottom + 7 * mm, size=QR_SIZE)
    text_left = left + QR_SIZE + 6 * mm
    canvas.setFillColor(colors.black)
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawString(text_left, bottom + CARD_HEIGHT - 10 * mm, title)
    canvas.setFont("Helvetica", 7.5)
    canvas.drawString(text_left, bottom + CARD_HEIGHT - 15 * mm, network[:40])
    canvas.setFont("Courier-Bold", 10)
    canvas.drawString(text_left, bottom + 22 * mm, number)
    canvas.setFont("Helvetica", 8)
    canvas.drawString(text_left, bottom + 15 * mm, valid_until)
    canvas.setFont("Helvetica", 9)
    canvas.drawString(left, bottom - 8 * mm, note)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
