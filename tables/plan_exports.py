"""The Piano Family's export for the certification's annual report: CSV and PDF.

Both are built from a PlanReport (tables.plan_report) and never touch the database. The
CSV goes through the hub's one CSV writer (hub.csv_export, Italian Excel dialect: it opens
with a double click in a spreadsheet set to Italian); the PDF is drawn with ReportLab,
as the GAF's documents are.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from hub.charts import percent_text
from hub.csv_export import CsvWriter
from hub.dates import short_date
from hub.formatting import quantity
from tables.plan_report import PlanReport


@dataclass(frozen=True)
class PlanHeading:
    title: str
    owner: str  # the network's or municipality's name
    period: str  # "2022–2023"
    description: str = ""


def report_date_text(report: PlanReport, today: date) -> str:
    return short_date(report.as_of or today)


# --- CSV --------------------------------------------------------------------------------------


def csv_header() -> list[str]:
    return [
        _("Codice"),
        _("Macro-area"),
        _("Area"),
        _("Obiettivo"),
        _("Risultati attesi"),
        _("Indicatore"),
        _("Unità di misura"),
        _("Tipo di indicatore"),
        _("Valore di partenza"),
        _("Valore obiettivo"),
        _("Valore raggiunto"),
        _("Avanzamento (%)"),
        _("Stato"),
        _("Responsabile"),
        _("Scadenza"),
        _("Peso"),
        _("Comuni interessati"),
        _("Ultimo aggiornamento"),
        _("Aggiornamenti"),
        _("Azioni"),
    ]


def plan_csv(report: PlanReport, *, kind_labels: dict[str, str]) -> CsvWriter:
    """One row per objective, in the plan's order; numbers as numbers (Decimal)."""
    writer = CsvWriter()
    writer.writerow(csv_header())
    for row in report.objectives:
        objective = row.objective
        writer.writerow(
            [
                row.code,
                f"{objective.macro_area_code}. {objective.macro_area_name}",
                objective.area_name,
                objective.title,
                objective.expected_results,
                objective.indicator_name,
                objective.indicator_unit,
                str(kind_labels.get(objective.indicator_kind, objective.indicator_kind)),
                objective.baseline,
                objective.target,
                row.value,
                row.progress,
                row.status_label,
                objective.responsible,
                short_date(objective.due_date),
                objective.weight,
                ", ".join(row.municipality_names) or _("tutti"),
                short_date(row.last_update_on),
                row.updates_count,
                row.actions_count,
            ]
        )
    return writer


# --- PDF --------------------------------------------------------------------------------------

_MARGIN = 16 * mm
_WIDTH = A4[0] - 2 * _MARGIN - 12
_SHADE = colors.HexColor("#e6e6e6")
_STRIPE = colors.HexColor("#f5f5f5")
_RULE = colors.HexColor("#9a9a9a")

_BODY = ParagraphStyle("plan-body", fontName="Helvetica", fontSize=10, leading=13)
_SMALL = ParagraphStyle("plan-small", parent=_BODY, fontSize=8.5, leading=11)
_TITLE = ParagraphStyle(
    "plan-title", parent=_BODY, fontName="Helvetica-Bold", fontSize=16, leading=20, spaceAfter=4
)
_HEADING = ParagraphStyle(
    "plan-heading",
    parent=_BODY,
    fontName="Helvetica-Bold",
    fontSize=12,
    leading=15,
    spaceBefore=10,
    spaceAfter=4,
)
_CELL = ParagraphStyle("plan-cell", parent=_BODY, fontSize=8.5, leading=10.5)
_CELL_HEAD = ParagraphStyle("plan-cell-head", parent=_CELL, fontName="Helvetica-Bold")


def _printable(text: str) -> str:
    """`text` reduced to what Helvetica draws (cp1252): accents kept, the rest decomposed."""
    drawn = []
    for char in str(text):
        try:
            char.encode("cp1252")
            drawn.append(char)
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
    return "".join(drawn)


