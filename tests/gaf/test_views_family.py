"""The families' GAF pages: groups, the round's order page, my orders, receipts, balance,
notification preferences and the profile section; who may see what, and the order flow."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gaf import services
from gaf.models import (
    GroupJoinRequest,
    Order,
    OrderChange,
    OrderLine,
    RoundProduct,
)
from gaf.notifications import NotificationKind
from gaf.presenters import family_estimate, profile_groups_context
from hub.models import NotificationPreference as HubPreference
from hub.notifications.registry import registered_kinds
from tests.gaf.factories import (
    bulk_members,
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
# 25 October 2026, the day clocks go back: the round closes at 20:00 CET.
LAST_SECOND = rome(2026, 10, 25, 19, 59, 59)
TOO_LATE = rome(2026, 10, 25, 20, 0, 1)


class Clock:
    """timezone.now(), set by the test: the services and views read the time through it."""

    def __init__(self, monkeypatch, now):
        self.now = now
        monkeypatch.setattr(timezone, "now", lambda: self.now)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, DURING)


@pytest.fixture
def catalogue(setup):
    return make_orchard_catalogue(setup, apple_minimum=D("1"))


@pytest.fixture
def round(setup, catalogue):
    supplier, apples, eggs = catalogue
    return make_round(setup, supplier, [apples, eggs], title="Giro delle mele")


def _rp(round, product) -> RoundProduct:
    return RoundProduct.objects.get(round=round, product=product)


def _get(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def _round_url(round):
    return reverse("gaf:round", kwargs={"group_slug": round.group.slug, "round_id": round.pk})


def _basket(round, catalogue, *, apples="", apples_tolerance="", eggs="", pickup=None):
    _supplier, apple_product, egg_product = catalogue
    apple_rp, egg_rp = _rp(round, apple_product), _rp(round, egg_product)
    return {
        f"firm_{apple_rp.pk}": apples,
        f"tolerance_{apple_rp.pk}": apples_tolerance,
        f"firm_{egg_rp.pk}": eggs,
        "pickup_point": pickup or round.pickup_points.get().pk,
    }


def _order_quantity(round, family, product):
    line = OrderLine.objects.filter(
        order__round=round, order__family=family, round_product__product=product
    ).first()
    return None if line is None else (line.firm, line.tolerance)


# --- Groups ---------------------------------------------------------------------------------


def test_index_lists_groups_with_the_familys_own_first(client, setup, member):
    other = make_group()
    services.pickup_point_create(group=other.group, name="Piazza del mercato", by=other.coordinator)
    response = _get(client, member[1], reverse("gaf:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(setup.group.name) < html.index(other.group.name)
    assert "I tuoi gruppi" in html
    assert "Piazza del mercato" in html


def test_index_is_public_but_pickup_points_are_for_signed_in_people(client, setup):
    response = _get(client, None, reverse("gaf:index"))
    assert response.status_code == 200
    assert setup.group.name in response.content.decode()
    assert setup.pickup_point.name not in response.content.decode()


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_index_queries_do_not_grow_with_groups_or_families(client, setup, member):
    client.force_login(member[1])
    url = reverse("gaf:index")
    for _ in range(2):
        make_group()
    few = _count_queries(client, url)
    for _ in range(10):
        extra = make_group()
        services.pickup_point_create(group=extra.group, name="Biblioteca", by=extra.coordinator)
        bulk_members(extra, 5)
    assert _count_queries(client, url) == few


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member", 200),
        ("coordinator", 200),
        ("non_member", 200),
        ("other_group_member", 200),
        ("anonymous", 302),
    ],
)
def test_group_page_access(client, setup, people, round, clock, who, status):
    response = _get(client, people[who], reverse("gaf:group", args=[setup.group.slug]))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")
        return
    html = response.content.decode()
    assert setup.group.name in html
    # Only members see the group's rounds; the others see how to join.
    assert ("Giro delle mele" in html) is (who in {"member", "coordinator"})
    assert ("Chiedi di entrare" in html) is (who in {"non_member", "other_group_member"})


def test_unknown_group_is_404(client, member):
    assert _get(client, member[1], reverse("gaf:group", args=["nessuno"])).status_code == 404


def test_join_request(client, setup, people, django_capture_on_commit_callbacks):
    client.force_login(people["non_member"])
    url = reverse("gaf:group_join", args=[setup.group.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"message": "Abitiamo vicino all'oratorio."})
    assert response.status_code == 302
    request = GroupJoinRequest.objects.get(group=setup.group)
    assert request.status == "pending"
    assert request.message == "Abitiamo vicino all'oratorio."
    page = client.get(reverse("gaf:group", args=[setup.group.slug])).content.decode()
    assert "Richiesta in attesa" in page
    # A second request while the first waits: refused with the service's message.
    response = client.post(url, {"message": "Di nuovo"})
    assert response.status_code == 400
    assert "già una richiesta in attesa" in response.content.decode()
    assert GroupJoinRequest.objects.filter(group=setup.group).count() == 1


def test_join_without_family_goes_to_create_one(client, setup, django_user_model):
    user = django_user_model.objects.create_user("senza.famiglia@example.org", "x-password-1")
    client.force_login(user)
    page = client.get(reverse("gaf:group", args=[setup.group.slug])).content.decode()
    assert reverse("family_edit") in page
    response = client.post(reverse("gaf:group_join", args=[setup.group.slug]), {"message": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("family_edit")
    assert not GroupJoinRequest.objects.exists()


def test_member_posting_join_is_sent_back(client, setup, member):
    client.force_login(member[1])
    response = client.post(reverse("gaf:group_join", args=[setup.group.slug]), {})
    assert response.status_code == 302
    assert not GroupJoinRequest.objects.exists()


# --- The round page -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member", 200),
        ("coordinator", 200),
        ("non_member", 404),
        ("other_group_member", 404),
        ("anonymous", 302),
    ],
)
def test_round_page_access(client, people, round, clock, who, status):
    response = _get(client, people[who], _round_url(round))
    assert response.status_code == status
    # The short link used in e-mails answers the same way.
    short = _get(client, people[who], reverse("gaf:round_detail", args=[round.pk]))
    assert short.status_code == (302 if status != 404 else 404)
    if status == 200:
        assert short["Location"] == _round_url(round)


def test_round_under_another_groups_slug_is_404(client, setup, member, round, clock):
    other = make_group()
    client.force_login(member[1])
    url = reverse("gaf:round", kwargs={"group_slug": other.group.slug, "round_id": round.pk})
    assert client.get(url).status_code == 404


def test_draft_round_only_for_coordinators(client, setup, catalogue, people, clock):
    supplier, apples, _eggs = catalogue
    draft = make_round(setup, supplier, [apples], open_it=False)
    assert _get(client, people["member"], _round_url(draft)).status_code == 404
    assert _get(client, people["coordinator"], _round_url(draft)).status_code == 200


def test_round_page_shows_the_pool(client, setup, catalogue, round, member, clock):
    _supplier, apples, _eggs = catalogue
    family, user = member
    other_family, other_user = make_member(setup, name="Famiglia Bianchi")
    apple_rp = _rp(round, apples)
    services.order_set_quantity(
        round=round, family=family, round_product=apple_rp, firm="2", by_user=user
    )
    services.order_set_quantity(
        round=round,
        family=other_family,
        round_product=apple_rp,
        firm="22",
        tolerance="1",
        by_user=other_user,
    )
    client.force_login(user)
    response = client.get(_round_url(round))
    assert response.status_code == 200
    html = response.content.decode()
    # 24 kg = 4 full cases; the next tier starts at 30 kg.
    assert "Il gruppo ne ha ordinati 24 kg" in html
    assert "4 casse complete" in html
    assert "da 30 kg: 2,10 €/kg" in html
    assert "Prossimo sconto: da 30 kg 2,10 €/kg, mancano 6 kg." in html
    assert "Se il giro chiudesse ora riceveresti 2 kg." in html
    # The form: the family's quantities, steps and limits for a phone keyboard.
    assert f'name="firm_{apple_rp.pk}"' in html
    assert 'step="0.5"' in html
    assert 'inputmode="decimal"' in html
    assert 'max="10"' in html  # the eggs' maximum
    assert 'aria-live="polite"' in html

    # A case started: a progress bar with its value and text.
    services.order_set_quantity(
        round=round, family=family, round_product=apple_rp, firm="4", by_user=user
    )
    html = client.get(_round_url(round)).content.decode()
    assert 'aria-valuenow="2.000"' in html
    assert 'aria-valuemax="6.000"' in html
    assert 'aria-valuetext="mancano 4 kg per completare la cassa"' in html


def test_round_page_gives_its_live_client_the_figures_it_shows(
    client, setup, catalogue, round, member, clock
):
    """The data the live client starts from (frontend/src/gaf-round.js) are the page's own
    figures, at the page's change number; the bar shows the family's running total."""
    _supplier, apples, eggs = catalogue
    family, user = member
    other_family, other_user = make_member(setup, name="Famiglia Bianchi")
    apple_rp, egg_rp = _rp(round, apples), _rp(round, eggs)
    services.order_set_quantities(
        round=round,
        family=family,
        lines=[services.LineInput(apple_rp, "2"), services.LineInput(egg_rp, "3")],
        by_user=user,
    )
    services.order_set_quantity(
        round=round, family=other_family, round_product=apple_rp, firm="28", by_user=other_user
    )
    client.force_login(user)
    html = client.get(_round_url(round)).content.decode()
    found = re.search(
        r'<script id="gaf-round-data" type="application/json">(.*?)</script>', html, re.DOTALL
    )
    data = json.loads(found.group(1))
    assert data["version"] == 3
    assert f'data-gaf-sequence="{data["version"]}"' in html
    apple = data["pools"][str(apple_rp.pk)]
    # 30 kg pooled: the tier of 2,10 €/kg is reached, 5 full cases.
    assert (D(apple["firm"]), apple["full_cases"], D(apple["unit_price"])) == (30, 5, D("2.10"))
    assert data["products"][str(egg_rp.pk)]["unit"] == {"one": "pz", "many": "pz"}
    assert data["strings"]["pooled"] == "Il gruppo ne ha ordinati %(firm)s %(unit)s"
    assert data["format"] == {"decimal": ",", "thousands": ".", "grouping": 3}
    mine = data["family"]
    assert D(mine["lines"][str(apple_rp.pk)]["receive"]) == 2
    # 2 kg × 2,10 € + 3 eggs × 0,45 € = 5,55 €, and 2 % for the fund (0,111 → 0,11).
    assert mine["basket"] == "5.66"
    assert 'id="gaf-running-total">5,66</strong>' in html
    assert D(mine["bill"]["total"]) == family_estimate(round, family).total


def _order_everywhere(setup, round, products, families: int):
    """`families` member families, each ordering every product."""
    for family in bulk_members(setup, families):
        user = family.memberships.get().user
        services.order_set_quantities(
            round=round,
            family=family,
            lines=[services.LineInput(rp, "1", "0") for rp in products],
            by_user=user,
        )


def test_round_page_queries_do_not_grow_with_families_or_products(client, setup, member, clock):
    supplier = make_supplier(setup)
    few_products = [make_product(supplier, case_size=D("6")) for _ in range(3)]
    many_products = [make_product(supplier, case_size=D("6")) for _ in range(30)]
    small = make_round(setup, supplier, few_products, title="Piccolo")
    large = make_round(setup, supplier, many_products, title="Grande")
    _order_everywhere(setup, small, list(small.products.all()), 3)
    _order_everywhere(setup, large, list(large.products.all()), 30)
    family, user = member
    for round in (small, large):
        services.order_set_quantity(
            round=round,
            family=family,
            round_product=round.products.first(),
            firm="2",
            by_user=user,
        )
    client.force_login(user)
    assert _count_queries(client, _round_url(small)) == _count_queries(client, _round_url(large))


# --- The order flow -------------------------------------------------------------------------


def test_order_flow(client, setup, catalogue, round, member, clock):
    _supplier, apples, eggs = catalogue
    family, user = member
    client.force_login(user)
    url = _round_url(round)

    response = client.post(url, _basket(round, catalogue, apples="4", apples_tolerance="1"))
    assert response.status_code == 302
    assert _order_quantity(round, family, apples) == (D("4"), D("1"))
    assert _order_quantity(round, family, eggs) is None
    page = client.get(url).content.decode()
    assert "Ordine salvato." in page
    assert 'value="4"' in page

    # Change the basket: fewer apples, no tolerance, some eggs.
    response = client.post(url, _basket(round, catalogue, apples="3", eggs="6"))
    assert response.status_code == 302
    assert _order_quantity(round, family, apples) == (D("3"), D("0"))
    assert _order_quantity(round, family, eggs) == (D("6"), D("0"))
    assert OrderChange.objects.filter(round=round, family=family).count() == 3

    # If the round closed now, 3 kg of apples would not fill a 6 kg case: only the eggs,
    # 6 × 0.45 = 2.70, and 2% of it to the fund, 0.05.
    page = client.get(url).content.decode()
    assert "Se il giro chiudesse ora riceveresti 0 kg." in page
    assert "2,70" in page
    assert "0,05" in page
    assert "2,75" in page
    # With a full case: 6 × 2.40 + 2.70 = 17.10, fund 0.34, total 17.44.
    client.post(url, _basket(round, catalogue, apples="6", eggs="6"))
    page = client.get(url).content.decode()
    assert "Se il giro chiudesse ora riceveresti 6 kg." in page
    assert "17,44" in page

    # The last second of the daylight-saving day is still in time.
    clock.now = LAST_SECOND
    response = client.post(url, _basket(round, catalogue, apples="5", eggs="6"))
    assert response.status_code == 302
    assert _order_quantity(round, family, apples) == (D("5"), D("0"))


def test_order_after_the_deadline_is_refused_and_nothing_saved(
    client, catalogue, round, member, clock
):
    _supplier, apples, _eggs = catalogue
    family, user = member
    client.force_login(user)
    url = _round_url(round)
    client.post(url, _basket(round, catalogue, apples="2"))
    # The page was opened in time; the basket arrives after 20:00 (the scheduler has not
    # closed the round yet): the service refuses it.
    clock.now = TOO_LATE
    changes = OrderChange.objects.count()
    response = client.post(url, _basket(round, catalogue, apples="6"))
    assert response.status_code == 409
    assert "Gli ordini si sono chiusi il 25/10/2026 20:00" in response.content.decode()
    assert _order_quantity(round, family, apples) == (D("2"), D("0"))
    assert OrderChange.objects.count() == changes
    # Once the round is closed the page has no form, and a post is still refused.
    services.round_close(round=round, now=TOO_LATE)
    page = client.get(url)
    assert page.status_code == 200
    assert "Salva l&#x27;ordine" not in page.content.decode()
    assert client.post(url, _basket(round, catalogue, apples="6")).status_code == 409


@pytest.mark.parametrize(
    ("basket", "field", "message"),
    [
        ({"apples": "-1"}, "apples", "maggiore o uguale a 0"),
        ({"apples": "2.3"}, "apples", "si ordina a multipli di 0,5 kg"),
        ({"apples": "0.5"}, "apples", "il minimo per famiglia è 1 kg"),
        ({"apples": "abc"}, "apples", "Inserisci un numero"),
        ({"eggs": "12"}, "eggs", "la disponibilità massima è 10 pz"),
        ({"apples": "2", "eggs": "1.5"}, "eggs", "si ordina a multipli di 1 pz"),
    ],
)
def test_bad_quantities_are_400_and_nothing_is_saved(
    client, catalogue, round, member, clock, basket, field, message
):
    family, user = member
    client.force_login(user)
    response = client.post(_round_url(round), _basket(round, catalogue, **basket))
    assert response.status_code == 400
    form = response.context["form"]
    _supplier, apples, eggs = catalogue
    product = apples if field == "apples" else eggs
    errors = " ".join(form.errors[f"firm_{_rp(round, product).pk}"])
    assert message in errors
    assert not Order.objects.filter(family=family).exists()
    assert not OrderChange.objects.exists()


def test_tolerance_on_a_product_not_sold_by_case_is_ignored(
    client, catalogue, round, member, clock
):
    family, user = member
    client.force_login(user)
    data = _basket(round, catalogue, eggs="2")
    _supplier, _apples, eggs = catalogue
    data[f"tolerance_{_rp(round, eggs).pk}"] = "3"
    assert client.post(_round_url(round), data).status_code == 302
    assert _order_quantity(round, family, eggs) == (D("2"), D("0"))


def test_pickup_point_of_another_group_is_refused(client, catalogue, round, member, clock):
    other = make_group()
    client.force_login(member[1])
    response = client.post(
        _round_url(round), _basket(round, catalogue, apples="2", pickup=other.pickup_point.pk)
    )
    assert response.status_code == 400
    assert not OrderChange.objects.exists()


def test_coordinator_without_membership_post_is_forbidden(client, round, catalogue, clock):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("capo@example.org", "x-password-1")
    client.force_login(admin)
    assert client.get(_round_url(round)).status_code == 200
    response = client.post(_round_url(round), _basket(round, catalogue, apples="2"))
    assert response.status_code == 403


# --- My orders, order detail, receipt -------------------------------------------------------


def test_my_orders_and_order_detail(client, setup, catalogue, round, member, people, clock):
    _supplier, apples, _eggs = catalogue
    family, user = member
    other_family, other_user = make_member(setup, name="Famiglia Verdi")
    mine = services.order_set_quantity(
        round=round, family=family, round_product=_rp(round, apples), firm="3", by_user=user
    ).order
    theirs = services.order_set_quantity(
        round=round,
        family=other_family,
        round_product=_rp(round, apples),
        firm="4",
        by_user=other_user,
    ).order

    client.force_login(user)
    listing = client.get(reverse("gaf:my_orders"))
    assert listing.status_code == 200
    assert reverse("gaf:order", args=[mine.pk]) in listing.content.decode()
    assert reverse("gaf:order", args=[theirs.pk]) not in listing.content.decode()

    detail = client.get(reverse("gaf:order", args=[mine.pk]))
    assert detail.status_code == 200
    assert "Famiglia Rossi" in detail.content.decode()
    # Guessing another family's order: 404, never its content.
    for name in ("gaf:order", "gaf:order_receipt"):
        response = client.get(reverse(name, args=[theirs.pk]))
        assert response.status_code == 404
        assert b"Famiglia Verdi" not in response.content


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member", 200),
        ("coordinator", 200),
        ("non_member", 404),
        ("other_group_member", 404),
        ("anonymous", 302),
    ],
)
def test_order_detail_access(client, catalogue, round, member, people, clock, who, status):
    _supplier, apples, _eggs = catalogue
    family, user = member
    order = services.order_set_quantity(
        round=round, family=family, round_product=_rp(round, apples), firm="3", by_user=user
    ).order
    assert _get(client, people[who], reverse("gaf:order", args=[order.pk])).status_code == status


def test_receipt_after_close(client, setup, catalogue, round, member, clock):
    _supplier, apples, _eggs = catalogue
    family, user = member
    order = services.order_set_quantity(
        round=round, family=family, round_product=_rp(round, apples), firm="6", by_user=user
    ).order
    client.force_login(user)
    receipt_url = reverse("gaf:order_receipt", args=[order.pk])
    assert client.get(receipt_url).status_code == 404  # not closed yet
    services.round_close(round=round, now=TOO_LATE)
    clock.now = TOO_LATE
    detail = client.get(reverse("gaf:order", args=[order.pk])).content.decode()
    assert "Assegnato" in detail
    assert "14,69" in detail  # 6 kg × 2.40 = 14.40 + 2% = 0.29
    response = client.get(receipt_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_my_orders_without_family(client, django_user_model):
    user = django_user_model.objects.create_user("sola@example.org", "x-password-1")
    client.force_login(user)
    response = client.get(reverse("gaf:my_orders"))
    assert response.status_code == 200
    assert reverse("family_edit") in response.content.decode()


def test_my_orders_requires_login(client):
    response = client.get(reverse("gaf:my_orders"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Balance --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member", 200),
        ("coordinator", 200),
        ("non_member", 404),
        ("other_group_member", 404),
        ("anonymous", 302),
    ],
)
def test_balance_access(client, setup, people, who, status):
    url = reverse("gaf:balance", args=[setup.group.slug])
    assert _get(client, people[who], url).status_code == status


def test_balance_shows_payments_charges_and_prepaid_credit(client, catalogue, member, clock):
    setup = make_group(prepaid_mode=True)
    supplier = make_supplier(setup)
    product = make_product(supplier, unit_price=D("5.00"))
    round = make_round(setup, supplier, [product])
    family, user = make_member(setup, name="Famiglia Prepagata")
    services.payment_record(
        group=setup.group,
        family=family,
        amount=D("50.00"),
        method="cash",
        paid_on=dt.date(2026, 10, 21),
        reference="Ricevuta 7",
        by=setup.coordinator,
    )
    services.order_set_quantity(
        round=round, family=family, round_product=round.products.get(), firm="2", by_user=user
    )
    client.force_login(user)
    html = client.get(reverse("gaf:balance", args=[setup.group.slug])).content.decode()
    assert "50,00" in html
    assert "Ricevuta 7" in html
    # Available credit: 50 − 2 × 5.00 × 1.02 = 39.80.
    assert "39,80" in html
    services.round_close(round=round, now=TOO_LATE)
    clock.now = TOO_LATE
    html = client.get(reverse("gaf:balance", args=[setup.group.slug])).content.decode()
    assert "Giro: Giro di prova" in html
    assert "-10,20" in html
    assert "39,80" in html


# --- Notification preferences ---------------------------------------------------------------


def test_the_gaf_e_mails_are_chosen_in_the_notification_centre(client, member):
    """The GAF's seven kinds are on the centre's choices page, e-mail at once by default; a
    family turns one to the inbox only, everywhere or in one group."""
    _family, user = member
    client.force_login(user)
    old = client.get(reverse("gaf:notifications"))
    assert old.status_code == 301
    assert old["Location"] == reverse("notification_preferences")
    url = reverse("notification_preferences")
    html = client.get(url).content.decode()
    for kind in NotificationKind:
        select = re.search(rf'<select name="gaf.{kind.value}\|".*?</select>', html, re.DOTALL)
        assert '<option value="email" selected>' in select.group(0), kind
    assert "Gruppi d&#x27;acquisto: 24 ore alla chiusura" in html
    assert "Gruppi d&#x27;acquisto: proroga della chiusura di un giro" in html

    choices = {f"{kind.code}|": kind.default for kind in registered_kinds()}
    response = client.post(url, {**choices, "gaf.closing_2h|": "inbox"})
    assert response.status_code == 302
    assert list(HubPreference.objects.filter(user=user).values_list("kind", "delivery")) == [
        ("gaf.closing_2h", "inbox")
    ]


def test_notifications_require_login(client):
    response = client.get(reverse("gaf:notifications"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Profile section ------------------------------------------------------------------------


def test_profile_section(setup, round, member, clock):
    _family, user = member
    request = RequestFactory().get("/account/profilo/")
    request.user = user
    context = profile_groups_context(request)
    assert [group.pk for group in context["gaf_groups"]] == [setup.group.pk]
    assert [r.pk for r in context["gaf_open_rounds"]] == [round.pk]
    html = render_to_string("gaf/profile_groups.html", context, request=request)
    assert "Giro delle mele" in html
    assert _round_url(round) in html


def test_profile_section_without_groups(people):
    request = RequestFactory().get("/account/profilo/")
    request.user = people["non_member"]
    context = profile_groups_context(request)
    assert context["gaf_groups"] == [] and context["gaf_has_family"] is True
    html = render_to_string("gaf/profile_groups.html", context, request=request)
    assert reverse("gaf:index") in html
