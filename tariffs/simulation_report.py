"""A reform simulation's report for the council: the page's charts (hub.charts geometry),
and the same figures as CSV (hub.csv_export) and as a PDF (ReportLab, as the tables' minutes
and the GAF's documents). Pure: it takes a tariffs.simulation.Summary."""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from hub.charts import Bar, BarChart, bar_chart
from hub.csv_export import CsvWriter
from hub.formatting import money
from tariffs.simulation import Group, Summary

# The description's keys, in the order the report lists them.
DESCRIPTION_KEYS = (
    "municipality",
    "service",
    "current_rule",
    "draft_rule",
    "current_scale",
    "draft_scale",
)


def description_labels() -> dict[str, str]:
    return {
        "municipality": _("Comune"),
        "service": _("Servizio"),
        "current_rule": _("Regola attuale"),
        "draft_rule": _("Regola in bozza"),
        "current_scale": _("Scala attuale"),
        "draft_scale": _("Scala in bozza"),
    }


def headings() -> list[str]:
    return [
        _("Gruppo"),
        _("Famiglie"),
        _("Pagano di più"),
        _("Pagano di meno"),
        _("Pagano uguale"),
        _("Gettito attuale (€/anno)"),
        _("Gettito con la bozza (€/anno)"),
        _("Differenza (€/anno)"),
        _("Differenza media per famiglia (€/anno)"),
    ]


def _numbers(group: Group) -> list:
    return [
        group.households,
        group.more,
        group.less,
        group.same,
        group.revenue_current,
        group.revenue_draft,
        group.difference,
        group.mean_difference,
    ]


def sections(summary: Summary) -> list[tuple[str, list[Group]]]:
    return [
        (_("Totale"), [summary.total]),
        (_("Per fascia dell'indicatore attuale"), summary.by_band),
        (_("Per numero di figli"), summary.by_children),
    ]


# --- Charts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartView:
    chart_id: str
    title: str
    chart: BarChart
    rows: tuple[tuple[str, str, str], ...]  # (label, count, percent) for the data table


def _count_text(count: int) -> str:
    return _("%(n)d famiglie") % {"n": count}


def _chart(chart_id: str, title: str, items: list[tuple[str, int, Group]]) -> ChartView:
    bars = [
        Bar(label=label, value=group.share(count), note=_count_text(count))
        for label, count, group in items
    ]
    chart = bar_chart(bars)
    rows = tuple((row.label, row.note, row.value_text) for row in chart.rows)
    return ChartView(chart_id, title, chart, rows)


def charts(summary: Summary) -> list[ChartView]:
    """Who pays more, less, the same; and, by band and by number of children, the share of
    families who would pay more."""
    total = summary.total
    return [
        _chart(
            "sim-overall",
            _("Famiglie che pagherebbero di più, di meno, uguale"),
            [
                (_("Di più"), total.more, total),
                (_("Di meno"), total.less, total),
                (_("Uguale"), total.same, total),
            ],
        ),
        _chart(
            "sim-bands",
            _("Famiglie che pagherebbero di più, per fascia dell'indicatore attuale"),
            [(group.label, group.more, group) for group in summary.by_band if group.households],
        ),
        _chart(
            "sim-children",
            _("Famiglie che pagherebbero di più, per numero di figli"),
            [(group.label, group.more, group) for group in summary.by_children if group.households],
        ),
    ]


# --- CSV ---------------------------------------------------------------------------------


def report_csv(summary: Summary) -> CsvWriter:
    writer = CsvWriter()
    writer.writerow([_("Simulazione di riforma tariffaria")])
    labels = description_labels()
    for key in DESCRIPTION_KEYS:
        if key in summary.description:
            writer.writerow([labels[key], summary.description[key]])
    for title, groups in sections(summary):
        writer.writerow([])
        writer.writerow([title])
        writer.writerow(headings())
        for group in groups:
            writer.writerow([group.label, *_numbers(group)])
    return writer


# --- PDF ---------------------------------------------------------------------------------

_MARGIN = 15 * mm
_BODY = ParagraphStyle("simulation-body", fontName="Helvetica", fontSize=9.5, leading=12.5)
_TITLE = ParagraphStyle(
    "simulation-title", parent=_BODY, fontName="Helvetica-Bold", fontSize=15, leading=19
)
_HEADING = ParagraphStyle(
    "simulation-heading",
    parent=_BODY,
    fontName="Helvetica-Bold",
    fontSize=11,
    leading=14,
    spaceBefore=8,
    spaceAfter=4,
)
_CELL = ParagraphStyle("simulation-cell", parent=_BODY, fontSize=7.5, leading=9)


def _printable(text: str) -> str:
    """What Helvetica draws (cp1252): the euro sign and accents stay, the rest is replaced."""
    return str(text).replace("\u00a0", " ").encode("cp1252", "replace").decode("cp1252")


def _p(text: str, style: ParagraphStyle = _BODY) -> Paragraph:
    return Paragraph(escape(_printable(text)), style)


def _table(groups: list[Group]) -> Table:
    head = [_p(text, _CELL) for text in headings()]
    rows = [head]
    for group in groups:
        rows.append(
            [
                _p(group.label, _CELL),
                str(group.households),
                str(group.more),
                str(group.less),
                str(group.same),
                _printable(money(group.revenue_current)),
                _printable(money(group.revenue_draft)),
                _printable(money(group.difference)),
                _printable(money(group.mean_difference)),
            ]
        )
    widths = [30 * mm, *[16 * mm] * 4, *[21.5 * mm] * 4]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 7.5),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#9a9a9a")),
            ]
        )
    )
    return table


def report_pdf(summary: Summary, *, compress: bool = True) -> bytes:
    """`compress=False` leaves the text readable in the file (tests)."""
    title = _("Simulazione di riforma tariffaria")
    story = [_p(title, _TITLE), Spacer(1, 2 * mm)]
    labels = description_labels()
    for key in DESCRIPTION_KEYS:
        if key in summary.description:
            story.append(_p(f"{labels[key]}: {summary.description[key]}"))
    total = summary.total
    story += [
        Spacer(1, 2 * mm),
        _p(
            _(
                "%(households)d famiglie. Gettito annuo attuale %(current)s, con la bozza "
                "%(draft)s (differenza %(difference)s). Pagherebbero di più %(more)d "
                "famiglie, di meno %(less)d, uguale %(same)d."
            )
            % {
                "households": total.households,
                "current": money(total.revenue_current),
                "draft": money(total.revenue_draft),
                "difference": money(total.difference),
                "more": total.more,
                "less": total.less,
                "same": total.same,
            }
        ),
    ]
    for heading, groups in sections(summary):
        story += [_p(heading, _HEADING), _table(groups)]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN,
        title=_printable(title),
        lang=get_language(),
        invariant=True,
        pageCompression=1 if compress else 0,
    ).build(story)
    return buffer.getvalue()
