"""The purchase groups' API: rounds, pooled products, the catalogue, my orders (read and
set), a round's orders for its organisers; permissions, errors and the OpenAPI schema."""

from __future__ import annotations

from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from gaf import services
from gaf.models import OrderChange, OrderLine, RoundProduct
from hub import services as hub_services
from tests.gaf.factories import (
    make_group,
    make_member,
    make_orchard_catalogue,
    make_product,
    make_round,
    make_supplier,
    rome,
)

pytestmark = pytest.mark.django_db

D = Decimal
DURING = rome(2026, 10, 22, 12)
LAST_SECOND = rome(2026, 10, 25, 19, 59, 59)
TOO_LATE = rome(2026, 10, 25, 20, 0, 1)


@pytest.fixture
def now(monkeypatch):
    moment = {"now": DURING}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    return moment


@pytest.fixture
def catalogue(setup):
    return make_orchard_catalogue(setup)


@pytest.fixture
def round(setup, catalogue, now):
    supplier, apples, eggs = catalogue
    return make_round(setup, supplier, [apples, eggs], title="Giro delle mele")


def _client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _rp(round, product) -> RoundProduct:
    return RoundProduct.objects.get(round=round, product=product)


def _order(round, family, user, product, firm, tolerance="0"):
    return services.order_set_quantity(
        round=round,
        family=family,
        round_product=_rp(round, product),
        firm=firm,
        tolerance=tolerance,
        by_user=user,
    )


# --- Rounds ---------------------------------------------------------------------------------


def test_rounds_lists_the_users_groups_rounds(setup, catalogue, round, people):
    supplier, apples, _eggs = catalogue
    draft = make_round(setup, supplier, [apples], title="Bozza", open_it=False)
    url = reverse("api:gaf-rounds")
    member_ids = [r["id"] for r in _client(people["member"]).get(url).json()["results"]]
    assert member_ids == [round.pk]
    coordinator = _client(people["coordinator"]).get(url).json()["results"]
    assert {r["id"] for r in coordinator} == {round.pk, draft.pk}
    assert _client(people["other_group_member"]).get(url).json()["results"] == []
    first = _client(people["member"]).get(url).json()["results"][0]
    assert first["group"] == {"slug": setup.group.slug, "name": setup.group.name}
    assert first["closes_at"] == "2026-10-25T20:00:00+01:00"
    assert first["url"].endswith(f"/gaf/{setup.group.slug}/giri/{round.pk}/")
    assert _client(people["member"]).get(url, {"state": "closed"}).json()["results"] == []
    bad = _client(people["member"]).get(url, {"state": "perso"})
    assert bad.status_code == 400
    assert "state" in bad.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member", 200),
        ("coordinator", 200),
        ("non_member", 404),
        ("other_group_member", 404),
        ("anonymous", 401),
    ],
)
def test_round_and_products_access(round, people, who, status):
    for name in ("api:gaf-round", "api:gaf-round-products"):
        response = _client(people[who]).get(reverse(name, args=[round.pk]))
        assert response.status_code == status, name
        if status != 200:
            assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_round_products_with_pool_and_family(setup, catalogue, round, member):
    _supplier, apples, _eggs = catalogue
    family, user = member
    other_family, other_user = make_member(setup)
    _order(round, family, user, apples, "2")
    _order(round, other_family, other_user, apples, "22", "1")
    response = _client(user).get(reverse("api:gaf-round-products", args=[round.pk]))
    assert response.status_code == 200
    apple = next(item for item in response.json() if item["product"]["code"] == "MELE")
    assert apple["product"]["unit_price"] == "2.4000"
    assert apple["product"]["case_size"] == "6.000"
    assert apple["product"]["price_tiers"] == [{"min_quantity": "30.000", "unit_price": "2.1000"}]
    assert apple["pool"]["firm"] == "24.000"
    assert apple["pool"]["tolerance"] == "1.000"
    assert apple["pool"]["full_cases"] == 4
    assert apple["pool"]["missing_to_next_case"] == "6.000"
    assert apple["pool"]["next_tier"] == {"min_quantity": "30.000", "unit_price": "2.1000"}
    assert apple["pool"]["missing_to_next_tier"] == "6.000"
    assert apple["family"] == {"firm": "2.000", "tolerance": "0.000", "would_receive": "2.000"}
    eggs = next(item for item in response.json() if item["product"]["code"] == "UOVA")
    assert eggs["pool"]["full_cases"] is None
    assert eggs["pool"]["remaining"] == "10.000"


