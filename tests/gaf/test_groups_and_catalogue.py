"""Groups (joining, roles), suppliers and products (validation, tiers, price-list import)."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from gaf import services
from gaf.models import GroupMembership, Product
from gaf.services import PriceListRejected, Tier
from hub.models import Notification, NotificationPreference
from tests.gaf.factories import make_family, make_group, make_product, make_supplier

pytestmark = pytest.mark.django_db

D = Decimal


def test_join_request_approved(setup, django_capture_on_commit_callbacks):
    family, user = make_family(municipality=setup.municipality, name="Famiglia Nuova")
    with django_capture_on_commit_callbacks(execute=True):
        request = services.group_join_request(
            group=setup.group, family=family, message="Siamo in via Roma", by=user
        )
    assert [m.to for m in mail.outbox] == [[setup.coordinator.email]]
    assert "Famiglia Nuova" in mail.outbox[0].subject
    # Through the notification centre: in the coordinator's inbox, in the group's place.
    asked = Notification.objects.get(user=setup.coordinator, kind="gaf.join_requested")
    assert asked.place == f"gaf:group:{setup.group.pk}" and asked.body == "Siamo in via Roma"
    assert asked.url == f"/gaf/{setup.group.slug}/coordina/"
    with pytest.raises(ValidationError) as error:
        services.group_join_request(group=setup.group, family=family, by=user)
    assert error.value.code == "already_requested"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.join_request_approve(join_request=request, by=setup.coordinator)
    assert membership.family == family
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert Notification.objects.filter(user=user, kind="gaf.join_decided").count() == 1
    with pytest.raises(ValidationError) as error:
        services.join_request_reject(join_request=request, by=setup.coordinator, reason="No")
    assert error.value.code == "already_decided"
    with pytest.raises(ValidationError) as error:
        services.group_join_request(group=setup.group, family=family, by=user)
    assert error.value.code == "already_member"


def test_join_request_rejected_needs_a_reason(setup):
    family, user = make_family(municipality=setup.municipality)
    request = services.group_join_request(group=setup.group, family=family, by=user)
    with pytest.raises(ValidationError) as error:
        services.join_request_reject(join_request=request, by=setup.coordinator, reason=" ")
    assert "reason" in error.value.message_dict
    services.join_request_reject(join_request=request, by=setup.coordinator, reason="Gruppo pieno")
    assert not GroupMembership.objects.filter(family=family).exists()
    told = Notification.objects.get(user=user, kind="gaf.join_decided")
    assert "Gruppo pieno" in told.body


def test_a_coordinator_who_chose_the_inbox_gets_no_join_request_email(
    setup, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        user=setup.coordinator,
        kind="gaf.join_requested",
        place=f"gaf:group:{setup.group.pk}",
        delivery="inbox",
    )
    family, user = make_family(municipality=setup.municipality)
    with django_capture_on_commit_callbacks(execute=True):
        services.group_join_request(group=setup.group, family=family, by=user)
    assert mail.outbox == []
    assert Notification.objects.filter(user=setup.coordinator, kind="gaf.join_requested").exists()


def test_a_family_in_several_groups_and_roles(setup):
    other = make_group()
    family, user = make_family(municipality=setup.municipality)
    for group_setup in (setup, other):
        request = services.group_join_request(group=group_setup.group, family=family, by=user)
        services.join_request_approve(join_request=request, by=group_setup.coordinator)
    assert GroupMembership.objects.filter(family=family).count() == 2
    membership = GroupMembership.objects.get(group=setup.group, family=family)
    services.membership_set_roles(
        membership=membership,
        is_coordinator=True,
        is_supplier_referent=True,
        is_treasurer=False,
        by=setup.coordinator,
    )
    membership.refresh_from_db()
    assert (membership.is_coordinator, membership.is_supplier_referent) == (True, True)


def test_group_keeps_a_coordinator(setup):
    membership = GroupMembership.objects.get(group=setup.group, family=setup.coordinator_family)
    with pytest.raises(ValidationError) as error:
        services.membership_set_roles(
            membership=membership,
            is_coordinator=False,
            is_supplier_referent=False,
            is_treasurer=True,
            by=setup.coordinator,
        )
    assert error.value.message_dict == {
        "is_coordinator": ["Il gruppo deve avere almeno una famiglia coordinatrice."]
    }


VALID_UNITS = "kg, g, l, ml, pz, mazzo, confezione, vasetto, bottiglia, vaschetta, sacchetto"


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"unit": "hg"},
            {"unit": ["Unità sconosciuta «hg»: usa una di queste: " + VALID_UNITS + "."]},
        ),
        ({"vat_rate": 7}, {"vat_rate": ["Aliquota IVA «7» non valida: usa 4, 5, 10 o 22."]}),
        ({"unit_price": "-1"}, {"unit_price": ["Il prezzo non può essere negativo."]}),
        ({"unit_price": "1.23456"}, {"unit_price": ["Il prezzo ha al massimo 4 decimali."]}),
        (
            {"multiple": "0.5", "case_size": "2.75"},
            {"case_size": ["La dimensione del collo deve essere un multiplo di 0,5."]},
        ),
        ({"multiple": "0"}, {"multiple": ["Il multiplo deve essere maggiore di zero."]}),
        (
            {"tiers": [Tier(D("10"), D("1")), Tier(D("10"), D("0.9"))]},
            {"tiers": ["Due scaglioni di prezzo hanno la stessa soglia."]},
        ),
    ],
)
def test_product_validation(setup, changes, errors):
    supplier = make_supplier(setup)
    with pytest.raises(ValidationError) as error:
        make_product(supplier, **changes)
    assert error.value.message_dict == errors
    assert not Product.objects.exists()


def test_duplicate_code_and_update(setup):
    supplier = make_supplier(setup)
    product = make_product(supplier, code="MELE", tiers=[Tier(D("10"), D("1.80"))])
    with pytest.raises(ValidationError) as error:
        make_product(supplier, code="mele")
    assert error.value.message_dict == {
        "code": ["Il fornitore ha già un prodotto con il codice mele."]
    }
    with pytest.raises(ValidationError) as error:
        services.product_update(product=product, by=None, multiple=D("3"), case_size=D("4"))
    assert "case_size" in error.value.message_dict
    services.product_update(product=product, by=None, unit_price="2,20", tiers=[])
    product.refresh_from_db()
    assert product.unit_price == D("2.20")
    assert not product.price_tiers.exists()


def test_supplier_validation(setup):
    with pytest.raises(ValidationError) as error:
        services.supplier_create(
            network=setup.network, name=" ", email="non-valida", vat_number="123", by=None
        )
    assert set(error.value.message_dict) == {"name", "email", "vat_number"}


PRICE_LIST = (
    "codice;nome;categoria;unità;prezzo;iva;confezione;multiplo;scaglioni\n"
    "MELE;Mele renette;Frutta;kg;2,40;4;6;1;12:2,10\n"
    "VINO;Barbera;Vino;pz;7,30;22;;;\n"
)


def test_price_list_import_creates_then_updates(setup):
    supplier = make_supplier(setup)
    result = services.price_list_import(supplier=supplier, data=PRICE_LIST.encode(), by=None)
    assert (result.created, result.updated) == (2, 0)
    apples = supplier.products.get(code="MELE")
    assert apples.case_size == D("6")
    assert list(apples.price_tiers.values_list("min_quantity", "unit_price")) == [
        (D("12"), D("2.10"))
    ]
    result = services.price_list_import(
        supplier=supplier, data=PRICE_LIST.replace("7,30", "7,50").encode(), by=None
    )
    assert (result.created, result.updated) == (0, 2)
    assert supplier.products.get(code="VINO").unit_price == D("7.50")


def test_price_list_with_bad_rows_saves_nothing(setup):
    supplier = make_supplier(setup)
    bad = PRICE_LIST + "UOVA;Uova;;pz;abc;4;;;\nMIELE;Miele;;hg;5;4;;;\n"
    with pytest.raises(PriceListRejected) as error:
        services.price_list_import(supplier=supplier, data=bad.encode(), by=None)
    assert [e.row for e in error.value.row_errors] == [4, 5]
    assert all(message.startswith("Riga ") for message in error.value.messages)
    assert not supplier.products.exists()
