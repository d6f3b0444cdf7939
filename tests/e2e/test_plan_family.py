"""The Piano Family in a real browser (issue 13, item 6), on the demo's CIdiS plan 2022/23.

- A visitor reads the plan, an objective and the dashboard at 360 px and at 1280 px: the
  page never scrolls sideways, every chart fits its column and every label and figure of
  a chart lies inside its drawing, the data tables behind the charts open, and the pages
  pass axe-core's WCAG 2.1 AA checks.
- Network staff record a progress update through the form; a wrong value is refused with
  its message and the right one moves the objective's figures.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from hub.models import User
from tables.demo_plan import PLAN_SLUG
from tables.models import PianoFamily
from tests.e2e.browser import PHONE, assert_accessible, signed_in_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1280, "height": 900}

MEASURE = """() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) {
    problems.push(`the page scrolls sideways: ${root.scrollWidth}px in ${root.clientWidth}px`);
  }
  const charts = [...document.querySelectorAll("main svg.hub-chart")];
  for (const svg of charts) {
    const frame = svg.getBoundingClientRect();
    if (frame.right > root.clientWidth + 1) {
      problems.push(`a chart overflows the page: ${frame.right}px`);
    }
    for (const text of svg.querySelectorAll("text")) {
      const box = text.getBoundingClientRect();
      if (box.left < frame.left - 1 || box.right > frame.right + 1
          || box.top < frame.top - 1 || box.bottom > frame.bottom + 1) {
        problems.push(`"${text.textContent}" lies outside its chart`);
      }
    }
  }
  return {problems, charts: charts.length};
}"""


@pytest.fixture
def plan(settings):
    settings.DEBUG = True  # seed_demo refuses to publish its demo accounts otherwise
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    return PianoFamily.objects.get(slug=PLAN_SLUG)


def test_a_visitor_reads_the_plan_and_its_dashboard(plan, live_server, browser):
    base = live_server.url
    objective = plan.objectives.order_by("pk").first()
    paths = {
        "/piano-family/": 0,
        f"/piano-family/{plan.slug}/": 0,
        f"/piano-family/{plan.slug}/obiettivi/{objective.pk}/": 0,
        f"/piano-family/{plan.slug}/cruscotto/": 4,
    }
    problems: list[str] = []
    page = browser.new_context(locale="it-IT", viewport=PHONE).new_page()
    for path, charts in paths.items():
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            response = page.goto(base + path)
            assert response.ok, f"{path}: {response.status}"
            found = page.evaluate(MEASURE)
            where = f"{path} at {viewport['width']}px"
            problems += [f"{where}: {problem}" for problem in found["problems"]]
            assert found["charts"] == charts, where
            if viewport is PHONE:
                assert_accessible(page)
    assert not problems, "\n".join(problems)

    page.set_viewport_size(PHONE)
    page.goto(f"{base}/piano-family/{plan.slug}/cruscotto/")
    figure = page.locator("figure", has=page.get_by_role("heading", name="Avanzamento per Comune"))
    figure.get_by_text("Dati del grafico in tabella").click()
    table = figure.get_by_role("table")
    assert table.is_visible()
    assert "Bruino" in table.inner_text()
    assert page.get_by_role("img", name="Avanzamento nel tempo").count() == 1


def test_staff_record_a_progress_update(plan, live_server, browser):
    base = live_server.url
    staff = User.objects.get(email="staff@example.org")
    objective = plan.objectives.get(indicator_kind="percentage", title__startswith="Una sezione")
    page = signed_in_page(browser, base, staff)
    page.goto(f"{base}/piano-family/{plan.slug}/obiettivi/{objective.pk}/")
    page.get_by_role("link", name="Registra un aggiornamento").click()
    page.get_by_label("Data").fill("2024-01-20")
    page.get_by_label("Stato dell'obiettivo").select_option("achieved")
    value = page.get_by_label("Valore dell'indicatore: Siti istituzionali con la sezione Family")
    value.fill("120")
    page.get_by_role("button", name="Salva").click()
    assert "scrivi un valore tra 0 e 100" in page.locator("main").inner_text()
    assert objective.updates.count() == 2
    value.fill("100")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_url(f"**/obiettivi/{objective.pk}/")
    main = page.locator("main").inner_text()
    assert "Aggiornamento registrato." in page.content()
    assert "20 gennaio 2024" in main and "raggiunto" in main
    assert objective.updates.count() == 3