def test_catalogue_is_the_networks_suppliers(setup, catalogue, people):
    other = make_group()
    make_product(make_supplier(other), name="Formaggio di un'altra rete")
    names = [
        p["name"]
        for p in _client(people["member"]).get(reverse("api:gaf-products")).json()["results"]
    ]
    assert names == ["Mele renette", "Uova"]
    assert _client(people["non_member"]).get(reverse("api:gaf-products")).json()["results"] == []
    assert _client(None).get(reverse("api:gaf-products")).status_code == 401


# --- My orders ------------------------------------------------------------------------------


def test_my_orders_shows_only_my_familys_orders(setup, catalogue, round, member):
    _supplier, apples, _eggs = catalogue
    family, user = member
    other_family, other_user = make_member(setup, name="Famiglia Verdi")
    mine = _order(round, family, user, apples, "3").order
    _order(round, other_family, other_user, apples, "4")
    body = _client(user).get(reverse("api:gaf-orders-mine")).json()
    assert [order["id"] for order in body["results"]] == [mine.pk]
    assert body["results"][0]["lines"][0]["firm"] == "3.000"
    assert "Famiglia Verdi" not in str(body)
    filtered = _client(user).get(reverse("api:gaf-orders-mine"), {"round": round.pk}).json()
    assert len(filtered["results"]) == 1


def _put(user, round, lines, **extra):
    return _client(user).put(
        reverse("api:gaf-orders-mine"), {"round": round.pk, "lines": lines, **extra}, format="json"
    )


def test_set_quantities_then_change_them(catalogue, round, member, now):
    _supplier, apples, eggs = catalogue
    _family, user = member
    apple_rp, egg_rp = _rp(round, apples), _rp(round, eggs)
    response = _put(
        user,
        round,
        [
            {"round_product": apple_rp.pk, "firm": "4", "tolerance": "2"},
            {"round_product": egg_rp.pk, "firm": "6"},
        ],
        pickup_point=round.pickup_points.get().pk,
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert {line["product_name"]: line["firm"] for line in body["lines"]} == {
        "Mele renette": "4.000",
        "Uova": "6.000",
    }
    assert body["pickup_point"]["id"] == round.pickup_points.get().pk
    # POST does the same; the last second of the DST day is in time.
    now["now"] = LAST_SECOND
    response = _client(user).post(
        reverse("api:gaf-orders-mine"),
        {"round": round.pk, "lines": [{"round_product": apple_rp.pk, "firm": "1.5"}]},
        format="json",
    )
    assert response.status_code == 200
    assert OrderLine.objects.get(round_product=apple_rp).firm == D("1.5")
    assert OrderLine.objects.get(round_product=egg_rp).firm == D("6")


def test_set_after_the_deadline_is_409_and_saves_nothing(catalogue, round, member, now):
    _supplier, apples, _eggs = catalogue
    _family, user = member
    now["now"] = TOO_LATE
    response = _put(user, round, [{"round_product": _rp(round, apples).pk, "firm": "6"}])
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "deadline_passed"
    assert "25/10/2026 20:00" in error["message"]
    assert not OrderChange.objects.exists()
    services.round_close(round=round, now=TOO_LATE)
    response = _put(user, round, [{"round_product": _rp(round, apples).pk, "firm": "6"}])
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "round_not_open"


@pytest.mark.parametrize(
    ("lines", "field", "message"),
    [
        ([("apples", "-1")], "lines.0.firm", "non può essere negativa"),
        ([("apples", "2.3")], "lines.0.firm", "multipli di 0,5 kg"),
        ([("apples", "due")], "lines.0.firm", "non è una quantità"),
        ([("apples", "2"), ("eggs", "12")], "lines.1.firm", "disponibilità massima è 10 pz"),
        ([("eggs", "2", "1")], "lines.0.tolerance", "solo ai prodotti venduti a colli"),
    ],
)
def test_bad_quantities_are_400_with_fields_and_nothing_saved(
    catalogue, round, member, lines, field, message
):
    _supplier, apples, eggs = catalogue
    products = {"apples": _rp(round, apples), "eggs": _rp(round, eggs)}
    payload = [
        {"round_product": products[name].pk, "firm": firm, "tolerance": rest[0] if rest else "0"}
        for name, firm, *rest in lines
    ]
    response = _put(member[1], round, payload)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert message in error["fields"][field][0]
    assert not OrderChange.objects.exists()


def test_set_needs_a_family_and_a_visible_round(setup, catalogue, round, people, django_user_model):
    _supplier, apples, _eggs = catalogue
    line = [{"round_product": _rp(round, apples).pk, "firm": "2"}]
    assert _put(people["other_group_member"], round, line).status_code == 404
    assert _put(people["non_member"], round, line).status_code == 404
    lonely = django_user_model.objects.create_user("sola@example.org", "x-password-1")
    assert _put(lonely, round, line).status_code == 403
    assert _put(None, round, line).status_code == 401
    malformed = _client(people["member"]).put(
        reverse("api:gaf-orders-mine"), {"round": round.pk, "lines": []}, format="json"
    )
    assert malformed.status_code == 400
    assert "lines" in malformed.json()["error"]["fields"]
    foreign_point = make_group().pickup_point
    response = _put(people["member"], round, line, pickup_point=foreign_point.pk)
    assert response.status_code == 400
    assert "pickup_point" in response.json()["error"]["fields"]
    assert not OrderChange.objects.exists()


def test_personal_api_token_can_order(catalogue, round, member):
    _supplier, apples, _eggs = catalogue
    _family, user = member
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    _token, secret = hub_services.api_token_create(user=user, name="App di casa")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = client.put(
        reverse("api:gaf-orders-mine"),
        {"round": round.pk, "lines": [{"round_product": _rp(round, apples).pk, "firm": "2"}]},
        format="json",
    )
    assert response.status_code == 200


# --- A round's orders (organisers) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("member", 403),
        ("non_member", 404),
        ("other_group_member", 404),
        ("anonymous", 401),
    ],
)
def test_round_orders_are_for_organisers(catalogue, round, member, people, who, status):
    _supplier, apples, _eggs = catalogue
    _order(round, member[0], member[1], apples, "3")
    response = _client(people[who]).get(reverse("api:gaf-round-orders", args=[round.pk]))
    assert response.status_code == status
    if status == 200:
        results = response.json()["results"]
        assert [order["family"]["name"] for order in results] == ["Famiglia Rossi"]
        assert results[0]["lines"][0]["firm"] == "3.000"


