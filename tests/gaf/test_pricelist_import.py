"""Applying a supplier's price list: every row or none, matched by code, frozen rounds untouched.

The service is gaf.services.price_list_import; the screens upload, preview and confirm it.
"""

from __future__ import annotations

import base64
import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gaf import services
from gaf.models import Product, RoundProduct
from tests.gaf.factories import make_group, make_product, make_round, make_supplier

pytestmark = pytest.mark.django_db

D = Decimal
HEADER = ["Codice", "Nome", "Unità", "Prezzo", "IVA", "Confezione", "Disponibile", "Scaglioni"]
APPLES = ["MEL-01", "Mele renette", "kg", "2,10", "4", "6", "sì", "30:1,95"]
POTATOES = ["PAT-1", "Patate", "kg", "0,95", "4", "", "", ""]
WINE = ["VIN-7", "Barbera", "pz", "7,30", "22", "6", "no", ""]


@pytest.fixture
def supplier(setup):
    return make_supplier(setup, name="Cascina Aurora")


def csv_bytes(*rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows([HEADER, *rows])
    return buffer.getvalue().encode("utf-8-sig")


def products_of(supplier) -> dict[str, Product]:
    return {product.code: product for product in supplier.products.prefetch_related("price_tiers")}


# --- The service ----------------------------------------------------------------------------


def test_new_codes_are_created_with_their_terms(supplier, setup):
    result = services.price_list_import(
        supplier=supplier, data=csv_bytes(APPLES, POTATOES, WINE), by=setup.coordinator
    )
    assert (result.created, result.updated) == (3, 0)
    products = products_of(supplier)
    apples = products["MEL-01"]
    assert (apples.unit, apples.unit_price, apples.vat_rate, apples.case_size) == (
        "kg",
        D("2.10"),
        4,
        D("6"),
    )
    assert [(t.min_quantity, t.unit_price) for t in apples.price_tiers.all()] == [
        (D("30"), D("1.95"))
    ]
    assert products["VIN-7"].is_available is False
    assert products["PAT-1"].case_size is None


def test_existing_codes_are_updated_and_others_left_alone(supplier, setup):
    kept = make_product(supplier, code="MIELE", name="Miele", unit_price=D("8.00"))
    old_apples = make_product(
        supplier, code="mel-01", name="Mele", unit="kg", unit_price=D("2.50"), vat_rate=4
    )
    result = services.price_list_import(
        supplier=supplier, data=csv_bytes(APPLES, POTATOES), by=setup.coordinator
    )
    assert (result.created, result.updated) == (1, 1)
    old_apples.refresh_from_db()
    assert (old_apples.name, old_apples.unit_price) == ("Mele renette", D("2.10"))
    kept.refresh_from_db()
    assert kept.unit_price == D("8.00")
    assert supplier.products.count() == 3


def test_one_bad_row_saves_nothing_and_reports_every_error(supplier, setup):
    make_product(supplier, code="PAT-1", name="Patate", unit="kg", unit_price=D("0.80"))
    bad_price = ["CAF-1", "Caffè", "pz", "gratis", "22", "", "", ""]
    bad_unit_and_vat = ["OLI-1", "Olio", "damigiana", "9,00", "21", "", "", ""]
    with pytest.raises(services.PriceListRejected) as rejected:
        services.price_list_import(
            supplier=supplier,
            data=csv_bytes(APPLES, POTATOES, bad_price, bad_unit_and_vat),
            by=setup.coordinator,
        )
    located = [(error.row, error.column) for error in rejected.value.row_errors]
    assert located == [(4, "Prezzo"), (5, "IVA"), (5, "Unità")]
    assert set(products_of(supplier)) == {"PAT-1"}
    assert Product.objects.get(code="PAT-1").unit_price == D("0.80")


def test_frozen_round_prices_are_not_affected(supplier, setup):
    apples = make_product(
        supplier, code="MEL-01", name="Mele", unit="kg", unit_price=D("2.50"), vat_rate=4
    )
    round = make_round(setup, supplier, [apples])
    draft = make_round(setup, supplier, [apples], title="Bozza", open_it=False)
    services.price_list_import(supplier=supplier, data=csv_bytes(APPLES), by=setup.coordinator)
    apples.refresh_from_db()
    assert apples.unit_price == D("2.10")
    frozen = RoundProduct.objects.get(round=round)
    assert frozen.unit_price == D("2.50")
    assert frozen.price_tiers == []
    # A draft follows the catalogue: it freezes the terms when it opens.
    opened = services.round_open(round=draft, by=setup.coordinator, now=draft.opens_at)
    assert RoundProduct.objects.get(round=opened).unit_price == D("2.10")


# --- The screens ----------------------------------------------------------------------------


def upload(client, supplier, data: bytes, name="listino.csv"):
    return client.post(
        reverse("gaf:coord_pricelist", args=[supplier.slug]),
        {"file": SimpleUploadedFile(name, data, "text/csv")},
    )


def test_a_bad_file_answers_400_with_the_report(client, supplier, setup):
    client.force_login(setup.coordinator)
    response = upload(client, supplier, csv_bytes(APPLES, ["", "Senza codice", "kg", "1", "4"]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "non è stato salvato niente" in page
    assert "<td>3</td><td>Codice</td><td>Valore mancante.</td>" in page
    assert not supplier.products.exists()


def test_an_excel_file_is_refused_with_a_hint(client, supplier, setup):
    client.force_login(setup.coordinator)
    response = upload(client, supplier, b"PK\x03\x04binary", name="listino.xlsx")
    assert response.status_code == 400
    assert "file Excel" in response.content.decode()


def test_a_missing_file_is_refused(client, supplier, setup):
    client.force_login(setup.coordinator)
    response = client.post(reverse("gaf:coord_pricelist", args=[supplier.slug]), {})
    assert response.status_code == 400
    assert "Scegli il file del listino." in response.content.decode()


def test_the_preview_marks_new_and_updated_then_applies(client, supplier, setup):
    make_product(supplier, code="PAT-1", name="Patate", unit="kg", unit_price=D("0.80"))
    client.force_login(setup.coordinator)
    response = upload(client, supplier, csv_bytes(APPLES, POTATOES))
    assert response.status_code == 200
    assert [(item.row.code, item.is_new) for item in response.context["preview"]] == [
        ("MEL-01", True),
        ("PAT-1", False),
    ]
    assert Product.objects.get(code="PAT-1").unit_price == D("0.80")
    content = response.context["confirm_form"]["content"].value()
    response = client.post(
        reverse("gaf:coord_pricelist_apply", args=[supplier.slug]), {"content": content}
    )
    assert response.status_code == 302
    assert Product.objects.get(code="PAT-1").unit_price == D("0.95")
    assert supplier.products.count() == 2


def test_a_tampered_confirmation_is_checked_again(client, supplier, setup):
    client.force_login(setup.coordinator)
    apply = reverse("gaf:coord_pricelist_apply", args=[supplier.slug])
    response = client.post(apply, {"content": "non è base64!"})
    assert response.status_code == 400
    bad = base64.b64encode(csv_bytes(["X-1", "Nome", "kg", "-2", "4"])).decode()
    response = client.post(apply, {"content": bad})
    assert response.status_code == 400
    assert "Il prezzo deve essere maggiore di zero." in response.content.decode()
    assert not supplier.products.exists()


def test_only_the_network_coordinators_import(client, supplier, setup):
    other = make_group()
    client.force_login(other.coordinator)
    response = upload(client, supplier, csv_bytes(APPLES))
    assert response.status_code == 404
    apply = reverse("gaf:coord_pricelist_apply", args=[supplier.slug])
    content = base64.b64encode(csv_bytes(APPLES)).decode()
    assert client.post(apply, {"content": content}).status_code == 404
    assert not supplier.products.exists()


# --- The template, the units, the help ------------------------------------------------------

VALID_UNITS = "kg, g, l, ml, pz, mazzo, confezione, vasetto, bottiglia, vaschetta, sacchetto"


def test_the_template_downloads_and_imports_as_it_is(client, supplier, setup):
    client.force_login(setup.coordinator)
    page = client.get(reverse("gaf:coord_pricelist", args=[supplier.slug])).content.decode()
    template_url = reverse("gaf:coord_pricelist_template", args=[supplier.slug])
    assert f'href="{template_url}"' in page

    response = client.get(template_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="listino-modello.csv"'
    data = response.content
    assert data.startswith("\ufeff".encode())  # the spreadsheet reads the accents right
    header, *examples = data.decode("utf-8-sig").splitlines()
    assert header == (
        "codice;nome;categoria;unità;prezzo;iva;confezione;minimo;multiplo;massimo;"
        "disponibile;scaglioni"
    )
    assert len(examples) == 2

    # Uploaded back as it is: a clean preview, then two products with their units.
    response = upload(client, supplier, data, name="listino-modello.csv")
    assert response.status_code == 200
    assert response.context["errors"] == []
    assert response.context["ignored_columns"] == []
    assert [item.row.unit for item in response.context["preview"]] == ["kg", "vasetto"]
    content = response.context["confirm_form"]["content"].value()
    apply = reverse("gaf:coord_pricelist_apply", args=[supplier.slug])
    assert client.post(apply, {"content": content}).status_code == 302
    products = products_of(supplier)
    assert {code: product.unit for code, product in products.items()} == {
        "MEL-01": "kg",
        "MIE-02": "vasetto",
    }
    apples = products["MEL-01"]
    assert (apples.unit_price, apples.multiple, apples.max_total) == (D("2.40"), D("0.5"), 120)
    assert [(t.min_quantity, t.unit_price) for t in apples.price_tiers.all()] == [
        (30, D("2.10")),
        (50, D("1.95")),
    ]


def test_only_the_network_coordinators_download_the_template(client, supplier, setup):
    template_url = reverse("gaf:coord_pricelist_template", args=[supplier.slug])
    client.force_login(make_group().coordinator)
    assert client.get(template_url).status_code == 404


@pytest.mark.parametrize(
    ("written", "code"),
    [("Vasetti", "vasetto"), ("MAZZO", "mazzo"), ("conf.", "confezione"), ("Gr", "g")],
)
def test_units_are_read_whatever_the_case(supplier, setup, written, code):
    services.price_list_import(
        supplier=supplier,
        data=csv_bytes(["X-1", "Prodotto", written, "1,50", "10", "", "", ""]),
        by=setup.coordinator,
    )
    assert supplier.products.get().unit == code


def test_an_unknown_unit_is_refused_with_the_valid_ones_and_nothing_is_written(
    client, supplier, setup
):
    make_product(supplier, code="PAT-1", name="Patate", unit="kg", unit_price=D("0.80"))
    client.force_login(setup.coordinator)
    data = csv_bytes(APPLES, ["MIE-1", "Miele", "barattolo", "6,50", "10", "", "", ""])
    response = upload(client, supplier, data)
    assert response.status_code == 400
    message = f"Unità «barattolo» sconosciuta: usare una di queste: {VALID_UNITS}."
    assert f"<td>3</td><td>Unità</td><td>{message}</td>" in response.content.decode()
    # The confirmation is checked again: a forged one is refused the same way.
    apply = reverse("gaf:coord_pricelist_apply", args=[supplier.slug])
    response = client.post(apply, {"content": base64.b64encode(data).decode()})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert set(products_of(supplier)) == {"PAT-1"}


def test_whole_units_are_ordered_in_whole_numbers(supplier, setup):
    jars = ["MIE-1", "Miele", "vasetti", "6,50", "10", "1,5", "", ""]
    with pytest.raises(services.PriceListRejected) as rejected:
        services.price_list_import(supplier=supplier, data=csv_bytes(jars), by=setup.coordinator)
    assert [(e.row, e.column, e.message) for e in rejected.value.row_errors] == [
        (2, "Confezione", "Un prodotto venduto a «vasetto» si ordina in quantità intere.")
    ]
    assert not supplier.products.exists()


def test_the_import_page_explains_every_column(client, supplier, setup):
    client.force_login(setup.coordinator)
    response = client.get(reverse("gaf:coord_pricelist", args=[supplier.slug]))
    page = response.content.decode()
    columns = page[
        page.index('id="pricelist-columns"') : page.index("</dl>", page.index("pricelist-columns"))
    ]
    for header in ("codice", "nome", "unità", "prezzo", "iva", "confezione", "minimo"):
        assert f"<dt>{header}" in columns
    # What "massimo" and "disponibile" do on the round page, in words a phone shows.
    assert "<dt>massimo</dt>" in columns
    assert "per tutte le famiglie insieme" in columns
    assert "«Ancora disponibili»" in columns
    assert "<dt>disponibile</dt>" in columns
    assert "non compare nei nuovi giri" in columns
    assert VALID_UNITS in columns
    # The product form says the same.
    form = client.get(reverse("gaf:coord_product_create", args=[supplier.slug])).content.decode()
    assert "non si può offrire nei nuovi giri" in form
    assert "non possono ordinare oltre" in form


def test_the_help_is_in_english_too(client, supplier, setup):
    client.force_login(setup.coordinator)
    response = client.get(
        reverse("gaf:coord_pricelist", args=[supplier.slug]), HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    assert "The price list&#x27;s columns" in page or "The price list's columns" in page
    assert "for all the families together" in page
