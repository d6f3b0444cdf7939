"""Staff build a questionnaire in the Wagtail admin: sections, questions, skip rules."""

import pytest
from django.urls import reverse

from surveys.models import Survey
from surveys.wagtail_hooks import register_results_menu_item
from tests.hub.factories import UserFactory
from tests.surveys.factories import make_network, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(email="admin.questionari@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def _inline(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
        data[f"{prefix}-{index}-ORDER"] = str(index + 1)
        data[f"{prefix}-{index}-DELETE"] = ""
    return data


def test_staff_create_a_questionnaire_with_sections_and_questions_in_the_admin(admin_client):
    network, _towns = make_network()
    data = {
        "title": "Genitorialità sostenibile",
        "slug": "genitorialita-sostenibile",
        "intro": "Per le famiglie con figli da 0 a 2 anni.",
        "network": str(network.pk),
        "opens_at": "2026-12-01 09:00",
        "closes_at": "2027-01-31 18:00",
        "audience": "invited",
        "status": "published",
        **_inline(
            "sections",
            [
                {"number": "1", "title": "La famiglia"},
                {
                    "number": "2",
                    "title": "Il nido",
                    "skip_if_question": "Q1",
                    "skip_if_answer": "No",
                },
            ],
        ),
        **_inline(
            "questions",
            [
                {
                    "section_number": "1",
                    "code": "Q1",
                    "text": "Frequenta il nido?",
                    "kind": "single",
                    "required": "on",
                    "choices": "Sì\nNo",
                },
                {"section_number": "2", "code": "Q2", "text": "Soddisfazione", "kind": "scale"},
            ],
        ),
    }
    response = admin_client.post(reverse("survey_admin:add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    survey = Survey.objects.get(slug="genitorialita-sostenibile")
    assert [s.title for s in survey.sections.order_by("number")] == ["La famiglia", "Il nido"]
    assert survey.sections.get(number=2).skip_if_question == "Q1"
    q1 = survey.questions.get(code="Q1")
    assert q1.choice_list == ["Sì", "No"] and q1.required
    assert survey.questions.get(code="Q2").required is False


def test_a_choice_question_without_options_is_refused_in_the_admin(admin_client):
    network, _towns = make_network()
    data = {
        "title": "Prova",
        "slug": "prova",
        "network": str(network.pk),
        "opens_at": "2026-12-01 09:00",
        "closes_at": "2026-11-01 09:00",
        "audience": "public",
        "status": "draft",
        **_inline("sections", []),
        **_inline(
            "questions",
            [{"section_number": "1", "code": "Q1", "text": "Scegli", "kind": "single"}],
        ),
    }
    response = admin_client.post(reverse("survey_admin:add"), data)
    assert response.status_code == 400
    assert not Survey.objects.filter(slug="prova").exists()
    body = response.content.decode()
    assert "La chiusura deve essere successiva all" in body
    assert "almeno un" in body


def test_the_admin_list_and_edit_screens_open(admin_client):
    survey = make_survey()
    assert admin_client.get(reverse("survey_admin:index")).status_code == 200
    assert admin_client.get(reverse("survey_admin:edit", args=[survey.pk])).status_code == 200


@pytest.mark.parametrize(
    ("section", "question", "message"),
    [
        (
            {"skip_if_question": "Q9", "skip_if_answer": "No"},
            {},
            "servono il codice di una domanda",
        ),
        (
            {"skip_if_question": "Q1", "skip_if_answer": "Forse"},
            {},
            "non è tra le opzioni della domanda Q1",
        ),
        (
            {"skip_if_question": "Q1", "skip_if_answer": "No"},
            {"section_number": "2"},
            "deve stare in una sezione precedente",
        ),
        ({}, {"section_number": "7"}, "Non esiste una sezione con il numero 7"),
    ],
)
def test_broken_skip_rules_are_refused_in_the_admin(admin_client, section, question, message):
    network, _towns = make_network()
    data = {
        "title": "Prova",
        "slug": "prova-salti",
        "network": str(network.pk),
        "opens_at": "2026-12-01 09:00",
        "closes_at": "2027-01-01 09:00",
        "audience": "public",
        "status": "draft",
        **_inline(
            "sections",
            [{"number": "1", "title": "Uno"}, {"number": "2", "title": "Due", **section}],
        ),
        **_inline(
            "questions",
            [
                {
                    "section_number": "1",
                    "code": "Q1",
                    "text": "Nido?",
                    "kind": "single",
                    "choices": "Sì\nNo",
                    **question,
                }
            ],
        ),
    }
    response = admin_client.post(reverse("survey_admin:add"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Survey.objects.filter(slug="prova-salti").exists()


def test_the_results_menu_item_is_shown_to_staff_only(rf):
    item = register_results_menu_item()
    request = rf.get("/admin/")
    request.user = UserFactory(email="volontario.admin@example.org")
    assert not item.is_shown(request)
    request.user = UserFactory(email="staff.menu@example.org", is_staff=True)
    assert item.is_shown(request)
