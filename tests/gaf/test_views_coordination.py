"""The coordinators' screens, used as a coordinator would: through the public pages.

The journey goes from an empty catalogue to a settled round; the matrix checks every
coordination route against each role; the rest are the refusals (400, nothing saved),
the daylight-saving nights and the query counts of the round page.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gaf import services
from gaf.models import (
    FundDisbursement,
    FundEntry,
    GroupJoinRequest,
    GroupMembership,
    Order,
    OrderChange,
    OrderLine,
    OrderRound,
    Payment,
    PickupPoint,
    Product,
    RoundProduct,
    SharedCost,
    Supplier,
)
from gaf.selectors import round_documents
from hub.forms import rome_instant
from tests.gaf.factories import (
    make_family,
    make_group,
    make_member,
    make_product,
    make_round,
    make_supplier,
    rome,
)

pytestmark = pytest.mark.django_db

D = Decimal
DURING = rome(2026, 10, 22, 12)
AFTER = rome(2026, 10, 25, 20, 0, 1)
HEADER = ["Codice", "Nome", "Categoria", "Unità", "Prezzo", "IVA", "Confezione", "Multiplo"]


def csv_upload(rows, name="listino.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows([HEADER, *rows])
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8-sig"), "text/csv")


def local_input(moment: dt.datetime) -> str:
    """A date-time as a `datetime-local` input sends it (Rome wall-clock time)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def url(name: str, *args) -> str:
    return reverse(f"gaf:{name}", args=args)


def page_text(response) -> str:
    """The page's HTML with its character references read (&#x27; is ')."""
    return html.unescape(response.content.decode())


# --- The journey ----------------------------------------------------------------------------