def _p(text: str, style: ParagraphStyle = _BODY) -> Paragraph:
    return Paragraph(escape(_printable(text)), style)


def _table(rows: list[list], widths: list[float], *, numbers_from: int) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (numbers_from, 0), (-1, -1), "RIGHT"),
                ("BACKGROUND", (0, 0), (-1, 0), _SHADE),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, _STRIPE]),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, _RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _columns(*shares: float) -> list[float]:
    return [_WIDTH * share / sum(shares) for share in shares]


def _indicator_text(value, unit: str) -> str:
    if value is None:
        return "–"
    return f"{quantity(value)} {unit}".strip()


def _summary_rows(title: str, bars) -> list[list]:
    rows = [[_p(title, _CELL_HEAD), _p(_("Avanzamento"), _CELL_HEAD), _p(_("Note"), _CELL_HEAD)]]
    rows += [[_p(bar.label, _CELL), percent_text(bar.value), _p(bar.note, _CELL)] for bar in bars]
    return rows


def plan_pdf(
    report: PlanReport, heading: PlanHeading, *, today: date, compress: bool = True
) -> bytes:
    """The annual report: overall progress, progress by macro-area, area and municipality,
    then each macro-area's objectives with indicator, value, progress and status."""
    when = report_date_text(report, today)
    story = [
        _p(heading.title, _TITLE),
        _p(
            _("%(owner)s · periodo %(period)s") % {"owner": heading.owner, "period": heading.period}
        ),
        _p(_("Situazione al %(date)s") % {"date": when}),
        Spacer(1, 3 * mm),
        _p(
            _("Avanzamento complessivo del piano: %(progress)s")
            % {"progress": percent_text(report.progress)},
            _HEADING,
        ),
    ]
    if heading.description:
        story.append(_p(heading.description, _SMALL))
    story.append(
        _p(
            ", ".join(f"{label}: {count}" for _value, label, count in report.status_counts if count)
            or _("Nessun obiettivo."),
            _BODY,
        )
    )
    for title, bars in (
        (_("Macro-area"), report.by_macro_area),
        (_("Area"), report.by_area),
        (_("Comune"), report.by_municipality),
    ):
        if bars:
            story.append(Spacer(1, 3 * mm))
            story.append(_table(_summary_rows(title, bars), _columns(60, 18, 22), numbers_from=1))
    for group in report.groups:
        story.append(
            _p(
                _("%(code)s. %(name)s — avanzamento %(progress)s")
                % {
                    "code": group.code,
                    "name": group.name,
                    "progress": percent_text(group.progress),
                },
                _HEADING,
            )
        )
        rows: list[list] = [
            [
                _p(label, _CELL_HEAD)
                for label in (
                    _("Codice"),
                    _("Obiettivo"),
                    _("Indicatore"),
                    _("Partenza"),
                    _("Obiettivo"),
                    _("Raggiunto"),
                    _("Avanzamento"),
                    _("Stato"),
                )
            ]
        ]
        for area in group.areas:
            for row in area.objectives:
                objective = row.objective
                title = objective.title
                if area.name:
                    title = f"{title} ({area.name})"
                rows.append(
                    [
                        row.code,
                        _p(title, _CELL),
                        _p(objective.indicator_name, _CELL),
                        _p(_indicator_text(objective.baseline, objective.indicator_unit), _CELL),
                        _p(_indicator_text(objective.target, objective.indicator_unit), _CELL),
                        _p(_indicator_text(row.value, objective.indicator_unit), _CELL),
                        percent_text(row.progress),
                        _p(row.status_label, _CELL),
                    ]
                )
        story.append(_table(rows, _columns(9, 40, 30, 15, 15, 15, 15, 15), numbers_from=6))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN,
        title=_printable(f"{heading.title} — {when}"),
        author=_printable(heading.owner),
        lang=get_language(),
        invariant=True,
        pageCompression=1 if compress else 0,
    )
    document.build(story)
    return buffer.getvalue()
