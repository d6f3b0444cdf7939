"""The Piano Family's pages: public plan, objective and dashboard pages, the annual
report's CSV and PDF, the staff's forms, who sees what, and the queries a page runs."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tables.models import Objective, ObjectiveAction, PianoFamily, ProgressUpdate, Status
from tables.plan_exports import PlanHeading, plan_pdf
from tables.plan_selectors import plan_report
from tables.services import plan as services
from tests.hub.factories import UserFactory
from tests.tables.plan_factories import make_objective, make_plan, record, staff_user

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def staff():
    return staff_user(email="staff.piano@example.org")


@pytest.fixture
def plan(staff):
    plan = make_plan(by=staff, title="Piano Family 2022/23")
    first = make_objective(
        plan,
        by=staff,
        macro_area="A",
        area="governance",
        title="Tavolo Intercomunale",
        baseline="0",
        target="8",
        weight=2,
    )
    record(first, on=date(2022, 6, 30), status=Status.IN_PROGRESS, value="2", by=staff)
    record(first, on=date(2022, 12, 15), status=Status.IN_PROGRESS, value="6", by=staff)
    second = make_objective(
        plan,
        by=staff,
        macro_area="D",
        area="comunita-educante",
        title="Questionario Genitorialità Sostenibile",
        kind=Objective.IndicatorKind.PERCENTAGE,
        baseline="0",
        target="30",
        municipalities=list(plan.network.municipalities.all()[:1]),
    )
    record(second, on=date(2023, 6, 30), status=Status.IN_PROGRESS, value="15", by=staff)
    return services.plan_publish(plan=plan, by=staff)


def url(name, plan, *args):
    return reverse(f"piano_family:{name}", args=[plan.slug, *args])


# --- Public pages -----------------------------------------------------------------------------


def test_the_plan_page_groups_objectives_by_macro_area_and_area(client, plan):
    response = client.get(url("plan", plan))
    assert response.status_code == 200
    html = response.content.decode()
    assert "A. Governance e azioni di rete" in html
    assert "Area: Comunità educante" in html
    assert html.index("A.1 Tavolo Intercomunale") < html.index("D.1 Questionario")
    # 6 of 8 meetings: 75 %; 15 of 30 %: 50 %; weighted 2:1 → 66,7 %.
    assert "75\u00a0%" in html and "50\u00a0%" in html and "66,7\u00a0%" in html
    assert 'href="/piano-family/' + plan.slug + '/cruscotto/"' in html


def test_the_objective_page_shows_its_updates_newest_first(client, plan):
    objective = plan.objectives.get(title="Tavolo Intercomunale")
    response = client.get(url("objective", plan, objective.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("15 dicembre 2022") < html.index("30 giugno 2022")
    assert "6 famiglie" in html  # the latest value, with its unit
    # Authors are named to staff only.
    assert "staff.piano@example.org" not in html and str(plan.objectives.first()) in html


def test_the_dashboard_draws_accessible_charts_with_their_data(client, plan):
    response = client.get(url("dashboard", plan))
    assert response.status_code == 200
    html = response.content.decode()
    for chart in ("chart-macro-areas", "chart-areas", "chart-municipalities", "chart-timeline"):
        assert f'aria-labelledby="{chart}-svg-title {chart}-desc"' in html
        assert f'<title id="{chart}-svg-title">' in html
    assert html.count("Dati del grafico in tabella") == 4
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    # SVG numbers are never localised ("12,5" would break the drawing).
    for attribute in re.findall(r'\s(?:x|y|x1|x2|y1|y2|dy|width|height)="([^"]*)"', html):
        assert re.fullmatch(r"-?\d+", attribute), attribute
    # Every municipality has its bar; the one with the questionnaire has both objectives.
    names = list(plan.network.municipalities.values_list("name", flat=True))
    assert all(name in html for name in names)
    assert "T2 2023" in html and "oggi" in html


def test_a_draft_plan_is_seen_by_staff_only(client, staff):
    draft = make_plan(by=staff, title="Piano in bozza")
    objective = make_objective(draft, by=staff)
    routes = [
        url("plan", draft),
        url("dashboard", draft),
        url("plan_csv", draft),
        url("plan_pdf", draft),
        url("objective", draft, objective.pk),
    ]
    for route in routes:
        assert client.get(route).status_code == 404, route
    index = client.get(reverse("piano_family:index")).content.decode()
    assert "Piano in bozza" not in index
    client.force_login(UserFactory())
    assert all(client.get(route).status_code == 404 for route in routes)
    client.force_login(staff)
    assert all(client.get(route).status_code == 200 for route in routes)
    assert "Piano in bozza" in client.get(reverse("piano_family:index")).content.decode()


def test_pages_speak_english(client, plan):
    html = client.get(url("dashboard", plan), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Progress by macro-area" in html
    assert "Chart data as a table" in html
    assert "66.7\u00a0%" in html


# --- Query counts -----------------------------------------------------------------------------


def grow(plan, staff, objectives: int) -> None:
    """Objectives in every macro-area, each with two actions and three updates."""
    for index in range(objectives):
        objective = make_objective(
            plan,
            by=staff,
            macro_area="ABCDE"[index % 5],
            method=Objective.ProgressMethod.ACTIONS_AVERAGE if index % 2 else "indicator",
            municipalities=list(plan.network.municipalities.all()[: index % 3]),
        )
        ObjectiveAction.objects.bulk_create(
            ObjectiveAction(objective=objective, title=f"Azione {n}", status=Status.IN_PROGRESS)
            for n in range(2)
        )
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                objective=objective,
                date=date(2022, month, 1),
                status=Status.IN_PROGRESS,
                indicator_value=D(month),
                progress=D(month * 10),
            )
            for month in (2, 5, 9)
        )


@pytest.mark.parametrize("name", ["plan", "dashboard"])
def test_pages_run_the_same_queries_whatever_the_size_of_the_plan(client, plan, staff, name):
    client.get(url(name, plan))  # the site's caches warm up
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(name, plan)).status_code == 200
    grow(plan, staff, objectives=12)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url(name, plan))
    assert response.status_code == 200
    assert response.content.decode().count("obiettivi/") >= 14 or name == "dashboard"
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    assert len(small) <= 10


def test_the_report_runs_a_fixed_number_of_queries(plan, staff, django_assert_num_queries):
    grow(plan, staff, objectives=8)
    plan = PianoFamily.objects.select_related("network").get(pk=plan.pk)
    with django_assert_num_queries(6):
        report = plan_report(plan)
    assert len(report.objectives) == 10


# --- Annual report ----------------------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_csv_export_has_one_row_per_objective(client, plan):
    response = client.get(url("plan_csv", plan))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{plan.slug}_' in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header[:4] == ["Codice", "Macro-area", "Area", "Obiettivo"]
    assert [row[0] for row in rows] == ["A.1", "D.1"]
    progress = header.index("Avanzamento (%)")
    value = header.index("Valore raggiunto")
    assert rows[0][value] == "6,00" and rows[0][progress] == "75,00"


def test_the_csv_at_the_end_of_a_year_shows_where_things_stood(client, plan):
    header, first, second = csv_rows(client.get(url("plan_csv", plan) + "?anno=2022"))
    progress = header.index("Avanzamento (%)")
    assert first[progress] == "75,00"  # recorded on 15/12/2022
    assert second[progress] == "0,00"  # its first update came in 2023
    assert second[header.index("Stato")] == "non avviato"


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("?anno=2030", "Il piano va dal 2022 al 2023"),
        ("?anno=due", "è un numero"),
    ],
    ids=["outside-the-plan", "not-a-number"],
)
def test_a_report_year_outside_the_plan_is_a_400(client, plan, query, words):
    for name in ("plan_csv", "plan_pdf"):
        response = client.get(url(name, plan) + query)
        assert response.status_code == 400
        assert words in response.content.decode()


def test_text_cells_cannot_become_formulas(client, plan, staff):
    make_objective(plan, by=staff, title='=HYPERLINK("http://example.org")')
    rows = csv_rows(client.get(url("plan_csv", plan)))
    assert rows[2][3].startswith("'=HYPERLINK")


def test_the_pdf_report(client, plan):
    response = client.get(url("plan_pdf", plan) + "?anno=2023")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    report = plan_report(plan, as_of=date(2023, 12, 31))
    heading = PlanHeading(title=plan.title, owner="CIdiS", period=plan.period_label)
    pdf = plan_pdf(report, heading, today=date(2024, 1, 10), compress=False)
    text = pdf.decode("latin-1")
    for words in ("Piano Family 2022/23", "Situazione al 31/12/2023", "Tavolo Intercomunale"):
        assert words in text
    assert pdf == plan_pdf(report, heading, today=date(2024, 1, 10), compress=False)


# --- Staff forms ------------------------------------------------------------------------------


def test_staff_record_an_update_through_the_form(client, plan, staff):
    objective = plan.objectives.get(title="Tavolo Intercomunale")
    client.force_login(staff)
    route = url("update_create", plan, objective.pk)
    assert client.get(route).status_code == 200
    response = client.post(
        route, {"date": "2023-06-30", "status": "in_progress", "indicator_value": "7", "note": ""}
    )
    assert response.status_code == 302
    update = objective.updates.get(date=date(2023, 6, 30))
    assert update.indicator_value == D(7) and update.progress == D("87.50")
    assert update.author == staff


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("150", "scrivi un valore tra 0 e 100"),
        ("-2", "scrivi un valore tra 0 e 100"),
        ("quaranta", "Scrivi un numero"),
        ("1e3", "Scrivi un numero"),
    ],
    ids=["over-100", "negative", "words", "exponent"],
)
def test_a_wrong_indicator_value_is_a_400_and_saves_nothing(client, plan, staff, value, words):
    objective = plan.objectives.get(indicator_kind="percentage")
    client.force_login(staff)
    before = ProgressUpdate.objects.count()
    response = client.post(
        url("update_create", plan, objective.pk),
        {"date": "2023-07-15", "status": "in_progress", "indicator_value": value},
    )
    assert response.status_code == 400
    assert words in response.content.decode()
    assert ProgressUpdate.objects.count() == before


def test_a_yes_no_indicator_takes_only_0_or_1(client, plan, staff):
    objective = make_objective(plan, by=staff, kind=Objective.IndicatorKind.YES_NO, target="1")
    client.force_login(staff)
    route = url("update_create", plan, objective.pk)
    data = {"date": "2023-01-10", "status": "achieved"}
    response = client.post(route, {**data, "indicator_value": "2"})
    assert response.status_code == 400
    assert "1 per «sì» o 0 per «no»" in response.content.decode()
    assert client.post(route, {**data, "indicator_value": "1"}).status_code == 302
    assert objective.updates.get().progress == D(100)


def test_only_staff_reach_the_forms(client, plan):
    objective = plan.objectives.first()
    route = url("update_create", plan, objective.pk)
    data = {"date": "2023-06-30", "status": "in_progress", "indicator_value": "7"}
    response = client.post(route, data)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory())
    assert client.post(route, data).status_code == 403
    assert client.post(url("plan_publish", plan), {"publish": "0"}).status_code == 403
    assert not objective.updates.filter(date=date(2023, 6, 30)).exists()
    plan.refresh_from_db()
    assert plan.is_published


def test_staff_create_a_plan_and_an_objective_through_the_forms(client, staff, plan):
    client.force_login(staff)
    municipality = plan.network.municipalities.first()
    response = client.post(
        reverse("piano_family:plan_create"),
        {
            "title": "Piano di un Comune",
            "municipality": str(municipality.pk),
            "start_year": "2024",
            "end_year": "2025",
        },
    )
    assert response.status_code == 302
    created = PianoFamily.objects.get(title="Piano di un Comune")
    assert created.municipality == municipality and not created.is_published

    form = {
        "macro_area": "",
        "area": "",
        "title": "Sezione Family sui siti",
        "indicator_name": "Siti con la sezione",
        "indicator_kind": "percentage",
        "baseline": "0",
        "target": "100",
        "progress_method": "indicator",
        "weight": "1",
    }
    from hub.models import Area, MacroArea

    form["macro_area"] = str(MacroArea.objects.get(code="A").pk)
    form["area"] = str(Area.objects.get(slug="comunicazione").pk)
    response = client.post(url("objective_create", created), form)
    assert response.status_code == 400
    assert "è della macro-area C, non della A" in response.content.decode()
    assert not created.objectives.exists()
    form["macro_area"] = str(MacroArea.objects.get(code="C").pk)
    form["target"] = "100,0"
    response = client.post(url("objective_create", created), form)
    assert response.status_code == 302
    assert created.objectives.get().target == D(100)
    response = client.post(url("plan_publish", created), {"publish": "1"})
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.is_published


def test_publishing_an_empty_plan_is_refused_with_a_message(client, staff):
    empty = make_plan(by=staff)
    client.force_login(staff)
    response = client.post(url("plan_publish", empty), {"publish": "1"})
    assert response.status_code == 400
    assert "Un piano senza obiettivi non si pubblica" in response.content.decode()
    empty.refresh_from_db()
    assert not empty.is_published
