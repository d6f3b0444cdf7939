"""Demo questionnaire: «Genitorialità sostenibile», the CIdiS survey of families with children
aged 0–2 run with the University of Turin (shared/domain), with a few dozen generated answers.

The questionnaire is built as staff would in the admin; the demo's 0–2 families are invited
through the service (their e-mails are dropped by seed_demo); the generated answers are
written in bulk, seeded so the demo is the same every time. Idempotent: a survey whose slug
exists is left alone.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from hub.models import Network, User
from surveys import services
from surveys.models import Answer, Question, Response, Section, Survey

SLUG = "genitorialita-sostenibile"
GENERATED = 42

SECTIONS = [
    (1, "La vostra famiglia", "", ""),
    (2, "Il nido e i servizi per la prima infanzia", "Q1", "No"),
    (3, "Lavoro e tempi della famiglia", "", ""),
    (4, "Proposte", "", ""),
]
# (section, code, text, kind, required, choices)
QUESTIONS = [
    (
        1,
        "Q1",
        "Il vostro bambino o la vostra bambina frequenta un nido?",
        "single",
        True,
        ["Sì", "No"],
    ),
    (
        1,
        "Q2",
        "Chi si occupa di più della cura quotidiana?",
        "multiple",
        True,
        ["Madre", "Padre", "Nonni", "Baby-sitter", "Altri"],
    ),
    (2, "Q3", "Quanto siete soddisfatti del nido?", "scale", True, []),
    (
        2,
        "Q4",
        "Che cosa vi ha fatto scegliere il nido?",
        "single",
        False,
        ["Vicinanza a casa", "Orari", "Costo", "Qualità educativa"],
    ),
    (3, "Q5", "Quante ore a settimana lavorano in tutto i genitori?", "number", False, []),
    (3, "Q6", "Quanto riuscite a conciliare lavoro e famiglia?", "scale", True, []),
    (4, "Q7", "Un servizio che vi manca", "short_text", False, []),
    (4, "Q8", "Altro che volete dirci", "long_text", False, []),
]
WISHES = [
    "Un nido aperto anche il sabato mattina",
    "Più posti al nido comunale",
    "Spazi gioco al coperto per l'inverno",
    "Gruppi di incontro tra neo-genitori",
    "Orari del pediatra più flessibili",
]


def load(*, admin: User) -> dict[str, int]:
    created = {"surveys": 0, "survey responses": 0}
    network = Network.objects.filter(slug="cidis").first()
    if network is None or Survey.objects.filter(slug=SLUG).exists():
        return created
    with transaction.atomic():
        survey = _build(network)
        services.invitations_send(survey=survey, born_since=timezone.localdate().year - 2)
        created["surveys"] = 1
        created["survey responses"] = _generate_answers(survey)
    return created


def _build(network: Network) -> Survey:
    now = timezone.now()
    survey = Survey.objects.create(
        title="Genitorialità sostenibile",
        slug=SLUG,
        intro=(
            "Il CIdiS e l'Università di Torino chiedono alle famiglie con figli da 0 a 2 anni "
            "come organizzano cura, lavoro e servizi. Bastano cinque minuti."
        ),
        network=network,
        opens_at=now - timedelta(days=14),
        closes_at=now + timedelta(days=45),
        audience=Survey.Audience.INVITED,
        status=Survey.Status.PUBLISHED,
    )
    Section.objects.bulk_create(
        Section(
            survey=survey, number=n, title=t, skip_if_question=q, skip_if_answer=a, sort_order=n
        )
        for n, t, q, a in SECTIONS
    )
    Question.objects.bulk_create(
        Question(
            survey=survey,
            sort_order=order,
            section_number=section,
            code=code,
            text=text,
            kind=kind,
            required=required,
            choices="\n".join(choices),
        )
        for order, (section, code, text, kind, required, choices) in enumerate(QUESTIONS)
    )
    return survey


def _generate_answers(survey: Survey) -> int:
    rng = random.Random(17)  # noqa: S311 - demo data, the same on every run
    questions = {q.code: q for q in survey.questions.all()}
    towns = list(survey.network.municipalities.order_by("name"))
    # Most answers from the larger towns, so that some breakdown cells stay under 5.
    weights = [
        6 if town.slug in {"orbassano", "rivalta-di-torino", "piossasco"} else 1 for town in towns
    ]
    today = timezone.localdate()
    responses = Response.objects.bulk_create(
        Response(
            survey=survey,
            submitted_on=today - timedelta(days=rng.randint(0, 13)),
            municipality=rng.choices(towns, weights)[0] if rng.random() < 0.9 else None,
            age_band="0-2",
        )
        for _ in range(GENERATED)
    )
    answers = []
    for response in responses:
        nido = rng.random() < 0.55
        answers.append(
            Answer(response=response, question=questions["Q1"], choice="Sì" if nido else "No")
        )
        for carer in rng.sample(["Madre", "Padre", "Nonni", "Baby-sitter"], rng.randint(1, 3)):
            answers.append(Answer(response=response, question=questions["Q2"], choice=carer))
        if nido:
            score = str(rng.choices([2, 3, 4, 5], [1, 3, 5, 3])[0])
            answers.append(
                Answer(
                    response=response, question=questions["Q3"], choice=score, number=Decimal(score)
                )
            )
            answers.append(
                Answer(
                    response=response,
                    question=questions["Q4"],
                    choice=rng.choice(["Vicinanza a casa", "Orari", "Costo", "Qualità educativa"]),
                )
            )
        answers.append(
            Answer(response=response, question=questions["Q5"], number=Decimal(rng.randint(36, 80)))
        )
        balance = str(rng.choices([1, 2, 3, 4, 5], [2, 5, 5, 3, 1])[0])
        answers.append(
            Answer(
                response=response, question=questions["Q6"], choice=balance, number=Decimal(balance)
            )
        )
        if rng.random() < 0.4:
            answers.append(
                Answer(response=response, question=questions["Q7"], text=rng.choice(WISHES))
            )
    Answer.objects.bulk_create(answers)
    return len(responses)
