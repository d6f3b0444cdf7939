"""Reads of the surveys app: questionnaires to answer, eligible families, aggregated results.

The results page reads a fixed number of queries whatever the number of answers: counts are
aggregated in the database, never by loading answers one by one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from hub.models import Family, Municipality
from surveys.answering import QuestionSpec, SectionSpec
from surveys.models import Answer, Invitation, Question, Response, Survey

TEXTS_SHOWN = 500


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def published_survey(slug: str) -> Survey | None:
    return (
        Survey.objects.select_related("network")
        .filter(slug=slug, status=Survey.Status.PUBLISHED)
        .first()
    )


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("survey__network")
        .filter(token_hash=token_hash(token))
        .first()
    )


def survey_structure(survey: Survey) -> tuple[list[QuestionSpec], list[SectionSpec], dict]:
    """(questions, sections, section titles by number), in the order respondents read them."""
    sections = list(survey.sections.order_by("number"))
    questions = [
        QuestionSpec(
            id=question.pk,
            code=question.code,
            text=question.text,
            kind=question.kind,
            required=question.required,
            choices=tuple(question.choice_list),
            section_number=question.section_number,
        )
        for question in survey.questions.order_by("section_number", "sort_order", "pk")
    ]
    specs = [
        SectionSpec(section.number, section.skip_if_question, section.skip_if_answer)
        for section in sections
    ]
    return questions, specs, {section.number: section for section in sections}


def network_municipalities(survey: Survey) -> list[Municipality]:
    return list(survey.network.municipalities.order_by("name"))


def eligible_families(survey: Survey, *, born_since: int | None):
    """Families resident in the survey's network municipalities, optionally with a child
    born in `born_since` or later, not yet invited to this survey."""
    families = Family.objects.filter(municipality__networks=survey.network).exclude(
        pk__in=Invitation.objects.filter(survey=survey, family__isnull=False).values("family_id")
    )
    if born_since is not None:
        families = families.filter(children__birth_year__gte=born_since)
    return families.distinct().order_by("pk")


def staff_surveys():
    return Survey.objects.select_related("network").annotate(
        responses_count=Count("responses", distinct=True),
        invitations_count=Count("invitations", distinct=True),
        answered_count=Count("invitations", filter=Q(invitations__answered=True), distinct=True),
    )


def survey_for_staff(slug: str) -> Survey | None:
    return Survey.objects.select_related("network").filter(slug=slug).first()


@dataclass(frozen=True)
class ResultsData:
    responses: int
    invited: int
    answered: int
    choice_counts: dict[tuple[int, str], int]
    respondents: dict[int, int]
    number_sums: dict[int, Decimal]
    texts: dict[int, list[str]]
    per_day: list[tuple[date, int]]
    invited_in_scope: int = 0  # the invitations within the filters


def results_data(
    survey: Survey, *, municipality_id: int | None = None, age_band: str = ""
) -> ResultsData:
    responses = Response.objects.filter(survey=survey)
    if municipality_id:
        responses = responses.filter(municipality_id=municipality_id)
    if age_band:
        responses = responses.filter(age_band=age_band)
    answers = Answer.objects.filter(response__in=responses.values("pk"))
    choice_counts = {
        (row["question_id"], row["choice"]): row["n"]
        for row in answers.exclude(choice="")
        .values("question_id", "choice")
        .annotate(n=Count("pk"))
    }
    respondents, number_sums = {}, {}
    for row in answers.values("question_id").annotate(
        n=Count("response_id", distinct=True), total=Sum("number")
    ):
        respondents[row["question_id"]] = row["n"]
        number_sums[row["question_id"]] = row["total"] or Decimal(0)
    texts: dict[int, list[str]] = {}
    for question_id, text in (
        answers.filter(question__kind__in=Question.TEXT_KINDS)
        .exclude(text="")
        .order_by("question_id", "pk")
        .values_list("question_id", "text")[:TEXTS_SHOWN]
    ):
        texts.setdefault(question_id, []).append(text)
    per_day = list(
        responses.order_by("submitted_on")
        .values("submitted_on")
        .annotate(n=Count("pk"))
        .values_list("submitted_on", "n")
    )
    # The invitations of the filters' municipality and age band (copied onto each response
    # when it is answered): the denominator of the response rate over time.
    scope = Q()
    if municipality_id:
        scope &= Q(municipality_id=municipality_id)
    if age_band:
        scope &= Q(age_band=age_band)
    counts = {"invited": Count("pk"), "answered": Count("pk", filter=Q(answered=True))}
    if scope:
        counts["invited_in_scope"] = Count("pk", filter=scope)
    invitations = Invitation.objects.filter(survey=survey).aggregate(**counts)
    return ResultsData(
        responses=sum(n for _day, n in per_day),
        invited=invitations["invited"],
        answered=invitations["answered"],
        invited_in_scope=invitations.get("invited_in_scope", invitations["invited"]),
        choice_counts=choice_counts,
        respondents=respondents,
        number_sums=number_sums,
        texts=texts,
        per_day=per_day,
    )


def export_rows(survey: Survey):
    """The anonymous answers for researchers, one row per answer (ordered by response)."""
    return (
        Answer.objects.filter(response__survey=survey)
        .order_by("response_id", "question__section_number", "question__sort_order", "pk")
        .values_list(
            "response_id",
            "response__submitted_on",
            "response__municipality__name",
            "response__age_band",
            "question__code",
            "question__text",
            "choice",
            "number",
            "text",
        )
    )


def unanswered_invitations(survey: Survey):
    return Invitation.objects.filter(survey=survey, answered=False).order_by("pk")
