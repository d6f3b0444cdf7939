"""The approved minutes (verbale) of a meeting as a PDF, drawn with ReportLab as the Piano
Family's report is (tables.plan_exports). Pure: it takes a MinutesSheet of plain values,
built by the view from tables.selectors.meeting_page, and never touches the database."""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

from tables.plan_exports import _printable as printable

_MARGIN = 18 * mm
_BODY = ParagraphStyle("minutes-body", fontName="Helvetica", fontSize=10.5, leading=14)
_SMALL = ParagraphStyle("minutes-small", parent=_BODY, fontSize=9, leading=12)
_TITLE = ParagraphStyle(
    "minutes-title", parent=_BODY, fontName="Helvetica-Bold", fontSize=16, leading=20
)
_HEADING = ParagraphStyle(
    "minutes-heading",
    parent=_BODY,
    fontName="Helvetica-Bold",
    fontSize=12,
    leading=15,
    spaceBefore=10,
    spaceAfter=4,
)
_TEXT = ParagraphStyle("minutes-text", parent=_BODY, spaceAfter=6)


@dataclass(frozen=True)
class MinutesSheet:
    table: str
    meeting: str
    when: str  # "venerdì 11 dicembre 2026, 18:00"
    place: str
    body: str  # the approved text, one paragraph a line
    approved: str  # "Approvato da Carla Rossi il 12/12/2026"
    present: tuple[str, ...] = ()
    excused: tuple[str, ...] = ()
    agenda: tuple[str, ...] = ()
    decisions: tuple[str, ...] = ()


def _p(text: str, style: ParagraphStyle = _BODY) -> Paragraph:
    return Paragraph(escape(printable(text)), style)


def _bullets(lines) -> ListFlowable:
    return ListFlowable(
        [ListItem(_p(line), leftIndent=12) for line in lines],
        bulletType="bullet",
        start="•",
        leftIndent=12,
    )


def file_name(*, table_slug: str, meeting_id: int) -> str:
    return f"verbale_{table_slug}_{meeting_id}.pdf"


def minutes_pdf(sheet: MinutesSheet, *, compress: bool = True) -> bytes:
    """The minutes: heading, attendance, agenda, the approved text, the decisions taken."""
    title = _("Verbale: %(meeting)s") % {"meeting": sheet.meeting}
    story = [
        _p(title, _TITLE),
        _p(sheet.table),
        _p(", ".join(part for part in (sheet.when, sheet.place) if part)),
        _p(sheet.approved, _SMALL),
        Spacer(1, 3 * mm),
    ]
    for heading, lines in (
        (_("Presenti"), sheet.present),
        (_("Assenti giustificati"), sheet.excused),
        (_("Ordine del giorno"), sheet.agenda),
    ):
        if lines:
            story += [_p(heading, _HEADING), _bullets(lines)]
    story.append(_p(_("Testo del verbale"), _HEADING))
    story += [_p(line.strip(), _TEXT) for line in sheet.body.splitlines() if line.strip()]
    if sheet.decisions:
        story += [_p(_("Decisioni"), _HEADING), _bullets(sheet.decisions)]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN,
        title=printable(title),
        author=printable(sheet.table),
        lang=get_language(),
        invariant=True,
        pageCompression=1 if compress else 0,
    ).build(story)
    return buffer.getvalue()