def test_a_coordinator_runs_a_round_from_price_list_to_settlement(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    setup = make_group(fund_percent=D("2.00"))
    group = setup.group
    families = [
        make_member(setup, name=f"Famiglia {name}") for name in ("Bianchi", "Rossi", "Verdi")
    ]
    client.force_login(setup.coordinator)

    # A new supplier.
    response = client.post(
        url("coord_supplier_create"),
        {
            "name": "Cascina Aurora",
            "network": str(setup.network.pk),
            "email": "ordini@aurora.example.org",
            "municipality": str(setup.municipality.pk),
            "vat_number": "01234567890",
        },
    )
    assert response.status_code == 302
    supplier = Supplier.objects.get(name="Cascina Aurora")
    assert supplier.network == setup.network

    # A price list with a bad row: the report names row and column, nothing is saved.
    apples = ["MEL-01", "Mele renette", "Frutta", "kg", "2,10", "4", "6", "1"]
    potatoes = ["PAT-1", "Patate", "Ortaggi", "kg", "0,95", "4", "", ""]
    coffee = ["CAF-02", "Caffè d'orzo", "Dispensa", "pz", "3,45", "22", "", ""]
    bad_coffee = ["CAF-02", "Caffè d'orzo", "Dispensa", "pz", "tre euro", "22", "", ""]
    response = client.post(
        url("coord_pricelist", supplier.slug), {"file": csv_upload([apples, potatoes, bad_coffee])}
    )
    assert response.status_code == 400
    (error,) = response.context["errors"]
    assert (error.row, error.column) == (4, "Prezzo")
    assert "«tre euro» non è un numero" in response.content.decode()
    assert not supplier.products.exists()

    # Fixed: a preview, then the confirmation applies every row.
    response = client.post(
        url("coord_pricelist", supplier.slug), {"file": csv_upload([apples, potatoes, coffee])}
    )
    assert response.status_code == 200
    assert [item.row.code for item in response.context["preview"]] == ["MEL-01", "PAT-1", "CAF-02"]
    assert not supplier.products.exists()
    content = response.context["confirm_form"]["content"].value()
    response = client.post(url("coord_pricelist_apply", supplier.slug), {"content": content})
    assert response.status_code == 302
    assert sorted(supplier.products.values_list("code", flat=True)) == ["CAF-02", "MEL-01", "PAT-1"]

    # A second pickup point, then the round: draft, products, dates.
    response = client.post(
        url("coord_pickup_point_create", group.slug),
        {"name": "Biblioteca", "address": "Via Roma 1"},
    )
    assert response.status_code == 302
    library = PickupPoint.objects.get(group=group, name="Biblioteca")
    choose = client.get(url("coord_round_create", group.slug))
    assert choose.status_code == 200
    assert "Cascina Aurora" in choose.content.decode()
    create_url = url("coord_round_create", group.slug) + f"?fornitore={supplier.slug}"
    form_page = client.get(create_url)
    assert form_page.status_code == 200
    assert "Mele renette" in form_page.content.decode()

    now = timezone.now()
    closes_at = (now + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    response = client.post(
        create_url,
        {
            "title": "Frutta e verdura di novembre",
            "opens_at": local_input(now - dt.timedelta(hours=1)),
            "closes_at": local_input(closes_at),
            "pickup_date": timezone.localdate(closes_at + dt.timedelta(days=2)).isoformat(),
            "pickup_starts_at": "17:00",
            "pickup_ends_at": "19:00",
            "pickup_points": [str(setup.pickup_point.pk), str(library.pk)],
            "all_products": "on",
            "fund_percent": "2",
            "allocation_policy": "fifo",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    round = OrderRound.objects.get(group=group)
    assert response["Location"] == url("coord_round", group.slug, round.pk)
    assert round.state == OrderRound.State.DRAFT
    assert round.closes_at == closes_at
    assert round.products.count() == 3

    # Open: prices frozen, families told.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("coord_round_open", group.slug, round.pk))
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.state == OrderRound.State.OPEN
    products = {rp.code: rp for rp in round.products.all()}
    assert products["MEL-01"].frozen_at is not None
    assert products["MEL-01"].unit_price == D("2.10")

    # Three families order (one with tolerance), through the ordering service.
    (bianchi, bianchi_user), (rossi, rossi_user), (verdi, verdi_user) = families
    order = services.order_set_quantity
    order(
        round=round,
        family=bianchi,
        round_product=products["MEL-01"],
        firm=D(4),
        tolerance=D(2),
        by_user=bianchi_user,
    )
    order(
        round=round,
        family=bianchi,
        round_product=products["PAT-1"],
        firm=D(5),
        by_user=bianchi_user,
    )
    order(
        round=round, family=rossi, round_product=products["MEL-01"], firm=D(6), by_user=rossi_user
    )
    order(
        round=round, family=rossi, round_product=products["CAF-02"], firm=D(2), by_user=rossi_user
    )
    order(
        round=round, family=verdi, round_product=products["MEL-01"], firm=D(3), by_user=verdi_user
    )
    page = client.get(url("coord_round", group.slug, round.pk))
    assert page.status_code == 200
    assert len(page.context["orders"]) == 3
    apples_status = next(s for s in page.context["statuses"] if s.round_product.code == "MEL-01")
    assert apples_status.pool.firm == D(13)
    assert apples_status.pool.full_cases == 2

    # Close now: first what will happen (the order is not sent: the group sends by hand).
    close = url("coord_round_close", group.slug, round.pk)
    confirmation = client.get(close)
    assert confirmation.status_code == 200
    assert confirmation.context["outcome"].families_ordered == 3
    assert "Il fornitore non riceve ancora niente" in confirmation.content.decode()
    assert OrderRound.objects.get(pk=round.pk).state == OrderRound.State.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(close, {"confirm": "yes"})
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.state == OrderRound.State.CLOSED
    apples_lines = {
        line.order.family_id: line
        for line in OrderLine.objects.filter(round_product=products["MEL-01"]).select_related(
            "order"
        )
    }
    assert apples_lines[rossi.pk].allocated == D(6)

    # Send: the supplier gets the order with CSV, JSON and PDF attached.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("coord_round_send", group.slug, round.pk), {"confirm": "yes"})
    assert response.status_code == 302
    (message,) = [m for m in mailoutbox if m.to == ["ordini@aurora.example.org"]]
    names = sorted(name for name, _content, _type in message.attachments)
    assert [name.rsplit(".", 1)[1] for name in names] == ["csv", "json", "pdf"]
    round.refresh_from_db()
    assert round.state == OrderRound.State.SENT

    # Delivery: 5.4 kg of apples instead of 6 for the Rossi family, and the transport.
    page = client.get(url("coord_round_delivery", group.slug, round.pk))
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: str(field.initial).replace(".", ",") for name, field in form.fields.items()}
    data[f"line_{apples_lines[rossi.pk].pk}"] = "5,4"
    rossi_before = Order.objects.get(round=round, family=rossi).total
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("coord_round_delivery", group.slug, round.pk), data)
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.state == OrderRound.State.DELIVERED
    assert OrderLine.objects.get(pk=apples_lines[rossi.pk].pk).delivered == D("5.4")
    assert Order.objects.get(round=round, family=rossi).total < rossi_before
    assert any(rossi_user.email in m.to for m in mailoutbox)

    response = client.post(
        url("coord_round_cost_add", group.slug, round.pk),
        {"cost-label": "Trasporto", "cost-amount": "12,00", "cost-basis": "weight"},
    )
    assert response.status_code == 302
    assert sum(Order.objects.filter(round=round).values_list("shared_costs", flat=True)) == D(
        "12.00"
    )

    # The documents: slips that add up, the supplier order in each format.
    slips = client.get(url("coord_round_slips", group.slug, round.pk))
    assert slips.status_code == 200
    assert slips["Content-Type"] == "application/pdf"
    assert slips.content.startswith(b"%PDF")
    for file_format, content_type in (("csv", "text/csv"), ("json", "application/json")):
        download = client.get(url("coord_round_supplier_order", group.slug, round.pk, file_format))
        assert download.status_code == 200
        assert download["Content-Type"].startswith(content_type)
    documents = round_documents(round)
    assert sum(slip.total for slip in documents.slips) == (
        documents.supplier_order.total + documents.fund_total + documents.shared_costs_total
    )

    # Settle: the fund receives the families' shares.
    response = client.post(url("coord_round_settle", group.slug, round.pk), {"confirm": "yes"})
    assert response.status_code == 302
    entry = FundEntry.objects.get(round=round, kind=FundEntry.Kind.CONTRIBUTION)
    assert entry.amount == sum(
        Order.objects.filter(round=round).values_list("fund_share", flat=True)
    )
    assert entry.amount > 0


# --- Permission matrix ----------------------------------------------------------------------


@dataclass
class World:
    group: object
    coordinator: object
    treasurer: object
    referent: object
    member: object
    other: object
    supplier: Supplier
    product: Product
    closed_round: OrderRound
    cancelled_round: OrderRound
    request_a: GroupJoinRequest
    request_b: GroupJoinRequest
    member_membership: GroupMembership
    disbursement: FundDisbursement
    cost: SharedCost


@pytest.fixture
def world() -> World:
    return _build_world()


@pytest.fixture(scope="module")
def matrix_world(module_transaction) -> World:
    """One world for the whole permission matrix: each route's test only reads it (what an
    allowed role's request writes is rolled back with the test)."""
    return _build_world()


def _build_world() -> World:
    setup = make_group()
    GroupMembership.objects.filter(group=setup.group, family=setup.coordinator_family).update(
        is_treasurer=False
    )
    _family, treasurer = make_member(setup)
    _family, referent = make_member(setup)
    member_family, member = make_member(setup)
    GroupMembership.objects.filter(family__memberships__user=treasurer).update(is_treasurer=True)
    GroupMembership.objects.filter(family__memberships__user=referent).update(
        is_supplier_referent=True
    )
    other_setup = make_group()  # another group, in another network
    supplier = make_supplier(setup)
    product = make_product(supplier, unit="kg", unit_price=D("2.00"))
    closed = make_round(setup, supplier, [product], title="Giro chiuso")
    rp = closed.products.get()
    services.order_set_quantity(
        round=closed,
        family=member_family,
        round_product=rp,
        firm=D(2),
        by_user=member,
        now=DURING,
    )
    services.round_close(round=closed, by=setup.coordinator, now=AFTER)
    cancelled = make_round(setup, supplier, [product], title="Giro annullato", open_it=False)
    services.round_cancel(round=cancelled, by=setup.coordinator, reason="Prova")
    cost = SharedCost.objects.create(round=cancelled, label="Trasporto", amount=D("5.00"))
    requests = []
    for _ in range(2):
        family, user = make_family(municipality=setup.municipality)
        requests.append(services.group_join_request(group=setup.group, family=family, by=user))
    disbursement = services.fund_disbursement_request(
        network=setup.network,
        amount=D("10.00"),
        purpose="Spesa per una famiglia",
        by=setup.coordinator,
    )
    return World(
        group=setup.group,
        coordinator=setup.coordinator,
        treasurer=treasurer,
        referent=referent,
        member=member,
        other=other_setup.coordinator,
        supplier=supplier,
        product=product,
        closed_round=closed,
        cancelled_round=cancelled,
        request_a=requests[0],
        request_b=requests[1],
        member_membership=GroupMembership.objects.get(family=member_family),
        disbursement=disbursement,
        cost=cost,
    )


def _group(w):
    return [w.group.slug]


def _closed(w):
    return [w.group.slug, w.closed_round.pk]


def _cancelled(w):
    return [w.group.slug, w.cancelled_round.pk]


def _supplier(w):
    return [w.supplier.slug]


def _product(w):
    return [w.supplier.slug, w.product.pk]


COORDINATOR = {"coordinator"}
ORGANISERS = {"coordinator", "treasurer", "referent"}
DELIVERY = {"coordinator", "referent"}

# (route name, method, URL arguments, roles that may use it)
ROUTES = [
    ("coord_group", "get", _group, COORDINATOR),
    ("coord_settings", "get", _group, COORDINATOR),
    ("coord_join_approve", "post", lambda w: [w.group.slug, w.request_a.pk], COORDINATOR),
    ("coord_join_reject", "post", lambda w: [w.group.slug, w.request_b.pk], COORDINATOR),
    (
        "coord_member_roles",
        "post",
        lambda w: [w.group.slug, w.member_membership.pk],
        COORDINATOR,
    ),
    (
        "coord_member_remove",
        "post",
        lambda w: [w.group.slug, w.member_membership.pk],
        COORDINATOR,
    ),
    ("coord_pickup_point_create", "get", _group, COORDINATOR),
    (
        "coord_pickup_point_edit",
        "get",
        lambda w: [w.group.slug, w.group.pickup_points.first().pk],
        COORDINATOR,
    ),
    ("coord_round_create", "get", _group, COORDINATOR),
    ("coord_payments", "get", _group, {"treasurer"}),
    ("coord_fund", "get", _group, COORDINATOR),
    ("coord_fund_donation", "post", _group, COORDINATOR),
    ("coord_fund_disbursement_request", "post", _group, COORDINATOR),
    (
        "coord_fund_disbursement_approve",
        "post",
        lambda w: [w.group.slug, w.disbursement.pk],
        COORDINATOR,
    ),
    (
        "coord_fund_disbursement_reject",
        "post",
        lambda w: [w.group.slug, w.disbursement.pk],
        COORDINATOR,
    ),
    # Any coordinator has the suppliers of their own network (the other's is another).
    ("coord_suppliers", "get", lambda w: [], {"coordinator", "other"}),
    ("coord_supplier_create", "get", lambda w: [], {"coordinator", "other"}),
    ("coord_supplier", "get", _supplier, COORDINATOR),
    ("coord_supplier_edit", "get", _supplier, COORDINATOR),
    ("coord_product_create", "get", _supplier, COORDINATOR),
    ("coord_product_edit", "get", _product, COORDINATOR),
    ("coord_product_availability", "post", _product, COORDINATOR),
    ("coord_pricelist", "get", _supplier, COORDINATOR),
    ("coord_pricelist_template", "get", _supplier, COORDINATOR),
    ("coord_pricelist_apply", "post", _supplier, COORDINATOR),
    ("coord_round", "get", _closed, ORGANISERS),
    ("coord_round_edit", "get", _cancelled, COORDINATOR),
    ("coord_round_open", "post", _cancelled, COORDINATOR),
    ("coord_round_close", "post", _cancelled, COORDINATOR),
    ("coord_round_reopen", "post", _cancelled, COORDINATOR),
    ("coord_round_extend", "post", _cancelled, COORDINATOR),
    ("coord_round_send", "post", _cancelled, COORDINATOR),
    ("coord_round_settle", "post", _cancelled, COORDINATOR),
    # The confirmation pages of what cannot be undone (GET asks, POST does).
    ("coord_round_close", "get", _closed, COORDINATOR),
    ("coord_round_send", "get", _closed, COORDINATOR),
    ("coord_round_settle", "get", _closed, COORDINATOR),
    ("coord_round_cancel", "post", _cancelled, COORDINATOR),
    ("coord_round_delivery", "get", _closed, DELIVERY),
    ("coord_round_cost_add", "post", _cancelled, DELIVERY),
    ("coord_round_cost_remove", "post", lambda w: [*_cancelled(w), w.cost.pk], DELIVERY),
    ("coord_round_supplier_order", "get", lambda w: [*_closed(w), "pdf"], ORGANISERS),
    ("coord_round_slips", "get", _closed, ORGANISERS),
]
ROLES = ("coordinator", "treasurer", "referent", "member", "other")


def test_the_matrix_covers_every_coordination_route():
    from gaf.urls_coordination import urlpatterns

    assert {pattern.name for pattern in urlpatterns} == {name for name, *_rest in ROUTES}


@pytest.mark.parametrize(("name", "method", "args", "allowed"), ROUTES, ids=[r[0] for r in ROUTES])
def test_permission_matrix(client, matrix_world, name, method, args, allowed):
    path = url(name, *args(matrix_world))
    send = getattr(client, method)
    response = send(path)
    assert response.status_code == 302, "anonymous visitors are sent to sign in"
    assert response["Location"].startswith("/accounts/login/")
    # Refused roles first: their requests must change nothing for the allowed ones.
    for role in sorted(ROLES, key=lambda role: role in allowed):
        client.force_login(getattr(matrix_world, role))
        response = send(path)
        if role in allowed:
            assert response.status_code not in {403, 404}, f"{role} refused on {name}"
            assert response.status_code < 500
        else:
            assert response.status_code == 404, f"{role} got {response.status_code} on {name}"
        client.logout()


def test_a_supplier_is_shared_by_the_coordinators_of_its_network(client, world):
    same_network = make_group()
    same_network.group.network = world.group.network
    same_network.group.save(update_fields=["network"])
    client.force_login(same_network.coordinator)
    assert client.get(url("coord_supplier", world.supplier.slug)).status_code == 200
    assert client.get(url("coord_group", world.group.slug)).status_code == 404
    client.force_login(world.other)  # a coordinator in another network
    listed = client.get(url("coord_suppliers")).context["suppliers"]
    assert world.supplier not in listed
    assert client.get(url("coord_supplier", world.supplier.slug)).status_code == 404


# --- Group management -----------------------------------------------------------------------


def test_join_requests_are_approved_or_rejected_with_a_reason(client, world, mailoutbox):
    client.force_login(world.coordinator)
    page = client.get(url("coord_group", world.group.slug))
    assert page.status_code == 200
    assert world.request_a.family.name in page.content.decode()

    response = client.post(url("coord_join_approve", world.group.slug, world.request_a.pk))
    assert response.status_code == 302
    assert GroupMembership.objects.filter(group=world.group, family=world.request_a.family).exists()

    reject = url("coord_join_reject", world.group.slug, world.request_b.pk)
    response = client.post(reject, {f"reject-{world.request_b.pk}-reason": "  "})
    assert response.status_code == 400
    assert "Spiega il motivo" in response.content.decode()
    world.request_b.refresh_from_db()
    assert world.request_b.status == GroupJoinRequest.Status.PENDING

    response = client.post(reject, {f"reject-{world.request_b.pk}-reason": "Gruppo al completo"})
    assert response.status_code == 302
    world.request_b.refresh_from_db()
    assert world.request_b.status == GroupJoinRequest.Status.REJECTED
    assert world.request_b.decision_reason == "Gruppo al completo"


def test_roles_are_set_and_the_last_coordinator_stays(client, world):
    client.force_login(world.coordinator)
    membership = world.member_membership
    response = client.post(
        url("coord_member_roles", world.group.slug, membership.pk),
        {f"roles-{membership.pk}-is_treasurer": "on"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.is_treasurer, membership.is_coordinator) == (True, False)

    own = GroupMembership.objects.get(
        group=world.group, family__memberships__user=world.coordinator
    )
    response = client.post(url("coord_member_roles", world.group.slug, own.pk), {})
    assert response.status_code == 400
    assert "almeno una famiglia coordinatrice" in response.content.decode()
    own.refresh_from_db()
    assert own.is_coordinator


def test_pickup_points_are_added_edited_and_deactivated(client, world):
    client.force_login(world.coordinator)
    create = url("coord_pickup_point_create", world.group.slug)
    assert client.post(create, {"name": ""}).status_code == 400
    response = client.post(create, {"name": "Palestra", "address": "Via dei Mille 3"})
    assert response.status_code == 302
    point = PickupPoint.objects.get(group=world.group, name="Palestra")
    assert client.post(create, {"name": "palestra"}).status_code == 400

    edit = url("coord_pickup_point_edit", world.group.slug, point.pk)
    response = client.post(edit, {"name": "Palestra comunale", "address": "Via dei Mille 3"})
    assert response.status_code == 302
    point.refresh_from_db()
    assert (point.name, point.is_active) == ("Palestra comunale", False)


def test_group_settings_are_changed_and_checked(client, world):
    client.force_login(world.coordinator)
    settings_url = url("coord_settings", world.group.slug)
    values = {
        "name": world.group.name,
        "description": "Compriamo insieme",
        "default_fund_percent": "150",
        "allocation_policy": "proportional",
        "prepaid_mode": "on",
    }
    response = client.post(settings_url, values)
    assert response.status_code == 400
    assert "tra 0 e 100" in response.content.decode()
    world.group.refresh_from_db()
    assert world.group.allocation_policy == "fifo"

    response = client.post(settings_url, {**values, "default_fund_percent": "2,5"})
    assert response.status_code == 302
    world.group.refresh_from_db()
    assert world.group.default_fund_percent == D("2.5")
    assert world.group.allocation_policy == "proportional"
    assert world.group.prepaid_mode is True


# --- Suppliers and products: refusals -------------------------------------------------------


def product_data(**changes):
    data = {
        "code": "MIELE",
        "name": "Miele di acacia",
        "unit": "pz",
        "unit_price": "8,50",
        "vat_rate": "10",
        "multiple": "1",
        "is_available": "on",
        "tiers-TOTAL_FORMS": "3",
        "tiers-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_a_product_with_a_negative_price_is_refused(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        url("coord_product_create", world.supplier.slug), product_data(unit_price="-1")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["unit_price"] == ["Il prezzo non può essere negativo."]
    assert not Product.objects.filter(code="MIELE").exists()


def test_a_case_size_not_multiple_of_the_step_is_refused(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        url("coord_product_create", world.supplier.slug),
        product_data(unit="kg", multiple="0,5", case_size="2,25"),
    )
    assert response.status_code == 400
    assert "multiplo di 0,5" in response.context["form"].errors["case_size"][0]
    assert not Product.objects.filter(code="MIELE").exists()


def test_a_product_is_created_with_tiers_and_edited(client, world):
    client.force_login(world.coordinator)
    data = product_data(
        unit="kg",
        case_size="6",
        **{"tiers-0-min_quantity": "30", "tiers-0-unit_price": "7,90"},
    )
    response = client.post(url("coord_product_create", world.supplier.slug), data)
    assert response.status_code == 302
    product = Product.objects.get(code="MIELE")
    assert list(product.price_tiers.values_list("min_quantity", "unit_price")) == [
        (D("30"), D("7.90"))
    ]
    half_tier = {"tiers-0-min_quantity": "30", "tiers-0-unit_price": ""}
    response = client.post(
        url("coord_product_edit", world.supplier.slug, product.pk), {**data, **half_tier}
    )
    assert response.status_code == 400
    response = client.post(
        url("coord_product_edit", world.supplier.slug, product.pk),
        {**data, "unit_price": "9", "tiers-0-min_quantity": "", "tiers-0-unit_price": ""},
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.unit_price == D("9")
    assert not product.price_tiers.exists()


def test_availability_is_toggled(client, world):
    client.force_login(world.coordinator)
    toggle = url("coord_product_availability", world.supplier.slug, world.product.pk)
    assert client.post(toggle, {"is_available": "forse"}).status_code == 400
    assert client.post(toggle, {"is_available": "0"}).status_code == 302
    world.product.refresh_from_db()
    assert world.product.is_available is False
    assert client.post(toggle, {"is_available": "1"}).status_code == 302
    world.product.refresh_from_db()
    assert world.product.is_available is True


def test_a_supplier_with_a_bad_vat_number_is_refused(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        url("coord_supplier_edit", world.supplier.slug),
        {
            "name": "Cascina",
            "network": str(world.supplier.network_id),
            "email": "ordini@cascina.example.org",
            "vat_number": "123",
            "is_active": "on",
        },
    )
    assert response.status_code == 400
    assert "11 cifre" in response.context["form"].errors["vat_number"][0]


# --- Rounds: refusals and daylight saving ---------------------------------------------------


def round_data(setup_group, supplier, **changes):
    now = timezone.now()
    data = {
        "title": "Giro",
        "opens_at": local_input(now + dt.timedelta(days=1)),
        "closes_at": local_input(now + dt.timedelta(days=3)),
        "pickup_date": timezone.localdate(now + dt.timedelta(days=5)).isoformat(),
        "pickup_points": [str(setup_group.pickup_points.first().pk)],
        "all_products": "on",
        "fund_percent": "2",
        "allocation_policy": "fifo",
    }
    data.update(changes)
    return data


def create_round_url(world) -> str:
    return url("coord_round_create", world.group.slug) + f"?fornitore={world.supplier.slug}"


def test_a_round_closing_before_it_opens_is_refused(client, world):
    client.force_login(world.coordinator)
    now = timezone.now()
    data = round_data(
        world.group,
        world.supplier,
        opens_at=local_input(now + dt.timedelta(days=3)),
        closes_at=local_input(now + dt.timedelta(days=1)),
    )
    before = OrderRound.objects.count()
    response = client.post(create_round_url(world), data)
    assert response.status_code == 400
    assert response.context["form"].errors["closes_at"] == [
        "La chiusura deve essere dopo l'apertura."
    ]
    assert OrderRound.objects.count() == before


def test_a_round_needs_products_and_an_unknown_supplier_is_refused(client, world):
    client.force_login(world.coordinator)
    data = round_data(world.group, world.supplier)
    del data["all_products"]
    response = client.post(create_round_url(world), data)
    assert response.status_code == 400
    assert "Scegli almeno un prodotto." in response.context["form"].errors["products"]
    response = client.get(url("coord_round_create", world.group.slug) + "?fornitore=nessuno")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("opens_at", "2027-03-28T02:30", "non esistono"),
        ("closes_at", "2026-10-25T02:30", "capitano due volte"),
        ("closes_at", "domani sera", "Scrivi data e ora"),
    ],
)
def test_times_that_do_not_name_one_instant_are_refused(client, world, field, typed, message):
    client.force_login(world.coordinator)
    response = client.post(
        create_round_url(world), round_data(world.group, world.supplier, **{field: typed})
    )
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]


def test_daylight_saving_days_are_read_as_rome_time():
    assert rome_instant(dt.datetime(2027, 3, 28, 3, 30)).utcoffset() == dt.timedelta(hours=2)
    assert rome_instant(dt.datetime(2027, 3, 28, 1, 59)).utcoffset() == dt.timedelta(hours=1)
    assert rome_instant(dt.datetime(2026, 10, 25, 3, 0)) == dt.datetime(
        2026, 10, 25, 2, 0, tzinfo=dt.UTC
    )


def test_a_draft_is_edited_then_opened_and_reopened(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    response = client.post(create_round_url(world), round_data(world.group, world.supplier))
    assert response.status_code == 302
    round = OrderRound.objects.get(title="Giro")
    now = timezone.now()
    data = round_data(
        world.group,
        world.supplier,
        title="Giro di dicembre",
        opens_at=local_input(now - dt.timedelta(hours=1)),
    )
    del data["all_products"]
    data["products"] = [str(world.product.pk)]
    response = client.post(url("coord_round_edit", world.group.slug, round.pk), data)
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.title == "Giro di dicembre"

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url("coord_round_open", world.group.slug, round.pk)).status_code == 302
    # An open round cannot be opened again: the page explains, nothing changes.
    response = client.post(url("coord_round_open", world.group.slug, round.pk))
    assert response.status_code == 400
    assert response.context["errors"]
    close = url("coord_round_close", world.group.slug, round.pk)
    assert client.post(close, {"confirm": "yes"}).status_code == 302

    reopen = url("coord_round_reopen", world.group.slug, round.pk)
    past = local_input(now - dt.timedelta(days=1))
    response = client.post(reopen, {"reopen-closes_at": past})
    assert response.status_code == 400
    assert "nel futuro" in response.content.decode()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reopen, {"reopen-closes_at": local_input(now + dt.timedelta(days=1))}
        )
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.state == OrderRound.State.OPEN

    response = client.post(url("coord_round_cancel", world.group.slug, round.pk), {})
    assert response.status_code == 400
    response = client.post(
        url("coord_round_cancel", world.group.slug, round.pk),
        {"cancel-reason": "Il fornitore ha chiuso per maltempo"},
    )
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.state == OrderRound.State.CANCELLED


def test_documents_exist_from_the_close(client, world):
    client.force_login(world.coordinator)
    cancelled = world.cancelled_round
    assert client.get(url("coord_round_slips", world.group.slug, cancelled.pk)).status_code == 404
    pdf = client.get(url("coord_round_supplier_order", *_closed(world), "pdf"))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert client.get(url("coord_round_supplier_order", *_closed(world), "xls")).status_code == 404


def test_a_bad_delivered_quantity_is_refused_and_nothing_is_saved(client, world):
    client.force_login(world.coordinator)
    round = world.closed_round
    services.round_send_to_supplier(round=round, by=world.coordinator)
    line = OrderLine.objects.get(order__round=round)
    delivery = url("coord_round_delivery", world.group.slug, round.pk)
    response = client.post(delivery, {f"line_{line.pk}": "-1"})
    assert response.status_code == 400
    assert "non può essere negativa" in response.content.decode()
    response = client.post(delivery, {f"line_{line.pk}": "due"})
    assert response.status_code == 400
    line.refresh_from_db()
    round.refresh_from_db()
    assert line.delivered is None
    assert round.state == OrderRound.State.SENT


# --- Treasurer and fund ---------------------------------------------------------------------


def test_the_treasurer_records_payments_and_refunds(client, world):
    client.force_login(world.treasurer)
    payments = url("coord_payments", world.group.slug)
    family = world.member_membership.family
    today = timezone.localdate().isoformat()
    data = {"family": str(family.pk), "amount": "abc", "method": "cash", "paid_on": today}
    response = client.post(payments, data)
    assert response.status_code == 400
    assert response.context["form"].errors["amount"] == [
        "Scrivi un importo in euro, per esempio 25,50."
    ]
    assert not Payment.objects.exists()

    response = client.post(payments, {**data, "amount": "0"})
    assert response.status_code == 400
    response = client.post(payments, {**data, "family": str(world.request_a.family_id)})
    assert response.status_code == 400

    assert client.post(payments, {**data, "amount": "30,00"}).status_code == 302
    assert (
        client.post(payments, {**data, "amount": "-5,50", "method": "bank_transfer"}).status_code
        == 302
    )
    page = client.get(payments)
    assert page.status_code == 200
    (balance,) = [b for b in page.context["balances"] if b.family_id == family.pk]
    assert balance.paid == D("24.50")
    charged = Order.objects.get(round=world.closed_round, family=family).total
    assert balance.balance == D("24.50") - charged


def test_a_disbursement_needs_two_different_coordinators(client, world):
    second = make_member_with_role(world, is_coordinator=True)
    services.fund_donation_record(
        network=world.group.network,
        amount=D("50.00"),
        occurred_on=timezone.localdate(),
        by=world.coordinator,
    )
    client.force_login(world.coordinator)
    fund = url("coord_fund", world.group.slug)
    response = client.post(
        url("coord_fund_disbursement_request", world.group.slug),
        {"disbursement-amount": "20", "disbursement-purpose": ""},
    )
    assert response.status_code == 400
    response = client.post(
        url("coord_fund_disbursement_request", world.group.slug),
        {"disbursement-amount": "20", "disbursement-purpose": "Libri di scuola"},
    )
    assert response.status_code == 302
    disbursement = FundDisbursement.objects.get(purpose="Libri di scuola")
    approve = url("coord_fund_disbursement_approve", world.group.slug, disbursement.pk)

    assert client.post(approve).status_code == 302
    response = client.post(approve)
    assert response.status_code == 400
    assert "un'altra persona coordinatrice" in response.content.decode()
    disbursement.refresh_from_db()
    assert disbursement.status == FundDisbursement.Status.REQUESTED
    assert not FundEntry.objects.filter(disbursement=disbursement).exists()

    client.force_login(second)
    assert client.post(approve).status_code == 302
    disbursement.refresh_from_db()
    assert disbursement.status == FundDisbursement.Status.APPROVED
    assert FundEntry.objects.get(disbursement=disbursement).amount == D("-20.00")
    page = client.get(fund)
    shown = next(d for d in page.context["disbursements"] if d.pk == disbursement.pk)
    assert {user.pk for user in shown.approvers} == {world.coordinator.pk, second.pk}
    assert page.context["balance"] == D("30.00")


def test_a_donation_is_recorded_and_bad_amounts_are_refused(client, world):
    client.force_login(world.coordinator)
    donation = url("coord_fund_donation", world.group.slug)
    today = timezone.localdate().isoformat()
    response = client.post(donation, {"donation-amount": "-3", "donation-occurred_on": today})
    assert response.status_code == 400
    assert not FundEntry.objects.exists()
    response = client.post(
        donation,
        {"donation-amount": "25", "donation-occurred_on": today, "donation-description": "Festa"},
    )
    assert response.status_code == 302
    assert FundEntry.objects.get(kind=FundEntry.Kind.DONATION).amount == D("25.00")


def make_member_with_role(world, **roles):
    family, user = make_family(municipality=world.group.municipality)
    GroupMembership.objects.create(group=world.group, family=family, **roles)
    return user


# --- Query counts ---------------------------------------------------------------------------


def _closed_round_with(families: int):
    setup = make_group()
    supplier = make_supplier(setup)
    products = [
        make_product(supplier, unit="kg", case_size=D("6"), unit_price=D("2.00")),
        make_product(supplier, unit="pz", unit_price=D("3.00")),
    ]
    round = make_round(setup, supplier, products)
    round_products = list(RoundProduct.objects.filter(round=round))
    for _ in range(families):
        family, user = make_member(setup)
        for rp in round_products:
            services.order_set_quantity(
                round=round,
                family=family,
                round_product=rp,
                firm=D(2),
                tolerance=D(0),
                by_user=user,
                now=DURING,
            )
    services.round_close(round=round, by=setup.coordinator, now=AFTER)
    return setup, round


def _count_round_page(client, families: int) -> int:
    setup, round = _closed_round_with(families)
    client.force_login(setup.coordinator)
    path = url("coord_round", setup.group.slug, round.pk)
    client.get(path)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    assert len(response.context["orders"]) == families
    return len(queries)


def test_the_round_page_queries_do_not_grow_with_the_families(
    client, django_assert_max_num_queries
):
    few = _count_round_page(client, 2)
    many = _count_round_page(client, 7)
    assert few == many
    setup, round = _closed_round_with(3)
    client.force_login(setup.coordinator)
    with django_assert_max_num_queries(12):
        assert client.get(url("coord_round", setup.group.slug, round.pk)).status_code == 200


def test_the_delivery_page_queries_do_not_grow_with_the_families(client):
    counts = []
    for families in (2, 6):
        setup, round = _closed_round_with(families)
        services.round_send_to_supplier(round=round, by=setup.coordinator)
        client.force_login(setup.coordinator)
        path = url("coord_round_delivery", setup.group.slug, round.pk)
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- What cannot be undone asks first (issue 11, item 6) --------------------------------------


def _open_round_with_orders(families: int = 2, *, setup=None, firm="4"):
    """An open round (closing in two days) of apples in 6 kg cases; each family orders
    `firm` kg, so two families leave the second case 4 kg short."""
    setup = setup or make_group()
    supplier = make_supplier(setup, name="Cascina Aurora", email="ordini@aurora.example.org")
    apples = make_product(supplier, name="Mele", unit="kg", case_size=D("6"), unit_price=D("2.00"))
    now = timezone.now()
    round = make_round(
        setup,
        supplier,
        [apples],
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=2),
        open_now=now,
    )
    rp = round.products.get()
    members = []
    for _ in range(families):
        family, user = make_member(setup)
        services.order_set_quantity(
            round=round, family=family, round_product=rp, firm=D(firm), by_user=user
        )
        members.append((family, user))
    return setup, round, members


