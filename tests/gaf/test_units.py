"""The units of measure (gaf.units): how they read, what they weigh, and the migration that
brought the stored units to their codes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.template import Context, Template
from django.utils import translation

from gaf import units
from gaf.exports import format_quantity
from gaf.loading import product_terms
from gaf.models import Unit

D = Decimal
NBSP = "\u00a0"


def test_every_unit_has_its_line():
    assert list(units.UNITS) == Unit.values
    assert all(len(code) <= units.CODE_MAX_LENGTH for code in Unit.values)


@pytest.mark.parametrize(
    ("language", "code", "quantity", "text"),
    [
        ("it", "vasetto", D("1.000"), "vasetto"),
        ("it", "vasetto", D(3), "vasetti"),
        ("it", "vasetto", None, "vasetto"),
        ("it", "confezione", D(0), "confezioni"),
        ("it", "kg", D("1.5"), "kg"),
        ("it", "pz", D(2), "pz"),
        ("en", "pz", D(2), "pcs"),
        ("en", "mazzo", D(1), "bunch"),
        ("en", "mazzo", D(4), "bunches"),
        ("it", "damigiana", D(2), "damigiana"),  # unknown: as it is
    ],
)
def test_a_unit_reads_after_its_quantity(language, code, quantity, text):
    with translation.override(language):
        assert units.unit_text(code, quantity) == text


def test_the_weight_of_a_unit_shares_costs_by_weight():
    assert units.kg_each("kg") == 1
    assert units.kg_each("g") == D("0.001")
    assert units.kg_each("l") is None
    terms = {
        "id": 1,
        "multiple": D(1),
        "case_size": None,
        "max_total": None,
        "unit_price": D("3.00"),
        "price_tiers": [],
        "vat_rate": 4,
        "unit_weight_kg": None,
    }
    assert product_terms({**terms, "unit": "g"}).weight_per_unit == D("0.001")
    assert product_terms({**terms, "unit": "vasetto"}).weight_per_unit == 0
    jar = product_terms({**terms, "unit": "vasetto", "unit_weight_kg": D("0.5")})
    assert jar.weight_per_unit == D("0.5")


def test_whole_units():
    assert [code for code in Unit.values if units.is_whole(code)] == [
        "pz",
        "mazzo",
        "confezione",
        "vasetto",
        "bottiglia",
        "vaschetta",
        "sacchetto",
    ]


def test_exports_and_templates_write_quantities_in_their_unit():
    with translation.override("it"):
        assert format_quantity(D("12"), "vasetto") == f"12{NBSP}vasetti"
        assert format_quantity(D("1"), "mazzo") == f"1{NBSP}mazzo"
        page = Template(
            "{% load gaf_units %}{{ q|in_unit:'vasetto' }} {{ p|money_per:'vasetto' }} "
            "{{ 'confezione'|unit:q }}"
        ).render(Context({"q": D(3), "p": D("6.5")}))
    assert page == (
        f'<span class="hub-num">3{NBSP}vasetti</span> '
        f'<span class="hub-num">6,50{NBSP}€/vasetto</span> confezioni'
    )


# --- The migration ----------------------------------------------------------------------------


def _migrate(target: str):
    executor = MigrationExecutor(connection)
    executor.migrate([("gaf", target)])
    return executor.loader.project_state([("gaf", target)]).apps


@pytest.fixture
def back_to_the_latest_schema():
    """The other tests expect the latest schema, whatever migrations follow 0002."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("gaf"))


def _product_with_unit(apps, unit: str, code: str):
    network, _ = apps.get_model("hub", "Network").objects.get_or_create(
        slug="prova", defaults={"name": "Rete di prova", "short_name": "Prova"}
    )
    supplier, _ = apps.get_model("gaf", "Supplier").objects.get_or_create(
        slug="cascina", defaults={"name": "Cascina", "network": network, "email": "a@b.it"}
    )
    return apps.get_model("gaf", "Product").objects.create(
        supplier=supplier, code=code, name=f"Prodotto {code}", unit=unit, unit_price=1, vat_rate=4
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_schema")
def test_the_migration_brings_stored_units_to_their_codes():
    old = _migrate("0001_initial")
    for code, unit in (("A", "KG"), ("B", "Lt"), ("C", "Pz"), ("D", "nr"), ("E", "kg")):
        _product_with_unit(old, unit, code)
    new = _migrate("0002_units_as_data")
    stored = dict(new.get_model("gaf", "Product").objects.values_list("code", "unit"))
    assert stored == {"A": "kg", "B": "l", "C": "pz", "D": "pz", "E": "kg"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_schema")
def test_the_migration_stops_on_a_unit_it_cannot_name():
    old = _migrate("0001_initial")
    _product_with_unit(old, "hg", "X")
    with pytest.raises(RuntimeError, match=r"Unità sconosciute.*Product «hg»: Prodotto X"):
        _migrate("0002_units_as_data")
    old.get_model("gaf", "Product").objects.all().delete()
