"""Checking a filled-in questionnaire: plain values in, clean answers or Italian messages out.

Skip logic is applied here, on the server: a section whose rule matches ("skip if Q2 was
answered «No»") is skipped whatever the browser sent, and its answers are dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 4000
NUMBER_LIMIT = Decimal("9999999999")


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    code: str
    text: str
    kind: str  # surveys.models.Question.Kind values
    required: bool
    choices: tuple[str, ...]
    section_number: int

    @property
    def field_name(self) -> str:
        return f"q_{self.code}"


@dataclass(frozen=True)
class SectionSpec:
    number: int
    skip_if_question: str = ""
    skip_if_answer: str = ""


@dataclass(frozen=True)
class CleanAnswer:
    question_id: int
    choice: str = ""
    number: Decimal | None = None
    text: str = ""


def _values(raw: Mapping[str, Sequence[str]], question: QuestionSpec) -> list[str]:
    return [value.strip() for value in raw.get(question.field_name, ()) if value.strip()]


def skipped_sections(
    sections: Sequence[SectionSpec],
    questions: Sequence[QuestionSpec],
    raw: Mapping[str, Sequence[str]],
) -> set[int]:
    """The numbers of the sections to skip. A rule looks only at a question of an earlier
    section that is not itself skipped, so rules chain the way a respondent reads."""
    by_code = {question.code: question for question in questions}
    skipped: set[int] = set()
    for section in sorted(sections, key=lambda s: s.number):
        trigger = by_code.get(section.skip_if_question)
        if trigger is None or trigger.section_number >= section.number:
            continue
        if trigger.section_number in skipped:
            continue
        given = {value.casefold() for value in _values(raw, trigger)}
        if section.skip_if_answer.strip().casefold() in given:
            skipped.add(section.number)
    return skipped


def _parse_number(value: str) -> Decimal | None:
    try:
        number = Decimal(value.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) > NUMBER_LIMIT:
        return None
    return number.quantize(Decimal("0.01"))


def check_answers(
    questions: Sequence[QuestionSpec],
    sections: Sequence[SectionSpec],
    raw: Mapping[str, Sequence[str]],
) -> tuple[list[CleanAnswer], dict[str, str]]:
    """(answers, errors by field name). With any error the answers must not be stored."""
    skipped = skipped_sections(sections, questions, raw)
    answers: list[CleanAnswer] = []
    errors: dict[str, str] = {}
    for question in questions:
        if question.section_number in skipped:
            continue
        values = _values(raw, question)
        if not values:
            if question.required:
                errors[question.field_name] = _(
                    "Rispondi alla domanda «%(question)s»: è obbligatoria."
                ) % {"question": question.text}
            continue
        error = None
        if question.kind in ("single", "multiple"):
            unknown = [value for value in values if value not in question.choices]
            if unknown:
                error = _("«%(value)s» non è tra le opzioni della domanda «%(question)s».") % {
                    "value": unknown[0][:80],
                    "question": question.text,
                }
            elif question.kind == "single" and len(values) > 1:
                error = _("Per la domanda «%(question)s» scegli una sola opzione.") % {
                    "question": question.text
                }
            else:
                answers.extend(
                    CleanAnswer(question.id, choice=value) for value in dict.fromkeys(values)
                )
        elif question.kind == "scale":
            if len(values) != 1 or values[0] not in {"1", "2", "3", "4", "5"}:
                error = _("Per la domanda «%(question)s» scegli un valore da 1 a 5.") % {
                    "question": question.text
                }
            else:
                answers.append(
                    CleanAnswer(question.id, choice=values[0], number=Decimal(values[0]))
                )
        elif question.kind == "number":
            number = _parse_number(values[0]) if len(values) == 1 else None
            if number is None:
                error = _(
                    "La domanda «%(question)s» vuole un numero, per esempio 3 oppure 2,5."
                ) % {"question": question.text}
            else:
                answers.append(CleanAnswer(question.id, number=number))
        else:
            limit = SHORT_TEXT_MAX if question.kind == "short_text" else LONG_TEXT_MAX
            text = values[0]
            if len(values) != 1 or len(text) > limit:
                error = _(
                    "La risposta alla domanda «%(question)s» è troppo lunga: al massimo "
                    "%(limit)s caratteri."
                ) % {"question": question.text, "limit": limit}
            else:
                answers.append(CleanAnswer(question.id, text=text))
        if error:
            errors[question.field_name] = error
    return answers, errors


def age_band_for(birth_years: Sequence[int], year: int) -> str:
    """The band of the youngest child (surveys.models.AgeBand values); "none" without
    children under 18."""
    ages = [year - birth_year for birth_year in birth_years if 0 <= year - birth_year < 18]
    if not ages:
        return "none"
    youngest = min(ages)
    for limit, band in ((2, "0-2"), (5, "3-5"), (10, "6-10"), (14, "11-14")):
        if youngest <= limit:
            return band
    return "15-18"
