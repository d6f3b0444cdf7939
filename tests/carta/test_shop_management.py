"""Shop operators manage their own shop: its public details, its outlets, its team.

The isolation matrix sends shop A's operator at every management route of shop B (and at B's
offers), an anonymous visitor and a signed-in stranger at A's, and staff at B's; a new route
under esercente/esercizi/ fails `test_every_management_route_has_a_case` until it has one.
Bad input is a 400 with an Italian message that names the problem, and nothing is saved."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from carta import shop_services
from carta.models import Category, Offer, Outlet, Shop, ShopInvitation, ShopOperator
from hub.models import Notification
from tests.carta.factories import network_with_town, shop_in
from tests.hub.factories import MunicipalityFactory, UserFactory
from tests.hub.test_access import walk

pytestmark = pytest.mark.django_db


def current_offer(shop, outlets=(), *, title="Quaderni", ends=30):
    today = timezone.localdate()
    offer = Offer.objects.create(
        shop=shop,
        title=title,
        kind="percentage",
        value=Decimal("10"),
        starts_on=today - dt.timedelta(days=40),
        ends_on=today + dt.timedelta(days=ends),
    )
    offer.outlets.set(outlets)
    return offer


@pytest.fixture
def world():
    network, town = network_with_town()
    shop_a, outlet_a, operator_a = shop_in(network, town)
    shop_b, outlet_b, operator_b = shop_in(network, town)
    shop_b.description = "Descrizione di B"
    shop_b.contact_email = "rete@negozio-b.example.org"
    shop_b.save()
    colleague_b = UserFactory(email="collega.b@example.org")
    ShopOperator.objects.create(shop=shop_b, user=colleague_b)
    offer_b = current_offer(shop_b, [outlet_b], title="Offerta di B")
    _invitation, _token = shop_services.shop_invitation_create(
        shop=shop_b, email="invitato.b@example.org", by=operator_b
    )
    return locals()


def details_post(**changes):
    data = {
        "description": "Tutto per la scuola",
        "public_email": "ciao@example.org",
        "contact_email": "rete@example.org",
        "phone": "011 123456",
        "website": "https://negozio.example.org",
        "categories": [Category.objects.get(slug="alimentari").pk],
    }
    data.update(changes)
    return data


def outlet_post(town, **changes):
    data = {
        "name": "Stazione",
        "address": "Piazza Stazione 3",
        "municipality": town.pk,
        "latitude": "45.0703",
        "longitude": "7.6869",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- Isolation --------------------------------------------------------------------------------


def _cases(w):
    """(view name, method, url, data) for each management route, aimed at shop B."""
    b = w["shop_b"].pk
    return [
        ("carta:operator_shop", "get", reverse("carta:operator_shop", args=[b]), None),
        ("carta:operator_shop", "post", reverse("carta:operator_shop", args=[b]), details_post()),
        (
            "carta:operator_outlet_new",
            "post",
            reverse("carta:operator_outlet_new", args=[b]),
            outlet_post(w["town"]),
        ),
        (
            "carta:operator_outlet",
            "get",
            reverse("carta:operator_outlet", args=[b, w["outlet_b"].pk]),
            None,
        ),
        (
            "carta:operator_outlet",
            "post",
            reverse("carta:operator_outlet", args=[b, w["outlet_b"].pk]),
            outlet_post(w["town"], name="Rubato"),
        ),
        (
            "carta:operator_outlet_delete",
            "post",
            reverse("carta:operator_outlet_delete", args=[b, w["outlet_b"].pk]),
            {},
        ),
        (
            "carta:operator_invite",
            "post",
            reverse("carta:operator_invite", args=[b]),
            {"email": "intruso@example.org"},
        ),
        (
            "carta:operator_invitation_revoke",
            "post",
            reverse(
                "carta:operator_invitation_revoke",
                args=[b, w["shop_b"].invitations.get().pk],
            ),
            {},
        ),
        (
            "carta:operator_remove",
            "post",
            reverse("carta:operator_remove", args=[b, w["colleague_b"].pk]),
            {},
        ),
        (
            "carta:operator_offer",
            "post",
            reverse("carta:operator_offer", args=[w["offer_b"].pk]),
            {"title": "Rubata"},
        ),
    ]


def snapshot(shop):
    shop.refresh_from_db()
    return (
        shop.description,
        shop.contact_email,
        sorted(shop.outlets.values_list("pk", "name", "address")),
        sorted(shop.memberships.values_list("user_id", flat=True)),
        sorted(shop.invitations.values_list("email", "revoked_at")),
        sorted(shop.offers.values_list("pk", "title")),
    )


def _send(client, method, url, data):
    return client.get(url) if method == "get" else client.post(url, data)


def test_every_management_route_has_a_case(world):
    names = {name for name, _method, _url, _data in _cases(world)}
    routes = {
        name
        for name, route in walk(get_resolver().url_patterns)
        if route.startswith("carta/esercente/esercizi/")
    }
    assert routes, "the walk finds the management routes"
    assert routes <= names, routes - names


def test_an_operator_of_a_never_sees_or_changes_b(client, world):
    before = snapshot(world["shop_b"])
    client.force_login(world["operator_a"])
    for name, method, url, data in _cases(world):
        response = _send(client, method, url, data)
        assert response.status_code == 404, (name, method, response.status_code)
        assert "Descrizione di B" not in response.text
        assert "collega.b@example.org" not in response.text
    assert snapshot(world["shop_b"]) == before
    # A's own shop with B's outlet, B's colleague or B's invitation: 404 as well.
    a = world["shop_a"].pk
    for url in (
        reverse("carta:operator_outlet", args=[a, world["outlet_b"].pk]),
        reverse("carta:operator_outlet_delete", args=[a, world["outlet_b"].pk]),
        reverse("carta:operator_remove", args=[a, world["colleague_b"].pk]),
        reverse("carta:operator_invitation_revoke", args=[a, world["shop_b"].invitations.get().pk]),
    ):
        assert client.post(url, outlet_post(world["town"])).status_code == 404, url
    assert snapshot(world["shop_b"]) == before


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    before = snapshot(world["shop_b"])
    for name, method, url, data in _cases(world):
        response = _send(client, method, url, data)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/accounts/login/"), name
    assert snapshot(world["shop_b"]) == before


def test_a_signed_in_stranger_and_a_pending_shop_s_operator_get_404(client, world):
    before = snapshot(world["shop_b"])
    _pending, _outlet, pending_operator = shop_in(world["network"], world["town"], approved=False)
    for person in (UserFactory(), pending_operator):
        client.force_login(person)
        for name, method, url, data in _cases(world):
            assert _send(client, method, url, data).status_code == 404, name
    own = reverse("carta:operator_shop", args=[_pending.pk])
    assert client.get(own).status_code == 404
    assert snapshot(world["shop_b"]) == before


def test_staff_manage_any_shop(client, world):
    client.force_login(UserFactory(is_staff=True))
    b = world["shop_b"].pk
    staff_page = client.get(reverse("carta:staff_shop", args=[b]))
    assert f'href="{reverse("carta:operator_shop", args=[b])}"' in staff_page.text
    page = client.get(reverse("carta:operator_shop", args=[b]))
    assert page.status_code == 200
    assert "collega.b@example.org" in page.text
    response = client.post(reverse("carta:operator_shop", args=[b]), details_post())
    assert response.status_code == 302
    world["shop_b"].refresh_from_db()
    assert world["shop_b"].description == "Tutto per la scuola"
    response = client.post(reverse("carta:operator_remove", args=[b, world["colleague_b"].pk]))
    assert response.status_code == 302
    assert not world["shop_b"].memberships.filter(user=world["colleague_b"]).exists()


# --- Details --------------------------------------------------------------------------------


def test_an_operator_edits_the_public_details_seen_on_the_page_and_the_api(client, world):
    shop = world["shop_a"]
    client.force_login(world["operator_a"])
    offers_page = client.get(reverse("carta:operator_offers"))
    manage = reverse("carta:operator_shop", args=[shop.pk])
    assert f'href="{manage}"' in offers_page.text
    verify_page = client.get(reverse("carta:verify"))
    assert f'href="{reverse("carta:operator_shop_home")}"' in verify_page.text
    assert client.get(reverse("carta:operator_shop_home")).url == manage
    page = client.get(manage)
    assert page.status_code == 200
    assert 'name="viewport"' in page.text or "<html" in page.text
    response = client.post(manage, details_post())
    assert response.status_code == 302
    shop.refresh_from_db()
    assert (shop.description, shop.public_email, shop.phone) == (
        "Tutto per la scuola",
        "ciao@example.org",
        "011 123456",
    )
    assert list(shop.categories.values_list("slug", flat=True)) == ["alimentari"]
    public = client.get(reverse("carta:shop_page", args=[shop.pk])).text
    assert "Tutto per la scuola" in public and "ciao@example.org" in public
    assert "rete@example.org" not in public
    api = client.get(f"/api/v1/carta/shops/{shop.pk}/").json()
    assert (api["email"], api["website"]) == ("ciao@example.org", "https://negozio.example.org")
    assert "rete@example.org" not in str(api)


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"public_email": "non-una-mail"}, "indirizzo email valido"),
        ({"contact_email": ""}, "obbligatorio"),
        ({"website": "ftp://x"}, "URL valido"),
        ({"categories": [999999]}, "Scegli un'opzione valida"),
    ],
)
def test_bad_details_are_a_400_and_nothing_is_saved(client, world, changes, field_message):
    shop = world["shop_a"]
    client.force_login(world["operator_a"])
    before = snapshot(shop)
    response = client.post(reverse("carta:operator_shop", args=[shop.pk]), details_post(**changes))
    assert response.status_code == 400
    assert field_message in html.unescape(response.text)
    assert snapshot(shop) == before


# --- Outlets --------------------------------------------------------------------------------


def test_an_operator_adds_edits_and_removes_outlets(client, world):
    shop, town = world["shop_a"], world["town"]
    client.force_login(world["operator_a"])
    response = client.post(reverse("carta:operator_outlet_new", args=[shop.pk]), outlet_post(town))
    assert response.status_code == 302
    added = shop.outlets.get(name="Stazione")
    assert (added.latitude, added.longitude) == (Decimal("45.070300"), Decimal("7.686900"))
    edit = reverse("carta:operator_outlet", args=[shop.pk, added.pk])
    assert client.get(edit).status_code == 200
    cleared = outlet_post(town, name="Stazione nuova", latitude="", longitude="")
    response = client.post(edit, cleared)
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.name, added.latitude) == ("Stazione nuova", None)
    delete = reverse("carta:operator_outlet_delete", args=[shop.pk, added.pk])
    assert client.post(delete).status_code == 302
    assert not Outlet.objects.filter(pk=added.pk).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"latitude": "95"}, "La latitudine è un numero tra -90 e 90"),
        ({"latitude": "-90.5"}, "La latitudine è un numero tra -90 e 90"),
        ({"longitude": "181"}, "La longitudine è un numero tra -180 e 180"),
        ({"longitude": None}, "Indica entrambe le coordinate"),
        ({"latitude": "abc"}, "Inserisci un numero"),
        ({"name": " "}, "Questo campo è obbligatorio"),
    ],
)
def test_bad_outlets_are_a_400_and_nothing_is_saved(client, world, changes, message):
    shop = world["shop_a"]
    client.force_login(world["operator_a"])
    before = snapshot(shop)
    response = client.post(
        reverse("carta:operator_outlet_new", args=[shop.pk]), outlet_post(world["town"], **changes)
    )
    assert response.status_code == 400
    assert message in html.unescape(response.text)
    assert snapshot(shop) == before
    edit = reverse("carta:operator_outlet", args=[shop.pk, world["outlet_a"].pk])
    response = client.post(edit, outlet_post(world["town"], **changes))
    assert response.status_code == 400
    assert snapshot(shop) == before


def test_a_municipality_outside_the_network_is_refused_by_name(client, world):
    shop = world["shop_a"]
    elsewhere = MunicipalityFactory(name="Lontanopoli")
    client.force_login(world["operator_a"])
    before = snapshot(shop)
    form = client.get(reverse("carta:operator_outlet_new", args=[shop.pk])).text
    assert "Lontanopoli" not in form
    response = client.post(
        reverse("carta:operator_outlet_new", args=[shop.pk]),
        outlet_post(world["town"], municipality=elsewhere.pk),
    )
    assert response.status_code == 400
    assert "Il comune Lontanopoli non fa parte della rete" in response.text
    assert snapshot(shop) == before


def test_an_outlet_still_needed_is_not_removed(client, world):
    shop, town = world["shop_a"], world["town"]
    client.force_login(world["operator_a"])
    first = world["outlet_a"]
    delete_first = reverse("carta:operator_outlet_delete", args=[shop.pk, first.pk])
    # The last outlet: cards are verified at an outlet.
    response = client.post(delete_first)
    assert response.status_code == 400
    assert "almeno un punto vendita" in response.text
    second = Outlet.objects.create(shop=shop, name="Due", address="Via Due 2", municipality=town)
    # The only outlet of a current offer: it would silently hold everywhere.
    current_offer(shop, [first], title="Zaini")
    shared = current_offer(shop, [first, second], title="Astucci")
    current_offer(shop, [first], title="Finita", ends=-1)
    before = snapshot(shop)
    response = client.post(delete_first)
    assert response.status_code == 400
    assert "l'unico delle offerte «Zaini»" in html.unescape(response.text)
    assert "Astucci" not in response.text.split("alert-danger")[1].split("</div>")[0]
    assert snapshot(shop) == before
    # Once the offer has another outlet, the first one goes; the ended offer just loses it.
    Offer.objects.get(title="Zaini").outlets.add(second)
    assert client.post(delete_first).status_code == 302
    assert list(shared.outlets.all()) == [second]
    assert not Outlet.objects.filter(pk=first.pk).exists()


# --- Operators ------------------------------------------------------------------------------


def test_an_operator_invites_a_colleague_who_accepts(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    shop = world["shop_a"]
    client.force_login(world["operator_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("carta:operator_invite", args=[shop.pk]), {"email": "Nuova.Collega@Example.org"}
        )
    assert response.status_code == 302
    invitation = shop.invitations.get()
    assert invitation.email == "nuova.collega@example.org"
    message = mailoutbox[-1]
    assert message.to == ["nuova.collega@example.org"]
    link = next(line for line in message.body.splitlines() if "/carta/esercente/invito/" in line)
    path = link[link.index("/carta/") :].strip()
    assert invitation.token_hash not in link
    client.logout()
    # Anyone with the link sees which shop; accepting takes signing in.
    anonymous = client.get(path)
    assert anonymous.status_code == 200 and shop.business_name in anonymous.text
    assert client.post(path).status_code == 302
    # Someone else, signed in, is refused.
    client.force_login(UserFactory())
    assert client.post(path).status_code == 403
    assert not shop.memberships.filter(user__email="nuova.collega@example.org").exists()
    colleague = UserFactory(email="nuova.collega@example.org")
    client.force_login(colleague)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    assert response.status_code == 302
    assert response.url == reverse("carta:operator_shop", args=[shop.pk])
    assert shop.memberships.filter(user=colleague).exists()
    assert Notification.objects.filter(
        user=world["operator_a"], kind="carta.shop_team", title__contains=colleague.email
    ).exists()
    # The colleague now manages the shop, and verifies cards.
    assert client.get(reverse("carta:operator_shop", args=[shop.pk])).status_code == 200
    assert client.get(reverse("carta:verify")).status_code == 200
    # The link works once.
    again = client.post(path)
    assert again.status_code == 400 and "già stato usato" in again.text


def test_invitation_refusals(client, world):
    shop = world["shop_a"]
    client.force_login(world["operator_a"])
    url = reverse("carta:operator_invite", args=[shop.pk])
    response = client.post(url, {"email": world["operator_a"].email})
    assert response.status_code == 400
    assert "già operatrice dell" in html.unescape(response.text)
    response = client.post(url, {"email": "non-una-mail"})
    assert response.status_code == 400
    assert not shop.invitations.exists()
    # An expired or revoked link.
    invitation, token = shop_services.shop_invitation_create(
        shop=shop, email="tardi@example.org", by=world["operator_a"]
    )
    ShopInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    client.force_login(UserFactory(email="tardi@example.org"))
    path = reverse("carta:operator_invitation", args=[token])
    response = client.post(path)
    assert response.status_code == 400 and "scaduto" in response.text
    assert client.get(reverse("carta:operator_invitation", args=["inventato"])).status_code == 400
    assert not shop.memberships.filter(user__email="tardi@example.org").exists()


def test_a_colleague_is_removed_but_never_the_last_operator(client, world):
    shop = world["shop_b"]
    operator, colleague = world["operator_b"], world["colleague_b"]
    client.force_login(operator)
    remove = reverse("carta:operator_remove", args=[shop.pk, colleague.pk])
    assert client.post(remove).status_code == 302
    assert list(shop.memberships.values_list("user", flat=True)) == [operator.pk]
    assert Notification.objects.filter(user=colleague, kind="carta.shop_team").exists()
    # The removed colleague no longer reaches the shop.
    client.force_login(colleague)
    assert client.get(reverse("carta:operator_shop", args=[shop.pk])).status_code == 404
    client.force_login(operator)
    last = client.post(reverse("carta:operator_remove", args=[shop.pk, operator.pk]))
    assert last.status_code == 400
    assert "almeno un operatore" in last.text
    assert shop.memberships.filter(user=operator).exists()


def test_the_last_operator_is_kept_under_the_service_too(world):
    shop = world["shop_a"]
    with pytest.raises(shop_services.ValidationError) as refused:
        shop_services.shop_operator_remove(
            shop=shop, operator_id=world["operator_a"].pk, by=world["operator_a"]
        )
    assert refused.value.code == "last_operator"
    assert Shop.objects.get(pk=shop.pk).memberships.count() == 1


def test_a_pending_invitation_is_revoked_and_its_link_stops_working(client, world):
    shop = world["shop_a"]
    invitation, token = shop_services.shop_invitation_create(
        shop=shop, email="ripensato@example.org", by=world["operator_a"]
    )
    client.force_login(world["operator_a"])
    assert (
        "ripensato@example.org" in client.get(reverse("carta:operator_shop", args=[shop.pk])).text
    )
    revoke = reverse("carta:operator_invitation_revoke", args=[shop.pk, invitation.pk])
    assert client.post(revoke).status_code == 302
    assert client.post(revoke).status_code == 404  # already revoked
    client.force_login(UserFactory(email="ripensato@example.org"))
    response = client.post(reverse("carta:operator_invitation", args=[token]))
    assert response.status_code == 400 and "revocato" in response.text
    assert not shop.memberships.filter(user__email="ripensato@example.org").exists()
