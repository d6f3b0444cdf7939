"""POST /api/v1/tariffs/calculate/: stateless, documented, rate-limited."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tariffs.api import CalculatorThrottle
from tests.hub.factories import MunicipalityFactory
from tests.tariffs.factories import canteen, nursery

pytestmark = pytest.mark.django_db
URL = "/api/v1/tariffs/calculate/"


@pytest.fixture
def lissone():
    municipality = MunicipalityFactory(name="Lissone", slug="lissone", province="MB")
    canteen(municipality)
    nursery(municipality)
    return municipality


def body(**overrides):
    data = {
        "adults": 2,
        "children_ages": [1, 6, 10],
        "all_parents_work": True,
        "ise": "31415.92",
        "municipality": "lissone",
        "services": ["canteen", "nursery"],
    }
    data.update(overrides)
    return data


def test_anonymous_calculation_writes_nothing(client, lissone):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, body(), content_type="application/json")
    assert response.status_code == 200, response.content
    assert not [
        q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")
    ]
    data = response.json()
    assert data["indicators"]["isee"]["value"] == "9377.89"
    assert data["indicators"]["fattore_famiglia"]["parameter"] == "3.85"
    nursery_row = data["services"][1]
    assert nursery_row["kind"] == "nursery"
    assert nursery_row["isee"]["monthly"] == "156.30"
    assert nursery_row["fattore_famiglia"]["yearly"] == "1496.00"
    assert Decimal(data["yearly_difference"]) == Decimal("-223.30")
    assert nursery_row["isee"]["steps"][0].startswith("Tariffa lineare")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ise": "-1"}, "ise", "L'ISE o il reddito dichiarato non può essere negativo."),
        ({"adults": 0}, "adults", "Il nucleo deve avere almeno un adulto."),
        ({"municipality": "atlantide"}, "municipality", "Comune sconosciuto."),
        (
            {"services": ["summer"]},
            "services",
            "Lissone non ha una tariffa in vigore per: centro estivo.",
        ),
    ],
)
def test_bad_input_is_a_400_with_the_field_and_message(client, lissone, overrides, field, message):
    response = client.post(URL, body(**overrides), content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {field: [message]}


def test_rate_limited(client, lissone, monkeypatch):
    monkeypatch.setattr(CalculatorThrottle, "rate", "2/min")
    statuses = [
        client.post(URL, body(), content_type="application/json").status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_documented_in_the_schema(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/tariffs/calculate/" in schema
    assert "tariffs_calculate" in schema