def test_closing_asks_first_and_going_back_changes_nothing(client, mailoutbox):
    setup, round, _members = _open_round_with_orders(2)
    client.force_login(setup.coordinator)
    close = url("coord_round_close", setup.group.slug, round.pk)
    page = client.get(url("coord_round", setup.group.slug, round.pk)).content.decode()
    assert f'href="{close}"' in page  # a link to the question, not a form that closes

    confirmation = client.get(close)
    assert confirmation.status_code == 200
    text = confirmation.content.decode()
    assert "Chiudere adesso «Giro di prova»?" in text
    assert "2 famiglie hanno ordinato; con le casse di adesso 2 ricevono qualcosa." in text
    assert "Ordine al fornitore: 1 prodotto per 12,00\u00a0€." in text  # never wraps
    assert "Il fornitore non riceve ancora niente" in text
    assert 'name="csrfmiddlewaretoken"' in text
    assert "No, torna al giro" in text
    # A POST without the confirmation (an old page, a script) is asked the same question.
    again = client.post(close)
    assert again.status_code == 200
    assert again.templates[0].name == "gaf/coordination/round_confirm.html"
    assert OrderRound.objects.get(pk=round.pk).state == OrderRound.State.OPEN
    assert not mailoutbox

    response = client.post(close, {"confirm": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == url("coord_round", setup.group.slug, round.pk)
    assert OrderRound.objects.get(pk=round.pk).state == OrderRound.State.CLOSED
    assert "fino ad allora puoi riaprire il giro" in response.content.decode()
    assert response.context["actions"]["reopen"]
    assert not [m for m in mailoutbox if m.to == ["ordini@aurora.example.org"]]


def test_with_the_automatic_send_the_question_names_the_supplier(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    setup = make_group()
    client.force_login(setup.coordinator)
    response = client.post(
        url("coord_settings", setup.group.slug),
        {
            "name": setup.group.name,
            "default_fund_percent": "2",
            "allocation_policy": "fifo",
            "send_order_on_close": "on",
        },
    )
    assert response.status_code == 302
    setup.group.refresh_from_db()
    assert setup.group.send_order_on_close is True
    _setup, round, _members = _open_round_with_orders(1, setup=setup, firm="6")
    assert round.send_on_close is True

    close = url("coord_round_close", setup.group.slug, round.pk)
    text = page_text(client.get(close))
    assert "L'ordine parte subito" in text
    assert "Cascina Aurora riceve l'ordine via e-mail a ordini@aurora.example.org" in text
    assert "Sì, chiudi e invia l'ordine" in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(close, {"confirm": "yes"})
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.state == OrderRound.State.SENT
    assert len([m for m in mailoutbox if m.to == ["ordini@aurora.example.org"]]) == 1
    page = client.get(url("coord_round", setup.group.slug, round.pk))
    assert not page.context["actions"]["reopen"]


def test_a_confirmation_without_the_csrf_token_is_refused():
    from django.test import Client

    setup, round, _members = _open_round_with_orders(1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(setup.coordinator)
    close = url("coord_round_close", setup.group.slug, round.pk)
    assert client.post(close, {"confirm": "yes"}).status_code == 403
    assert client.put(close).status_code == 403
    assert OrderRound.objects.get(pk=round.pk).state == OrderRound.State.OPEN


def test_the_actions_that_cannot_be_undone_answer_get_and_post_only(client, world):
    client.force_login(world.coordinator)
    for name in ("coord_round_close", "coord_round_send", "coord_round_settle"):
        assert client.put(url(name, *_closed(world))).status_code == 405
        assert client.delete(url(name, *_closed(world))).status_code == 405


def test_closing_a_closed_round_is_a_conflict(client, world):
    client.force_login(world.coordinator)
    close = url("coord_round_close", *_closed(world))
    for response in (client.get(close), client.post(close, {"confirm": "yes"})):
        assert response.status_code == 409
        assert "questa azione ora non si può fare" in response.context["errors"][0]
    assert OrderRound.objects.get(pk=world.closed_round.pk).state == OrderRound.State.CLOSED


def test_sending_and_settling_ask_first(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.coordinator)
    round = world.closed_round
    send = url("coord_round_send", *_closed(world))
    text = page_text(client.get(send))
    assert "Inviare l'ordine a" in text
    assert "ordini@cascina.example.org" in text
    assert "il giro non si può più riaprire" in text
    assert client.post(send).status_code == 200
    assert OrderRound.objects.get(pk=round.pk).state == OrderRound.State.CLOSED
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(send, {"confirm": "yes"}).status_code == 302
    services.delivery_record(round=round, quantities={}, by=world.coordinator)

    settle = url("coord_round_settle", *_closed(world))
    confirmation = client.get(settle)
    assert confirmation.status_code == 200
    fund = confirmation.context["outcome"].fund_total
    assert fund == Order.objects.get(round=round).fund_share > 0
    text = confirmation.content.decode()
    assert f"Il contributo di {str(fund).replace('.', ',')}\u00a0€ va nel registro" in text
    assert "si può solo annullare il giro" in text
    assert client.post(settle).status_code == 200
    assert OrderRound.objects.get(pk=round.pk).state == OrderRound.State.DELIVERED
    assert not FundEntry.objects.filter(round=round).exists()
    assert client.post(settle, {"confirm": "yes"}).status_code == 302
    assert OrderRound.objects.get(pk=round.pk).state == OrderRound.State.SETTLED
    assert FundEntry.objects.get(round=round).amount == fund


def test_after_the_close_nothing_is_said_to_be_missing_to_a_case(client):
    """The coordinator's pages of a closed round say what was ordered, not what is missing
    to complete a case nobody can complete any more."""
    setup, round, _members = _open_round_with_orders(2)
    client.force_login(setup.coordinator)
    order_page = url("round", setup.group.slug, round.pk)
    coordination = url("coord_round", setup.group.slug, round.pk)
    assert "mancano 4 kg per completare la cassa" in client.get(order_page).content.decode()
    assert "Mancano 4 kg al prossimo collo" in client.get(coordination).content.decode()

    client.post(url("coord_round_close", setup.group.slug, round.pk), {"confirm": "yes"})
    text = client.get(order_page).content.decode()
    assert "per completare la cassa" not in text
    assert "per una nuova cassa" not in text
    assert "1 cassa ordinata al fornitore." in text
    assert "al prossimo collo" not in client.get(coordination).content.decode()


# --- While the round is open: each family's order, a later deadline (item 7) ------------------


def test_while_open_the_coordinator_sees_each_familys_order(client):
    setup, round, members = _open_round_with_orders(2)
    (first, _first_user), (second, second_user) = members
    services.order_set_quantity(
        round=round,
        family=second,
        round_product=round.products.get(),
        firm=D(2),
        by_user=second_user,
    )
    client.force_login(setup.coordinator)
    response = client.get(url("coord_round", setup.group.slug, round.pk))
    assert response.status_code == 200
    rows = {row.order.family_id: row for row in response.context["breakdown"]}
    assert set(rows) == {first.pk, second.pk}
    slips = {slip.family_id: slip.total for slip in round_documents(round).slips}
    assert {family_id: row.total for family_id, row in rows.items()} == slips
    assert rows[first.pk].products == rows[second.pk].products == 1
    last_changes = {
        family_id: OrderChange.objects.filter(family_id=family_id).latest("sequence").created_at
        for family_id in rows
    }
    assert {family_id: row.last_change_at for family_id, row in rows.items()} == last_changes
    assert rows[second.pk].last_change_at > rows[first.pk].last_change_at
    assert response.context["breakdown_total"] == sum(slips.values())
    text = response.content.decode()
    assert first.name in text and second.name in text
    assert "ultima modifica" in text


def test_no_family_sees_another_familys_order(client):
    """The breakdown is for the round's organisers: a member family gets 404 for it (as for
    a round it may not see), and its own pages show only its own order."""
    setup, round, members = _open_round_with_orders(2)
    (first, first_user), (second, second_user) = members
    services.order_set_quantity(
        round=round,
        family=second,
        round_product=round.products.get(),
        firm=D(3),
        by_user=second_user,
    )
    treasurer_family, treasurer = make_family(municipality=setup.municipality)
    GroupMembership.objects.create(group=setup.group, family=treasurer_family, is_treasurer=True)
    coordination = url("coord_round", setup.group.slug, round.pk)
    for user, other in ((first_user, second), (second_user, first)):
        client.force_login(user)
        assert client.get(coordination).status_code == 404
        own_page = client.get(url("round", setup.group.slug, round.pk))
        assert own_page.status_code == 200
        assert other.name not in own_page.content.decode()
        assert "family-breakdown" not in own_page.content.decode()
    client.force_login(treasurer)
    assert client.get(coordination).status_code == 200


def _count_open_round_page(client, families: int) -> int:
    setup, round, _members = _open_round_with_orders(families)
    client.force_login(setup.coordinator)
    path = url("coord_round", setup.group.slug, round.pk)
    client.get(path)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert len(response.context["breakdown"]) == families
    return len(queries)


def test_the_open_round_page_queries_do_not_grow_with_the_families(
    client, django_assert_max_num_queries
):
    assert _count_open_round_page(client, 2) == _count_open_round_page(client, 7)
    setup, round, _members = _open_round_with_orders(3)
    client.force_login(setup.coordinator)
    with django_assert_max_num_queries(18):
        assert client.get(url("coord_round", setup.group.slug, round.pk)).status_code == 200


def test_the_deadline_is_extended_from_the_round_page(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    setup, round, members = _open_round_with_orders(1)
    client.force_login(setup.coordinator)
    page = client.get(url("coord_round", setup.group.slug, round.pk))
    assert page.context["actions"]["extend"]
    later = (round.closes_at + dt.timedelta(days=1)).replace(second=0, microsecond=0)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("coord_round_extend", setup.group.slug, round.pk),
            {"extend-closes_at": local_input(later)},
        )
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.closes_at == later
    assert {m.to[0] for m in mailoutbox} == {setup.coordinator.email, members[0][1].email}


@pytest.mark.parametrize(
    ("typed", "status", "message"),
    [
        ("", 400, "obbligatorio"),
        ("domani sera", 400, "Scrivi data e ora"),
        ("2026-10-25T02:30", 400, "capitano due volte"),  # the hour that happens twice
        ("2026-10-22T11:00", 400, "nel futuro"),
        ("2026-10-23T20:00", 400, "dopo quella attuale (24/10/2026 20:00)"),
        ("2026-11-30T20:00", 400, "Il ritiro è martedì 27 ottobre 2026"),
    ],
)
def test_a_bad_new_deadline_is_refused_with_a_clear_message(
    client, monkeypatch, typed, status, message
):
    setup, round = _round_closing_on_saturday_24_october(monkeypatch)
    client.force_login(setup.coordinator)
    response = client.post(
        url("coord_round_extend", setup.group.slug, round.pk), {"extend-closes_at": typed}
    )
    assert response.status_code == status
    assert message in response.context["extend_form"].errors["closes_at"][0]
    assert message in page_text(response)
    assert OrderRound.objects.get(pk=round.pk).closes_at == rome(2026, 10, 24, 20)


def test_a_deadline_typed_across_the_change_to_winter_time_is_read_in_rome(client, monkeypatch):
    setup, round = _round_closing_on_saturday_24_october(monkeypatch)
    client.force_login(setup.coordinator)
    response = client.post(
        url("coord_round_extend", setup.group.slug, round.pk),
        {"extend-closes_at": "2026-10-26T20:00"},
    )
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.closes_at == dt.datetime(2026, 10, 26, 19, tzinfo=dt.UTC)  # CET, not CEST


def test_a_closed_round_is_not_extended(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        url("coord_round_extend", *_closed(world)), {"extend-closes_at": "2030-01-10T20:00"}
    )
    assert response.status_code == 409
    assert "si proroga solo un giro aperto" in response.content.decode()


def _round_closing_on_saturday_24_october(monkeypatch):
    """A round closing on Saturday 24 October 2026 at 20:00 (CEST), seen on the Thursday."""
    monkeypatch.setattr(timezone, "now", lambda: DURING)
    setup = make_group()
    supplier = make_supplier(setup)
    product = make_product(supplier)
    round = make_round(
        setup,
        supplier,
        [product],
        closes_at=rome(2026, 10, 24, 20),
        pickup_date=dt.date(2026, 10, 27),
    )
    return setup, round


def test_the_question_is_asked_in_english_too(client):
    setup, round, _members = _open_round_with_orders(2)
    client.force_login(setup.coordinator)
    response = client.get(
        url("coord_round_close", setup.group.slug, round.pk), HTTP_ACCEPT_LANGUAGE="en"
    )
    text = page_text(response)
    assert "Close “Giro di prova” now?" in text
    assert "2 families have ordered; with the cases as they are now, 2 receive something." in text
    assert "The supplier receives nothing yet" in text


def test_the_questions_queries_do_not_grow_with_the_families(client):
    def count(families: int, action: str) -> int:
        setup, round, _members = _open_round_with_orders(families)
        client.force_login(setup.coordinator)
        if action != "close":
            services.round_close(round=round, by=setup.coordinator)
            services.round_send_to_supplier(round=round, by=setup.coordinator)
            services.delivery_record(round=round, quantities={}, by=setup.coordinator)
        path = url(f"coord_round_{action}", setup.group.slug, round.pk)
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    for action in ("close", "settle"):
        assert count(2, action) == count(6, action), action
