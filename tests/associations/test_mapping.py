"""The mappatura: the areas × municipalities matrix, the filtered list of initiatives and the
open-data exports (CSV and JSON, CC BY 4.0)."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from associations.selectors import EXPORT_FIELDS
from hub.models import AgeBand, Area, Municipality, Network
from tests.associations.factories import (
    make_association,
    make_initiative,
    make_initiatives_quickly,
)

pytestmark = pytest.mark.django_db


def url(name: str) -> str:
    return reverse(f"associations:{name}")


def make_network(slug: str, name: str, municipalities: list[tuple[str, str, str]]) -> Network:
    network = Network.objects.create(
        name=name, short_name=name, slug=slug, kind=Network.Kind.CONSORTIUM
    )
    network.municipalities.set(
        Municipality.objects.create(name=m_name, slug=m_slug, istat_code=code, province="TO")
        for m_name, m_slug, code in municipalities
    )
    return network


@pytest.fixture
def mappatura():
    """Two networks; four public initiatives, one draft, one under a withdrawn association."""
    cidis = make_network(
        "cidis", "CIdiS", [("Bruino", "bruino", "001038"), ("Volvera", "volvera", "001314")]
    )
    lombard = make_network("rete-lombarda", "Rete lombarda", [("Lissone", "lissone", "108028")])
    bruinese = make_association(
        name="Polisportiva Bruinese", network=cidis, municipalities=["bruino", "volvera"]
    )
    oratorio = make_association(name="Oratorio San Vito", network=cidis, municipalities=["volvera"])
    lissonese = make_association(name="GS Lissonese", network=lombard, municipalities=["lissone"])
    withdrawn = make_association(name="Gruppo ritirato", network=cidis, municipalities=["bruino"])
    make_initiative(
        bruinese,
        title="Minibasket",
        area="ambiente-e-sport",
        municipalities=["bruino", "volvera"],
        age_bands=["6-10"],
        is_free=False,
        cost=Decimal("12.5"),
        frequency="weekly",
    )
    make_initiative(
        bruinese,
        title="Festa dello sport",
        area="ambiente-e-sport",
        municipalities=["bruino"],
        age_bands=["famiglia"],
        good_practice=True,
    )
    make_initiative(
        bruinese,
        title="Bozza non pubblicata",
        area="ambiente-e-sport",
        municipalities=["bruino"],
        live=False,
    )
    make_initiative(
        oratorio,
        title="Doposcuola",
        area="comunita-educante",
        municipalities=["volvera"],
        age_bands=["6-10", "11-13"],
    )
    make_initiative(
        lissonese,
        title="Atletica giovanile",
        area="ambiente-e-sport",
        municipalities=["lissone"],
        age_bands=["11-13"],
        is_free=False,
        cost="30",
        cost_note="riduzione per famiglie numerose",
    )
    make_initiative(
        withdrawn, title="Iniziativa fantasma", area="governance", municipalities=["bruino"]
    )
    withdrawn.page.unpublish()
    return {"cidis": cidis, "lombard": lombard, "bruinese": bruinese}


def counts(matrix) -> dict[str, dict[str, int]]:
    return {
        row.area.slug: {m.slug: count for m, count in row.cells if count}
        for row in matrix.rows
        if row.total
    }


# --- Matrix -----------------------------------------------------------------------------------


def test_matrix_counts_live_initiatives_by_area_and_municipality(client, mappatura):
    response = client.get(url("mapping"))
    assert response.status_code == 200
    matrix = response.context["matrix"]
    assert [m.slug for m in matrix.municipalities] == ["bruino", "lissone", "volvera"]
    assert counts(matrix) == {
        "ambiente-e-sport": {"bruino": 2, "lissone": 1, "volvera": 1},
        "comunita-educante": {"volvera": 1},
    }
    # Minibasket is in two municipalities: counted in both cells, once in its area's total.
    assert {row.area.slug: row.total for row in matrix.rows if row.total} == {
        "ambiente-e-sport": 3,
        "comunita-educante": 1,
    }
    assert matrix.column_totals == [2, 1, 2]
    assert matrix.total == 4
    assert len(matrix.rows) == Area.objects.count()  # every area has its row, even if empty


def test_matrix_cells_link_to_the_filtered_list(client, mappatura):
    page = client.get(url("mapping")).content.decode()
    assert f'href="{url("initiatives")}?area=ambiente-e-sport&amp;comune=bruino"' in page
    assert f'href="{url("initiatives")}?area=comunita-educante&amp;comune=volvera"' in page
    # Empty cells are not links.
    assert "area=comunita-educante&amp;comune=bruino" not in page


def test_matrix_table_is_accessible_and_scrolls_on_a_phone(client, mappatura):
    page = client.get(url("mapping")).content.decode()
    wrapper = re.search(r'<div class="hub-table-box"[^>]*>', page).group(0)
    # Scrolls sideways inside its own box, reachable and named for keyboard and
    # screen-reader users; the area names and the totals stay in view (hub/static/hub/hub.css).
    for attribute in ('role="region"', 'aria-label="Iniziative per area e Comune"', 'tabindex="0"'):
        assert attribute in wrapper
    assert "<caption>" in page
    assert '<th scope="col"' in page
    assert '<th scope="row"' in page
    assert page.index("hub-table-box") < page.index("<table")
    assert '<th scope="col" class="hub-sticky-end">Totale</th>' in page


def test_matrix_filtered_by_network(client, mappatura):
    response = client.get(url("mapping"), {"rete": "cidis"})
    matrix = response.context["matrix"]
    assert [m.slug for m in matrix.municipalities] == ["bruino", "volvera"]
    assert counts(matrix) == {
        "ambiente-e-sport": {"bruino": 2, "volvera": 1},
        "comunita-educante": {"volvera": 1},
    }
    assert matrix.total == 3
    page = response.content.decode()
    assert "area=ambiente-e-sport&amp;comune=bruino&amp;rete=cidis" in page
    assert f"{url('mapping_csv')}?rete=cidis" in page


def test_matrix_refuses_an_unknown_network(client, mappatura):
    response = client.get(url("mapping"), {"rete": "rete-fantasma"})
    assert response.status_code == 400
    assert "«rete-fantasma» non è tra i valori possibili" in response.content.decode()
    assert "matrix" not in response.context


def test_matrix_counts_come_from_aggregate_queries(mappatura, django_assert_num_queries):
    from associations import selectors

    options = selectors.filter_options()
    # One query for the cells, one for the area totals: never one per cell.
    with django_assert_num_queries(2):
        selectors.mapping_matrix(options=options)


# --- List of initiatives ----------------------------------------------------------------------


def titles(response) -> list[str]:
    return [i.title for i in response.context["page_obj"].object_list]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Atletica giovanile", "Doposcuola", "Festa dello sport", "Minibasket"]),
        ({"area": "ambiente-e-sport", "comune": "bruino"}, ["Festa dello sport", "Minibasket"]),
        ({"comune": "volvera"}, ["Doposcuola", "Minibasket"]),
        ({"fascia": "11-13"}, ["Atletica giovanile", "Doposcuola"]),
        ({"gratuite": "1"}, ["Doposcuola", "Festa dello sport"]),
        ({"rete": "rete-lombarda"}, ["Atletica giovanile"]),
        ({"rete": "cidis", "fascia": "6-10", "gratuite": "1"}, ["Doposcuola"]),
        ({"area": "governance"}, []),
    ],
)
def test_initiatives_filters(client, mappatura, query, expected):
    response = client.get(url("initiatives"), query)
    assert response.status_code == 200
    assert titles(response) == expected


def test_initiative_cards_show_association_cost_and_link(client, mappatura):
    page = client.get(url("initiatives"), {"comune": "bruino"}).content.decode()
    assert "Polisportiva Bruinese" in page
    assert '<span class="hub-num">12,50\xa0€</span>' in page
    assert "Buona pratica" in page
    assert f'href="{mappatura["bruinese"].page.url}minibasket/"' in page
    assert "Bozza non pubblicata" not in page
    assert "Iniziativa fantasma" not in page


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"area": "astronomia"}, "area"),
        ({"comune": "atlantide"}, "comune"),
        ({"fascia": "99-100"}, "fascia"),
        ({"gratuite": "si"}, "gratuite"),
        ({"rete": "nessuna"}, "rete"),
    ],
)
def test_initiatives_refuse_unknown_filter_values(client, mappatura, query, field):
    response = client.get(url("initiatives"), query)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "page_obj" not in response.context


def test_initiatives_are_paginated_by_20(client, mappatura):
    make_initiatives_quickly(
        mappatura["bruinese"],
        41,
        areas=Area.objects.filter(slug="governance"),
        municipalities=Municipality.objects.filter(slug="bruino"),
    )
    response = client.get(url("initiatives"), {"area": "governance", "pagina": "3"})
    assert len(response.context["page_obj"].object_list) == 1
    assert "?area=governance&amp;pagina=2" in response.content.decode()


# --- Open-data exports ------------------------------------------------------------------------


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_csv_export(client, mappatura):
    response = client.get(url("mapping_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "CC-BY-4.0" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-License"] == "CC BY 4.0"
    assert response["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    text = response.content.decode()
    assert text.splitlines()[0] == ",".join(EXPORT_FIELDS)
    rows = csv_rows(response)
    assert [row["title"] for row in rows] == [
        "Atletica giovanile",
        "Doposcuola",
        "Festa dello sport",
        "Minibasket",
    ]
    minibasket = rows[3]
    assert minibasket == {
        "title": "Minibasket",
        "association": "Polisportiva Bruinese",
        "area": "Ambiente e sport",
        "macro_area_code": "E",
        "macro_area": "Welfare territoriale e sostenibilità",
        "age_bands": "6–10 anni",
        "municipalities": "Bruino; Volvera",
        "istat_codes": "001038; 001314",
        "is_free": "false",
        "cost": "12.50",
        "cost_note": "",
        "frequency": "settimanale",
        "period_start": "",
        "period_end": "",
        "place": "",
        "url": f"http://testserver{mappatura['bruinese'].page.url}minibasket/",
    }
    assert rows[0]["cost"] == "30.00"
    assert rows[2]["cost"] == "" and rows[2]["is_free"] == "true"


def test_json_export(client, mappatura):
    response = client.get(url("mapping_json"), {"rete": "cidis"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["X-License"] == "CC BY 4.0"
    assert "CC-BY-4.0" in response["Content-Disposition"]
    body = json.loads(response.content)
    assert body["license"] == "CC BY 4.0"
    assert body["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert body["source"] == "http://testserver/mappatura/"
    assert body["generated_at"]
    assert [item["title"] for item in body["items"]] == [
        "Doposcuola",
        "Festa dello sport",
        "Minibasket",
    ]
    minibasket = body["items"][2]
    assert minibasket["cost"] == "12.50"  # a string, never a float
    assert '"cost": "12.50"' in response.content.decode()
    assert minibasket["is_free"] is False
    assert minibasket["municipalities"] == [
        {"name": "Bruino", "istat_code": "001038"},
        {"name": "Volvera", "istat_code": "001314"},
    ]
    assert minibasket["age_bands"] == ["6–10 anni"]
    assert minibasket["macro_area"] == "Welfare territoriale e sostenibilità"
    assert body["items"][0]["cost"] is None


def test_exports_take_the_list_filters(client, mappatura):
    response = client.get(url("mapping_csv"), {"fascia": "11-13", "gratuite": "1"})
    assert [row["title"] for row in csv_rows(response)] == ["Doposcuola"]


@pytest.mark.parametrize("name", ["mapping_csv", "mapping_json"])
def test_exports_refuse_unknown_filters(client, mappatura, name):
    response = client.get(url(name), {"comune": "atlantide"})
    assert response.status_code == 400
    assert "atlantide" in response.content.decode()


@pytest.mark.parametrize("name", ["mapping_csv", "mapping_json"])
def test_exports_leave_out_drafts_and_withdrawn_associations(client, mappatura, name):
    text = client.get(url(name)).content.decode()
    assert "Bozza non pubblicata" not in text
    assert "Iniziativa fantasma" not in text
    assert "Gruppo ritirato" not in text


# --- Query counts -----------------------------------------------------------------------------


def test_mapping_pages_do_not_grow_with_initiatives(
    client, mappatura, django_assert_max_num_queries
):
    """The matrix, the list and both exports: the same bound with 10 and with 200 more
    initiatives, in several municipalities and age bands."""
    lists = [
        (url("mapping"), {}),
        (url("initiatives"), {}),
        (url("initiatives"), {"comune": "bruino", "fascia": "6-10"}),
        (url("mapping_csv"), {}),
        (url("mapping_json"), {"rete": "cidis"}),
    ]
    spread = {
        "areas": Area.objects.all(),
        "municipalities": Municipality.objects.filter(slug__in=["bruino", "volvera"]),
        "age_bands": AgeBand.objects.filter(slug__in=["6-10", "11-13"]),
    }
    make_initiatives_quickly(mappatura["bruinese"], 10, **spread)
    client.get(url("mapping"))  # warm Wagtail's site cache
    bounds = []
    for path, query in lists:
        with django_assert_max_num_queries(40) as with_10:
            assert client.get(path, query).status_code == 200
        bounds.append(len(with_10))
    make_initiatives_quickly(mappatura["bruinese"], 190, prefix="Altra", **spread)
    measured = []
    for (path, query), bound in zip(lists, bounds, strict=True):
        with django_assert_max_num_queries(bound) as with_200:
            assert client.get(path, query).status_code == 200
        measured.append(len(with_200))
    total = client.get(url("mapping")).context["matrix"].total
    assert total == 4 + 200
    print(f"mapping queries (10 → 200): {list(zip(bounds, measured, strict=True))}")


# --- Demo data --------------------------------------------------------------------------------


def test_demo_initiatives_cover_every_area_and_municipality(client):
    from collections import Counter

    from associations import demo
    from associations.demo_initiatives import load_initiatives
    from associations.models import InitiativePage
    from hub.demo import DEMO_ADMIN_EMAIL, load_demo_data
    from hub.models import User

    load_demo_data()
    admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
    created = demo.load(admin=admin)["initiatives"]  # demo.load adds the initiatives
    assert created >= 16
    assert load_initiatives(admin=admin) == {"initiatives": 0}  # idempotent

    live = InitiativePage.objects.live()
    assert live.count() == created
    assert {i.area.slug for i in live} == set(Area.objects.values_list("slug", flat=True))
    covered = set(Municipality.objects.filter(initiatives__in=live).values_list("slug", flat=True))
    assert covered == set(Municipality.objects.values_list("slug", flat=True))
    per_association = Counter(page.get_parent().id for page in live)
    assert all(2 <= n <= 4 for n in per_association.values())
    assert len(per_association) == len(demo.ASSOCIATIONS)
    assert AgeBand.objects.filter(initiatives__in=live).distinct().count() >= 6
    assert client.get(url("mapping")).context["matrix"].total == created
    some_paid = live.filter(is_free=False).first()
    assert client.get(some_paid.url).status_code == 200
