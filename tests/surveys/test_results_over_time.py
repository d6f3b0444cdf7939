"""The results page's answers over time (answers per day; for an invited questionnaire the
cumulative response rate) and the staff's PDF summary, with the page's suppression of small
cells and without free text; both in a number of queries that does not grow with answers."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.charts import Day, timeline_chart
from surveys.models import Answer, Invitation, Response, Survey
from surveys.results import response_timeline
from tests.hub.factories import UserFactory
from tests.surveys.factories import make_survey
from tests.surveys.test_results import add_responses
from tests.tables.test_minutes_pdf import pdf_text

pytestmark = pytest.mark.django_db

RESULTS = "/questionari/gestione/genitorialita/risultati/"
PDF_URL = "/questionari/gestione/genitorialita/riepilogo.pdf"
D1 = date(2026, 11, 2)


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(email="staff.tempo@example.org", is_staff=True))
    return client


def add_on(survey, day, count, **kwargs):
    before = set(Response.objects.values_list("pk", flat=True))
    add_responses(survey, count, **kwargs)
    Response.objects.exclude(pk__in=before).update(submitted_on=day)


def invite(survey, count, *, answered=0, municipality=None, prefix="famiglia"):
    Invitation.objects.bulk_create(
        Invitation(
            survey=survey,
            email=f"{prefix}{index}@example.org",
            salt="x",
            token_hash=f"{survey.pk}-{prefix}-{index}",
            answered=index < answered,
            municipality=municipality,
        )
        for index in range(count)
    )


# --- The timeline as values ---------------------------------------------------------------


def test_every_day_from_first_to_last_small_days_hidden_and_rates_five_apart():
    per_day = [(D1, 6), (D1 + timedelta(days=1), 2), (D1 + timedelta(days=3), 3)]
    days = response_timeline(per_day, invited=40)
    assert [item.day for item in days] == [D1 + timedelta(days=n) for n in range(4)]
    assert [item.count for item in days] == [6, None, 0, None]
    # 6 answered of 40 = 15 %; then 8 and 11: only 11 is 5 after the last rate shown.
    assert [item.rate for item in days] == [Decimal("15.0"), None, None, Decimal("27.5")]
    # Consecutive rates never differ by fewer than MIN_CELL answers.
    assert response_timeline(per_day, invited=None)[0].rate is None
    assert response_timeline([], invited=10) == []


def test_timeline_geometry_is_integers_and_scales_to_the_largest_day():
    chart = timeline_chart(
        [
            Day("1", 10, "10", Decimal("50")),
            Day("2", None, "meno di 5"),
            Day("3", 5, "5", Decimal("100")),
        ]
    )
    assert [column.height for column in chart.columns] == [140, 70]
    assert chart.count_max == 10
    assert [point.y for point in chart.points] == [chart.plot_bottom - 70, chart.plot_top]
    assert all(
        isinstance(value, int)
        for column in chart.columns
        for value in column.__dict__.values()
        if not isinstance(value, Day)
    )
    assert chart.line.count(",") == 2


# --- The page -------------------------------------------------------------------------------


def test_a_public_questionnaire_shows_answers_per_day(staff_client):
    survey = make_survey()
    add_on(survey, D1, 7)
    add_on(survey, D1 + timedelta(days=2), 3)
    body = staff_client.get(RESULTS).content.decode()
    assert "Risposte nel tempo" in body
    assert '<svg class="hub-chart" viewBox="0 0 320' in body
    assert '2 novembre 2026</th><td class="text-end">7 risposte' in body
    assert '3 novembre 2026</th><td class="text-end">nessuna risposta' in body
    assert '4 novembre 2026</th><td class="text-end">meno di 5' in body
    assert "Tasso di risposta cumulativo" not in body
    assert "<polyline" not in body


def test_an_invited_questionnaire_shows_the_cumulative_response_rate(staff_client):
    survey = make_survey(audience=Survey.Audience.INVITED)
    invite(survey, 50, answered=17)
    add_on(survey, D1, 10)
    add_on(survey, D1 + timedelta(days=1), 7)
    body = staff_client.get(RESULTS).content.decode()
    assert "Tasso di risposta cumulativo" in body
    assert "<polyline" in body
    assert "20,0&nbsp;%" in body  # 10 of 50
    assert "34,0&nbsp;%" in body  # 17 of 50


def test_the_rate_of_a_filtered_page_counts_the_invitations_of_the_filter(staff_client):
    survey = make_survey(audience=Survey.Audience.INVITED)
    bruino, orbassano = survey.network.municipalities.order_by("pk")
    invite(survey, 20, answered=10, municipality=bruino, prefix="b")
    invite(survey, 80, answered=0, municipality=orbassano, prefix="o")
    add_on(survey, D1, 10, municipality=bruino)
    body = staff_client.get(RESULTS, {"municipality": bruino.pk}).content.decode()
    assert "50,0&nbsp;%" in body  # 10 of Bruino's 20, not of all 100
    assert "10,0&nbsp;%" in staff_client.get(RESULTS).content.decode()  # 10 of 100


# --- The PDF summary --------------------------------------------------------------------------


def test_the_pdf_summary_has_the_questions_and_never_a_suppressed_cell(staff_client):
    survey = make_survey()
    town = survey.network.municipalities.first()
    add_responses(survey, 23, municipality=town, text="Segreto della famiglia")
    # Satisfaction (Q2, 1 to 5): 12 × "1", 8 × "2", 3 × "3" (a small cell).
    q2 = list(
        Answer.objects.filter(question__code="Q2").order_by("pk").values_list("pk", flat=True)
    )
    for choice, pks in (("1", q2[:12]), ("2", q2[12:20]), ("3", q2[20:])):
        Answer.objects.filter(pk__in=pks).update(choice=choice)
    response = staff_client.get(PDF_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="riepilogo-genitorialita.pdf"'
    assert response.content.startswith(b"%PDF")
    from surveys import results_pdf

    # The same values as the view, uncompressed, to read the text back.
    text = pdf_text(_uncompressed(staff_client, results_pdf))
    for question in survey.questions.all():
        assert f"{question.code}. {question.text}" in text
    assert "23 risposte." in text
    assert "1\n12\n52,2 %\n2\n8\n34,8 %\n3\nmeno di 5\nnascosto\n" in text
    assert "13,0" not in text  # 3 of 23: the suppressed cell's percentage
    page = staff_client.get(RESULTS).content.decode()
    assert "52,2" in page and "13,0" not in page  # as on the page
    assert "Segreto della famiglia" not in text  # free text excluded
    assert "Risposte libere: non incluse nel riepilogo." in text


def _uncompressed(client, results_pdf):
    original = results_pdf.results_pdf

    def uncompressed(sheet, results, compress=True):
        return original(sheet, results, compress=False)

    results_pdf.results_pdf = uncompressed
    try:
        return client.get(PDF_URL).content
    finally:
        results_pdf.results_pdf = original


def test_the_pdf_applies_the_filters_and_refuses_bad_ones(staff_client):
    survey = make_survey()
    bruino, orbassano = survey.network.municipalities.order_by("pk")
    add_responses(survey, 12, municipality=bruino)
    add_responses(survey, 3, municipality=orbassano)
    from surveys import results_pdf

    original = results_pdf.results_pdf
    results_pdf.results_pdf = lambda sheet, results, compress=True: original(
        sheet, results, compress=False
    )
    try:
        text = pdf_text(staff_client.get(PDF_URL, {"municipality": orbassano.pk}).content)
    finally:
        results_pdf.results_pdf = original
    assert f"Comune: {orbassano.name}" in text
    assert "Meno di 5 risposte: il dato non è mostrato." in text
    assert staff_client.get(PDF_URL, {"municipality": "abc"}).status_code == 400


def test_the_pdf_is_for_staff_only(client):
    make_survey()
    response = client.get(PDF_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory(email="famiglia.pdf@example.org"))
    assert client.get(PDF_URL).status_code == 403


def test_the_page_has_a_link_to_the_pdf_with_the_filters(staff_client):
    survey = make_survey()
    town = survey.network.municipalities.first()
    body = staff_client.get(RESULTS, {"municipality": town.pk}).content.decode()
    assert f'href="{PDF_URL}?municipality={town.pk}"' in body


# --- Queries -----------------------------------------------------------------------------------


def test_page_and_pdf_run_the_same_queries_for_50_and_10000_answers(staff_client):
    survey = make_survey(audience=Survey.Audience.INVITED)
    invite(survey, 3000, answered=10)
    add_on(survey, D1, 10)  # 5 answers each: 50
    counts = {}
    for label in ("small", "large"):
        if label == "large":
            for offset in range(1, 5):  # 1990 more responses over four more days
                add_on(survey, D1 + timedelta(days=offset), 500 if offset < 4 else 490)
            assert Answer.objects.count() == 10_000
        with CaptureQueriesContext(connection) as page:
            response = staff_client.get(RESULTS)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as pdf:
            assert staff_client.get(PDF_URL).status_code == 200
        counts[label] = (len(page.captured_queries), len(pdf.captured_queries))
    assert counts["small"] == counts["large"], counts
    assert counts["large"][0] <= 12 and counts["large"][1] <= 12, counts
    assert "<polyline" in response.content.decode()
