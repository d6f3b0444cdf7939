"""The results page (issue 17, item 9): counts and percentages per question with SVG bars,
filters by municipality and age band, cells under 5 suppressed, free text for staff only,
the researchers' CSV, and a number of queries that does not grow with the answers."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from surveys.answering import QuestionSpec
from surveys.models import Answer, Response
from surveys.results import question_results
from tests.hub.factories import UserFactory
from tests.surveys.factories import make_survey

pytestmark = pytest.mark.django_db

RESULTS = "/questionari/gestione/genitorialita/risultati/"
CSV_URL = "/questionari/gestione/genitorialita/risposte.csv"


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(email="staff.risultati@example.org", is_staff=True))
    return client


def add_responses(survey, count, *, municipality=None, age_band="0-2", nido="Sì", text="Più nidi"):
    questions = {q.code: q for q in survey.questions.all()}
    today = timezone.localdate()
    responses = Response.objects.bulk_create(
        Response(survey=survey, submitted_on=today, municipality=municipality, age_band=age_band)
        for _ in range(count)
    )
    answers = []
    for index, response in enumerate(responses):
        answers += [
            Answer(response=response, question=questions["Q1"], choice=nido),
            Answer(response=response, question=questions["Q3"], choice="Madre"),
            Answer(response=response, question=questions["Q4"], number=Decimal(30 + index % 10)),
            Answer(response=response, question=questions["Q5"], text=f"{text} {index}"),
        ]
        if nido == "Sì":
            answers.append(
                Answer(response=response, question=questions["Q2"], choice=str(1 + index % 5))
            )
    Answer.objects.bulk_create(answers)


def test_suppression_hides_small_cells_and_their_complement():
    question = QuestionSpec(1, "Q1", "Nido?", "single", True, ("Sì", "No", "Non so"), 1)
    [result] = question_results(
        [question],
        choice_counts={(1, "Sì"): 20, (1, "No"): 7, (1, "Non so"): 3},
        respondents={1: 30},
        number_sums={},
        texts={},
    )
    shown = {row.label: row.count for row in result.options}
    # "Non so" is under 5; "No" is hidden too, or 30 − 20 would give "Non so" away.
    assert shown == {"Sì": 20, "No": None, "Non so": None}
    assert result.options[0].percent == Decimal("66.7")
    [tiny] = question_results(
        [question], choice_counts={(1, "Sì"): 4}, respondents={1: 4}, number_sums={}, texts={}
    )
    assert tiny.suppressed and tiny.options == ()


def test_staff_see_counts_percentages_and_svg_bars(staff_client):
    survey = make_survey()
    bruino, orbassano = survey.network.municipalities.order_by("pk")
    add_responses(survey, 12, municipality=bruino)
    add_responses(survey, 6, municipality=orbassano, nido="No")
    response = staff_client.get(RESULTS)
    assert response.status_code == 200
    body = response.content.decode()
    assert "18 risposte con questi filtri." in body
    assert '<svg class="hub-chart"' in body and 'role="img"' in body
    assert '<title id="chart-Q1-svg-title">' in body
    assert "Sì: 66,7" in body and "No: 33,3" in body  # 12/18 and 6/18
    assert "Più nidi 3" in body  # free text, for staff
    assert "Media 33,4 su 18 risposte." in body  # (406 + 195) / 18 hours


def test_filters_by_municipality_and_age_band_apply_suppression(staff_client):
    survey = make_survey()
    bruino, orbassano = survey.network.municipalities.order_by("pk")
    add_responses(survey, 12, municipality=bruino)
    add_responses(survey, 3, municipality=orbassano, age_band="3-5")
    body = staff_client.get(RESULTS, {"municipality": orbassano.pk}).content.decode()
    assert "3 risposte con questi filtri." in body
    assert "Meno di 5 risposte: il dato non è mostrato." in body
    assert "Più nidi" not in body  # no free text from a group this small
    assert 'class="hub-chart"' not in body
    body = staff_client.get(RESULTS, {"age_band": "0-2"}).content.decode()
    assert "12 risposte con questi filtri." in body
    assert staff_client.get(RESULTS, {"municipality": "abc"}).status_code == 400


def test_the_csv_for_researchers_has_the_anonymous_answers(staff_client):
    survey = make_survey()
    add_responses(survey, 2, municipality=survey.network.municipalities.first(), text="=1+1")
    response = staff_client.get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["risposta", "giorno", "comune", "fascia d'età", "codice"]
    assert len(rows) == 1 + 2 * 5
    assert "'=1+1 0" in [row[8] for row in rows]  # neutralised by the one CSV writer


@pytest.mark.parametrize(
    "path",
    ["/questionari/gestione/", RESULTS, CSV_URL],
)
def test_results_are_for_staff_only(client, path):
    make_survey()
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory(email="famiglia.curiosa@example.org"))
    assert client.get(path).status_code == 403


def test_staff_index_lists_the_questionnaires(staff_client):
    survey = make_survey()
    add_responses(survey, 2)
    body = staff_client.get("/questionari/gestione/").content.decode()
    assert "Genitorialità sostenibile" in body and RESULTS in body


def test_the_results_page_runs_the_same_queries_for_50_and_500_answers(staff_client):
    survey = make_survey()
    town = survey.network.municipalities.first()
    add_responses(survey, 10, municipality=town)  # 50 answers
    with CaptureQueriesContext(connection) as small:
        assert staff_client.get(RESULTS, {"municipality": town.pk}).status_code == 200
    add_responses(survey, 90, municipality=town)  # 500 answers
    assert Answer.objects.count() == 500
    with CaptureQueriesContext(connection) as large:
        assert staff_client.get(RESULTS, {"municipality": town.pk}).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)
    assert len(large.captured_queries) <= 12, len(large.captured_queries)
