"""The reform simulation for staff at /tariffe/simulazione/: drafts stay out of the public
calculator and the API; the page reads the CSV in memory, shows the effect, stores nothing,
and runs as many queries for 20,000 households as for 500; the report downloads as CSV and
PDF from the figures the page signed."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tariffs import households_csv
from tariffs.indicators import ISEE_SCALE
from tariffs.models import Scale, ScaleKind, Status, TariffRule
from tests.hub.factories import MunicipalityFactory, UserFactory
from tests.tables.test_minutes_pdf import pdf_text
from tests.tariffs.factories import canteen

pytestmark = pytest.mark.django_db
URL = "/tariffe/simulazione/"
REPORT = "/tariffe/simulazione/rapporto/"
HEADER = "adulti;eta_figli;componenti_disabili;genitori_lavorano;ise;servizi"
DRAFT_BANDS = [
    {"from": "0", "to": "5000", "price": "10.00"},
    {"from": "5000", "to": "15000", "price": "45.00"},
    {"from": "15000", "to": None, "price": "95.00"},
]


@pytest.fixture
def setup():
    municipality = MunicipalityFactory(name="Lissone", slug="lissone", province="MB")
    service = canteen(municipality)  # 20 / 45 / 80 € a month, 10 months
    current = service.rules.get()
    draft = TariffRule.objects.create(
        service=service,
        valid_from=date(2020, 1, 1),
        method=TariffRule.Method.BANDS,
        bands=DRAFT_BANDS,
        status=Status.DRAFT,
    )
    draft_scale = Scale.objects.create(
        name="Fattore Famiglia in bozza",
        kind=ScaleKind.FATTORE_FAMIGLIA,
        valid_from=date(2020, 1, 1),
        coefficients=ISEE_SCALE.as_data() | {"per_child": "0.5"},
        status=Status.DRAFT,
    )
    return {"current": current, "draft": draft, "scale": draft_scale, "service": service}


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(email="staff.tariffe@example.org", is_staff=True))
    return client


def upload(text: str, name="famiglie.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def post(client, setup, text, **overrides):
    data = {
        "current_rule": setup["current"].pk,
        "draft_rule": setup["draft"].pk,
        "scale_kind": ScaleKind.ISEE,
        "draft_scale": "",
        "households": upload(text),
    }
    data.update(overrides)
    return client.post(URL, data)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


FAMILIES = "\n".join(
    [
        HEADER,
        "1;;0;no;3000;mensa",  # indicator 3,000: 20 -> 10
        "2;4;0;no;20400;mensa",  # 10,000: 45, same
        "2;4 8;0;no;49200,00;mensa",  # 20,000: 80 -> 95
        "2;4 8;0;no;49200,00;nido",  # does not use the canteen
    ]
)


# --- Drafts ----------------------------------------------------------------------------


def test_the_calculator_and_the_api_ignore_draft_rules_and_scales(client, setup):
    # A draft rule in force the same day, starting later (it would win), and a draft scale
    # of the municipality (it would win over the built-in one).
    setup["draft"].valid_from = date(2024, 1, 1)
    setup["draft"].save()
    setup["scale"].municipality = setup["service"].municipality
    setup["scale"].save()
    body = {
        "adults": 1,
        "children_ages": [],
        "ise": "3000",
        "municipality": "lissone",
        "services": ["canteen"],
    }
    response = client.post("/api/v1/tariffs/calculate/", body, content_type="application/json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["services"][0]["isee"]["monthly"] == "20.00"  # the active rule, not 10.00
    assert data["indicators"]["fattore_famiglia"]["scale"] != "Fattore Famiglia in bozza"
    page = client.post(
        "/tariffe/",
        {
            "adults": "1",
            "children_ages": "",
            "disabled_members": "0",
            "ise": "3000",
            "municipality": "lissone",
            "services": ["canteen"],
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Fattore Famiglia in bozza" not in html
    assert "20,00" in html and "10,00" not in html
    # Made active, the draft applies: the test above can fail.
    setup["draft"].status = Status.ACTIVE
    setup["draft"].save()
    response = client.post("/api/v1/tariffs/calculate/", body, content_type="application/json")
    assert response.json()["services"][0]["isee"]["monthly"] == "10.00"


# --- Access ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [URL, "/tariffe/simulazione/modello.csv", "/tariffe/simulazione/esempio.csv"],
)
def test_staff_only(client, setup, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    client.force_login(UserFactory(email="famiglia@example.org"))
    assert client.get(path).status_code == 403
    assert client.post(REPORT, {"report": "x"}).status_code == 403
    client.force_login(UserFactory(email="staff@example.org", is_staff=True))
    assert client.get(path).status_code == 200


# --- The page ----------------------------------------------------------------------------


def test_the_form_offers_active_rules_drafts_and_draft_scales(staff_client, setup):
    html = staff_client.get(URL).content.decode()
    assert '<optgroup label="Lissone">' in html
    assert f'<option value="{setup["draft"].pk}">Mensa scolastica (01/01/2020)</option>' in html
    assert f'<option value="{setup["scale"].pk}">Fattore Famiglia in bozza' in html
    assert 'enctype="multipart/form-data"' in html


def test_simulation_shows_revenues_counts_tables_and_charts(staff_client, setup):
    response = post(staff_client, setup, FAMILIES)
    assert response.status_code == 200, response.content.decode()[:3000]
    html = response.content.decode()
    summary = response.context["summary"]
    assert summary.total.households == 3
    assert summary.total.revenue_current == Decimal("1450.00")
    assert summary.total.revenue_draft == Decimal("1500.00")
    assert (summary.total.more, summary.total.less, summary.total.same) == (1, 1, 1)
    assert 'id="sim-revenue-current"><span class="hub-num">1.450,00\u00a0€</span>' in html
    assert 'id="sim-revenue-draft"><span class="hub-num">1.500,00\u00a0€</span>' in html
    assert html.count('<svg class="hub-chart"') == 3
    assert "da 15.000 € in su" in html
    assert "2 figli" in html


def test_a_draft_scale_alone_is_simulated(staff_client, setup):
    response = post(
        staff_client,
        setup,
        f"{HEADER}\n2;4 8;0;no;40000;mensa",  # 40,000/2.46 = 16,260 -> /3.46 = 11,560
        draft_rule="",
        draft_scale=setup["scale"].pk,
    )
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.total.less == 1
    assert summary.description["draft_scale"] == "Fattore Famiglia in bozza"
    assert summary.description["draft_rule"] == "la regola attuale"


def test_nothing_is_stored(staff_client, setup):
    before = row_counts()
    with CaptureQueriesContext(connection) as queries:
        assert post(staff_client, setup, FAMILIES).status_code == 200
    assert row_counts() == before
    writes = ("INSERT", "UPDATE", "DELETE")
    assert not [
        q
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(writes) and "django_session" not in q["sql"]
    ]


def test_500_and_20000_households_run_the_same_queries(staff_client, setup):
    counts = []
    for size in (500, 20_000):
        text = households_csv.sample_csv(size).text().replace("\ufeff", "")
        with CaptureQueriesContext(connection) as queries:
            response = post(staff_client, setup, text)
        assert response.status_code == 200
        assert response.context["summary"].total.households > size // 3
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 8


def test_a_bad_file_reports_every_bad_row_and_simulates_nothing(staff_client, setup):
    text = "\n".join([HEADER, "2;;0;si;1000;mensa", "0;;0;si;1000;mensa", "2;;0;si;x;mensa"])
    response = post(staff_client, setup, text)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Il file ha 2 errori: nessuna famiglia è stata considerata." in html
    assert "Riga 3, colonna «adulti»: serve un numero intero da 1 a 20." in html
    assert "Riga 4, colonna «ise»: serve un importo in euro, come 18500,50." in html
    assert "summary" not in response.context or not response.context.get("summary")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"draft_rule": "", "draft_scale": ""}, "Scegli una regola in bozza, una scala in bozza"),
        ({"current_rule": "999999"}, "Scegli un&#x27;opzione valida"),
        ({"households": ""}, "Questo campo è obbligatorio."),
    ],
)
def test_bad_choices_are_400s_with_a_message(staff_client, setup, overrides, message):
    response = post(staff_client, setup, FAMILIES, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_draft_must_be_of_the_same_service(staff_client, setup):
    other = canteen(MunicipalityFactory(name="Bruino", slug="bruino"))
    response = post(staff_client, setup, FAMILIES, current_rule=other.rules.get().pk)
    assert response.status_code == 400
    assert "stesso servizio" in response.content.decode()


def test_no_household_using_the_service_is_a_400(staff_client, setup):
    response = post(staff_client, setup, f"{HEADER}\n2;;0;si;1000;nido")
    assert response.status_code == 400
    assert "Nessuna famiglia del file usa il servizio «mensa scolastica»" in (
        response.content.decode()
    )


def test_a_file_over_the_size_limit_is_refused(staff_client, setup, monkeypatch):
    monkeypatch.setattr(households_csv, "MAX_BYTES", 100)
    response = post(staff_client, setup, FAMILIES)
    assert response.status_code == 400
    assert "dividilo in più parti" in response.content.decode()


def test_non_utf8_files_are_refused(staff_client, setup):
    data = {
        "current_rule": setup["current"].pk,
        "draft_rule": setup["draft"].pk,
        "scale_kind": ScaleKind.ISEE,
        "households": SimpleUploadedFile(
            "f.csv", f"{HEADER}\n2;;0;sì;1000;mensa".encode("cp1252"), "text/csv"
        ),
    }
    response = staff_client.post(URL, data)
    assert response.status_code == 400
    assert "il file non è in UTF-8" in response.content.decode()


# --- The report ----------------------------------------------------------------------------


def test_the_report_downloads_as_csv_and_pdf(staff_client, setup):
    page = post(staff_client, setup, FAMILIES)
    token = page.context["report"]
    assert f'name="report" value="{token}"' in page.content.decode()
    response = staff_client.post(REPORT, {"report": token, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    assert "Comune;Lissone" in text
    assert "Tutte le famiglie;3;1;1;1;1450,00;1500,00;50,00;16,67" in text
    assert "da 0 a 5.000 €;1;0;1;0;200,00;100,00;-100,00;-100,00" in text
    response = staff_client.post(REPORT, {"report": token, "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_report_pdf_holds_the_figures():
    from tariffs import simulation, simulation_report

    group = simulation.Group("Tutte le famiglie", 3, 1, 1, 1, Decimal("1450"), Decimal("1500"))
    summary = simulation.Summary(total=group, description={"municipality": "Lissone"})
    text = pdf_text(simulation_report.report_pdf(summary, compress=False))
    assert "Simulazione di riforma tariffaria" in text
    assert "Comune: Lissone" in text
    assert "1.450,00 €" in text


def test_a_forged_or_broken_report_is_a_400(staff_client, setup):
    token = post(staff_client, setup, FAMILIES).context["report"]
    response = staff_client.post(REPORT, {"report": token[:-2] + "xx", "format": "csv"})
    assert response.status_code == 400
    assert "Rapporto non valido" in response.content.decode()
    assert staff_client.post(REPORT, {}).status_code == 400


def test_template_and_sample_downloads(staff_client):
    template = staff_client.get("/tariffe/simulazione/modello.csv")
    assert template.content.decode("utf-8-sig").startswith(HEADER + "\r\n")
    sample = staff_client.get("/tariffe/simulazione/esempio.csv")
    assert sample["Content-Disposition"] == 'attachment; filename="famiglie-esempio-500.csv"'
    assert len(households_csv.parse(sample.content.decode("utf-8-sig"))) == 500