# --- Closing a round (coordinators) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("member", 403),
        ("non_member", 404),
        ("other_group_member", 404),
        ("anonymous", 401),
    ],
)
def test_a_round_is_closed_by_its_coordinators_only(catalogue, round, member, people, who, status):
    _supplier, apples, _eggs = catalogue
    _order(round, member[0], member[1], apples, "6")
    response = _client(people[who]).post(reverse("api:gaf-round-close", args=[round.pk]))
    assert response.status_code == status
    round.refresh_from_db()
    assert round.state == ("closed" if status == 200 else "open")
    if status == 200:
        assert response.json()["state"] == "closed"


def test_closing_a_round_that_is_not_open_is_a_409_with_its_code(setup, round):
    client = _client(setup.coordinator)
    close = reverse("api:gaf-round-close", args=[round.pk])
    assert client.post(close).status_code == 200
    response = client.post(close)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "round_not_open"
    assert "si chiude solo un giro aperto" in error["message"]


# --- Schema ---------------------------------------------------------------------------------


def test_round_lists_queries_do_not_grow_with_families(setup, catalogue, round):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.gaf.factories import bulk_members

    _supplier, apples, eggs = catalogue

    def order_and_count(families: int) -> tuple[int, int]:
        for family in bulk_members(setup, families):
            services.order_set_quantities(
                round=round,
                family=family,
                lines=[
                    services.LineInput(_rp(round, apples), "1"),
                    services.LineInput(_rp(round, eggs), "0"),
                ],
                by_user=setup.coordinator,
            )
        counts = []
        for name in ("api:gaf-round-orders", "api:gaf-round-products"):
            # A fresh user object: gaf.rules caches memberships on it for one request.
            client = _client(type(setup.coordinator).objects.get(pk=setup.coordinator.pk))
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name, args=[round.pk])).status_code == 200
            counts.append(len(queries))
        return tuple(counts)

    assert order_and_count(2) == order_and_count(8)
