"""The results of a questionnaire as a PDF summary for staff (ReportLab, as the tables'
minutes and the GAF's documents): per question the counts and percentages of
surveys.results, with its small-cell suppression exactly as the page applies it (the same
QuestionResult values), and no free text. Pure: plain values in, bytes out."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from surveys.results import MIN_CELL, QuestionResult

_MARGIN = 18 * mm
_BODY = ParagraphStyle("survey-body", fontName="Helvetica", fontSize=10, leading=13)
_SMALL = ParagraphStyle("survey-small", parent=_BODY, fontSize=8.5, leading=11)
_TITLE = ParagraphStyle(
    "survey-title", parent=_BODY, fontName="Helvetica-Bold", fontSize=15, leading=19
)
_QUESTION = ParagraphStyle(
    "survey-question",
    parent=_BODY,
    fontName="Helvetica-Bold",
    fontSize=10.5,
    leading=13.5,
    spaceBefore=8,
    spaceAfter=3,
)


@dataclass(frozen=True)
class SummarySheet:
    title: str  # the questionnaire's
    filters: str  # "Comune: Bruino; fascia d'età: 0–2 anni", or "" for all answers
    responses: int
    invited: int  # 0 for a public questionnaire
    answered: int
    made_on: str  # "6 dicembre 2026"


def _printable(text: str) -> str:
    """What Helvetica draws (cp1252): accents stay, anything else becomes '?'."""
    return str(text).replace("\u00a0", " ").encode("cp1252", "replace").decode("cp1252")


def _p(text: str, style: ParagraphStyle = _BODY) -> Paragraph:
    return Paragraph(escape(_printable(text)), style)


def _percent(value: Decimal) -> str:
    value = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{number_format(value, decimal_pos=1, use_l10n=True)} %"


def _options_table(result: QuestionResult) -> Table:
    rows = [[_("Risposta"), _("Quante"), _("Percentuale")]]
    for option in result.options:
        if option.count is None:
            rows.append(
                [_p(option.label, _SMALL), _("meno di %(n)d") % {"n": MIN_CELL}, _("nascosto")]
            )
        else:
            rows.append([_p(option.label, _SMALL), str(option.count), _percent(option.percent)])
    table = Table(rows, colWidths=[100 * mm, 30 * mm, 30 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#9a9a9a")),
            ]
        )
    )
    return table


def _question(result: QuestionResult) -> list:
    question = result.question
    parts = [_p(f"{question.code}. {question.text}", _QUESTION)]
    if result.suppressed:
        parts.append(
            _p(_("Meno di %(n)d risposte: il dato non è mostrato.") % {"n": MIN_CELL}, _SMALL)
        )
        return parts
    answered = ngettext(
        "%(count)d persona ha risposto.", "%(count)d persone hanno risposto.", result.respondents
    ) % {"count": result.respondents}
    if result.options:
        parts += [_p(answered, _SMALL), _options_table(result)]
    elif result.mean is not None:
        parts.append(
            _p(
                _("Media %(mean)s su %(count)d risposte.")
                % {
                    "mean": number_format(result.mean, decimal_pos=1, use_l10n=True),
                    "count": result.respondents,
                }
            )
        )
    else:
        parts.append(_p(_("Risposte libere: non incluse nel riepilogo."), _SMALL))
    return parts


def results_pdf(
    sheet: SummarySheet, results: Sequence[QuestionResult], *, compress: bool = True
) -> bytes:
    """`compress=False` leaves the text readable in the file (tests)."""
    title = _("Riepilogo dei risultati: %(title)s") % {"title": sheet.title}
    story = [_p(title, _TITLE), Spacer(1, 2 * mm)]
    story.append(_p(_("Prodotto il %(day)s.") % {"day": sheet.made_on}, _SMALL))
    story.append(_p(sheet.filters or _("Tutte le risposte (nessun filtro)."), _SMALL))
    line = ngettext("%(count)d risposta.", "%(count)d risposte.", sheet.responses) % {
        "count": sheet.responses
    }
    if sheet.invited:
        line += " " + _("Inviti: %(invited)d, di cui %(answered)d con risposta.") % {
            "invited": sheet.invited,
            "answered": sheet.answered,
        }
    story.append(_p(line))
    story.append(
        _p(
            _(
                "Per proteggere l'anonimato, ogni dato con meno di %(n)d risposte è nascosto; "
                "le risposte libere non sono incluse."
            )
            % {"n": MIN_CELL},
            _SMALL,
        )
    )
    for result in results:
        story.append(KeepTogether(_question(result)))
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
