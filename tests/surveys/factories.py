"""Questionnaires for the surveys tests, built as staff would in the admin."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from surveys.models import Question, Section, Survey
from tests.hub.factories import MunicipalityFactory, NetworkFactory


def make_network(*, towns=("Bruino", "Orbassano")):
    network = NetworkFactory()
    municipalities = [MunicipalityFactory(name=name) for name in towns]
    network.municipalities.set(municipalities)
    return network, municipalities


def make_survey(*, network=None, audience=Survey.Audience.PUBLIC, slug="genitorialita", **extra):
    if network is None:
        network, _towns = make_network()
    now = timezone.now()
    survey = Survey.objects.create(
        title="Genitorialità sostenibile",
        slug=slug,
        intro="Un questionario per le famiglie con figli da 0 a 2 anni.",
        network=network,
        opens_at=extra.pop("opens_at", now - timedelta(days=1)),
        closes_at=extra.pop("closes_at", now + timedelta(days=30)),
        audience=audience,
        status=extra.pop("status", Survey.Status.PUBLISHED),
    )
    Section.objects.create(survey=survey, number=1, title="La famiglia")
    Section.objects.create(
        survey=survey,
        number=2,
        title="Il nido",
        skip_if_question="Q1",
        skip_if_answer="No",
    )
    Section.objects.create(survey=survey, number=3, title="Il tempo")
    questions = [
        (1, "Q1", "Il bambino o la bambina frequenta il nido?", "single", True, "Sì\nNo"),
        (2, "Q2", "Quanto è soddisfatta la famiglia del nido?", "scale", True, ""),
        (3, "Q3", "Chi si occupa dei figli?", "multiple", True, "Madre\nPadre\nNonni\nAltri"),
        (3, "Q4", "Quante ore a settimana lavorano i genitori?", "number", False, ""),
        (3, "Q5", "Un servizio che manca", "short_text", False, ""),
        (3, "Q6", "Altro da dirci", "long_text", False, ""),
    ]
    for order, (section, code, text, kind, required, choices) in enumerate(questions):
        Question.objects.create(
            survey=survey,
            sort_order=order,
            section_number=section,
            code=code,
            text=text,
            kind=kind,
            required=required,
            choices=choices,
        )
    return survey


def good_answers(**override):
    data = {
        "q_Q1": "Sì",
        "q_Q2": "4",
        "q_Q3": ["Madre", "Nonni"],
        "q_Q4": "38,5",
        "q_Q5": "Un nido aperto il sabato",
        "q_Q6": "",
    }
    data.update(override)
    return data
