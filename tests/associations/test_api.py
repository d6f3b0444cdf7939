"""API of associations and initiatives (/api/v1/), and association API tokens."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIRequestFactory
from wagtail.models import APIToken, PageViewRestriction

from associations import services
from associations.api_auth import AssociationPrincipal, UserOrAssociationRateThrottle
from associations.models import (
    Association,
    AssociationApiToken,
    AssociationMembership,
    AssociationPage,
    InitiativePage,
)
from hub.models import AgeBand, Area
from tests.associations.factories import approver, make_association, make_initiative
from tests.hub.factories import MunicipalityFactory, NetworkFactory, UserFactory

pytestmark = pytest.mark.django_db


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def member_of(association, role=AssociationMembership.Role.ADMIN):
    user = UserFactory()
    _invitation, token = services.invitation_create(
        association=association, email=user.email, role=role, by=approver()
    )
    services.invitation_accept(token=token, user=user)
    return user


def bearer(plaintext: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Two networks, three associations, their initiatives (one a draft, one private).

    Built once for the module inside a transaction rolled back at the end; each test runs in
    a savepoint of its own.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        west = NetworkFactory(slug="rete-ovest")
        east = NetworkFactory(slug="rete-est")
        alpignano = MunicipalityFactory(slug="alpignano", name="Alpignano", istat_code="001006")
        bruino = MunicipalityFactory(slug="bruino", name="Bruino", istat_code="001038")
        sesto = MunicipalityFactory(slug="sesto", name="Sesto", istat_code="015209")
        sports = make_association(
            name="Polisportiva Alpignanese",
            network=west,
            municipalities=[alpignano, bruino],
            areas=["ambiente-e-sport"],
            kind=Association.Kind.SPORTS_CLUB,
        )
        parents = make_association(
            name="Genitori in cammino",
            network=west,
            municipalities=[bruino],
            areas=["comunita-educante", "welfare-territoriale"],
            kind=Association.Kind.INFORMAL_GROUP,
        )
        help_desk = make_association(
            name="Sportello famiglie Sesto",
            network=east,
            municipalities=[sesto],
            areas=["welfare-territoriale"],
        )
        minibasket = make_initiative(
            sports,
            title="Minibasket",
            area="ambiente-e-sport",
            municipalities=[alpignano],
            age_bands=["6-10", "3-5"],
            is_free=False,
            cost="12.50",
            cost_note="al mese",
            frequency="weekly",
            place="Palestra comunale",
            good_practice=True,
        )
        make_initiative(
            sports,
            title="Pallavolo (bozza)",
            area="ambiente-e-sport",
            municipalities=[bruino],
            live=False,
        )
        private = make_initiative(
            sports,
            title="Allenamenti riservati",
            area="ambiente-e-sport",
            municipalities=[bruino],
        )
        PageViewRestriction.objects.create(page=private, restriction_type="login")
        circle = make_initiative(
            parents,
            title="Cerchio dei genitori",
            area="comunita-educante",
            municipalities=[bruino],
            age_bands=["0-2"],
        )
        desk = make_initiative(
            help_desk,
            title="Sportello ISEE",
            area="welfare-territoriale",
            municipalities=[sesto],
            age_bands=["famiglia"],
        )
        yield SimpleNamespace(
            west=west,
            east=east,
            sports=sports,
            parents=parents,
            help_desk=help_desk,
            minibasket=minibasket,
            private=private,
            circle=circle,
            desk=desk,
            admin=member_of(sports),
            editor=member_of(sports, role=AssociationMembership.Role.EDITOR),
            other_admin=member_of(parents),
        )
        transaction.set_rollback(True)


# --- Associations -----------------------------------------------------------------------------


def test_association_carries_its_places_areas_page_and_live_initiatives(client, world):
    response = client.get(f"/api/v1/associations/{world.sports.slug}/")
    assert response.status_code == 200
    assert response.json() == {
        "slug": "polisportiva-alpignanese",
        "name": "Polisportiva Alpignanese",
        "kind": "societa_sportiva",
        "network": "rete-ovest",
        "municipalities": [
            {"slug": "alpignano", "name": "Alpignano", "istat_code": "001006"},
            {"slug": "bruino", "name": "Bruino", "istat_code": "001038"},
        ],
        "areas": [{"slug": "ambiente-e-sport", "name": "Ambiente e sport", "macro_area": "E"}],
        "description": world.sports.description,
        "website": "",
        "email": world.sports.email,
        "page_url": "http://testserver/rete-ovest/polisportiva-alpignanese/",
        # Minibasket only: the draft and the private initiative are not counted.
        "live_initiatives": 1,
    }


def test_an_unpublished_association_leaves_the_api_with_its_initiatives(client, world):
    """As in the public directory: no live page, no listing."""
    world.parents.page.unpublish()
    assert "genitori-in-cammino" not in slugs(client.get("/api/v1/associations/"))
    assert_error(client.get(f"/api/v1/associations/{world.parents.slug}/"), 404, "not_found")
    assert "Cerchio dei genitori" not in titles(client.get("/api/v1/initiatives/"))
    assert_error(client.get(f"/api/v1/initiatives/{world.circle.pk}/"), 404, "not_found")


def test_unknown_association_is_a_json_404(client, world):
    assert_error(client.get("/api/v1/associations/atlantide/"), 404, "not_found")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["genitori-in-cammino", "polisportiva-alpignanese", "sportello-famiglie-sesto"]),
        ({"municipality": "bruino"}, ["genitori-in-cammino", "polisportiva-alpignanese"]),
        ({"municipality": "alpignano"}, ["polisportiva-alpignanese"]),
        ({"kind": "gruppo_informale"}, ["genitori-in-cammino"]),
        ({"area": "welfare-territoriale"}, ["genitori-in-cammino", "sportello-famiglie-sesto"]),
        ({"network": "rete-est"}, ["sportello-famiglie-sesto"]),
        ({"network": "rete-ovest", "area": "ambiente-e-sport"}, ["polisportiva-alpignanese"]),
        ({"municipality": "sesto", "kind": "societa_sportiva"}, []),
        (
            {"area": ""},
            ["genitori-in-cammino", "polisportiva-alpignanese", "sportello-famiglie-sesto"],
        ),
    ],
)
def test_associations_filter_like_the_directory(client, world, params, expected):
    assert slugs(client.get("/api/v1/associations/", params)) == expected


# --- Initiatives ------------------------------------------------------------------------------


def test_initiative_fields_and_cost_as_a_decimal_string(client, world):
    response = client.get(f"/api/v1/initiatives/{world.minibasket.pk}/")
    assert response.status_code == 200
    row = response.json()
    assert row == {
        "id": world.minibasket.pk,
        "title": "Minibasket",
        "url": "http://testserver/rete-ovest/polisportiva-alpignanese/minibasket/",
        "association": "polisportiva-alpignanese",
        "area": "ambiente-e-sport",
        "macro_area": "E",
        "age_bands": ["3-5", "6-10"],
        "municipalities": [{"slug": "alpignano", "name": "Alpignano", "istat_code": "001006"}],
        "summary": "Minibasket: in breve.",
        "is_free": False,
        "cost": "12.50",
        "cost_note": "al mese",
        "frequency": "weekly",
        "period_start": None,
        "period_end": None,
        "place": "Palestra comunale",
        "good_practice": True,
        "last_published_at": row["last_published_at"],
    }
    assert row["last_published_at"]
    free = client.get(f"/api/v1/initiatives/{world.circle.pk}/").json()
    assert free["is_free"] is True and free["cost"] is None


def test_only_live_public_initiatives_are_listed(client, world):
    assert titles(client.get("/api/v1/initiatives/")) == [
        "Cerchio dei genitori",
        "Minibasket",
        "Sportello ISEE",
    ]
    assert_error(client.get(f"/api/v1/initiatives/{world.private.pk}/"), 404, "not_found")
    draft = world.sports.page.get_children().get(title="Pallavolo (bozza)")
    assert_error(client.get(f"/api/v1/initiatives/{draft.pk}/"), 404, "not_found")

    world.circle.refresh_from_db()
    world.circle.unpublish()
    assert titles(client.get("/api/v1/initiatives/")) == ["Minibasket", "Sportello ISEE"]
    assert_error(client.get(f"/api/v1/initiatives/{world.circle.pk}/"), 404, "not_found")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"area": "ambiente-e-sport"}, ["Minibasket"]),
        ({"municipality": "bruino"}, ["Cerchio dei genitori"]),
        ({"age_band": "6-10"}, ["Minibasket"]),
        ({"age_band": "adulti"}, []),
        ({"free": "true"}, ["Cerchio dei genitori", "Sportello ISEE"]),
        ({"free": "false"}, ["Minibasket"]),
        ({"network": "rete-ovest"}, ["Cerchio dei genitori", "Minibasket"]),
        ({"network": "rete-est"}, ["Sportello ISEE"]),
        ({"association": "genitori-in-cammino"}, ["Cerchio dei genitori"]),
        ({"association": "polisportiva-alpignanese", "free": "true"}, []),
        ({"network": "rete-ovest", "age_band": "0-2"}, ["Cerchio dei genitori"]),
    ],
)
def test_initiatives_filter(client, world, params, expected):
    assert titles(client.get("/api/v1/initiatives/", params)) == expected


@pytest.mark.parametrize(
    ("path", "param", "value"),
    [
        ("/api/v1/associations/", "municipality", "atlantide"),
        ("/api/v1/associations/", "kind", "circo"),
        ("/api/v1/associations/", "area", "astrologia"),
        ("/api/v1/associations/", "network", "rete-fantasma"),
        ("/api/v1/initiatives/", "area", "astrologia"),
        ("/api/v1/initiatives/", "municipality", "atlantide"),
        ("/api/v1/initiatives/", "age_band", "99-120"),
        ("/api/v1/initiatives/", "free", "forse"),
        ("/api/v1/initiatives/", "network", "rete-fantasma"),
        ("/api/v1/initiatives/", "association", "nessuna"),
    ],
)
def test_unknown_filter_value_is_a_400_naming_the_parameter(client, world, path, param, value):
    error = assert_error(client.get(path, {param: value}), 400, "invalid")
    assert list(error["fields"]) == [param]
    assert all(isinstance(message, str) and message for message in error["fields"][param])


def test_lists_are_read_only(client, world):
    assert_error(client.post("/api/v1/initiatives/", {}), 405, "method_not_allowed")
    assert_error(
        client.delete(f"/api/v1/associations/{world.sports.slug}/"), 405, "method_not_allowed"
    )


# --- Constant queries -------------------------------------------------------------------------

# Page view restrictions (for "public"), count, rows, and one query per prefetched relation;
# plus Wagtail's site root paths when its cache is cold, and slack for the filters' lookups.
LIST_QUERIES = 8


def published_initiative(association, *, title, area, municipalities, age_bands=(), cost=None):
    """A live initiative added straight to the tree: what the API reads, without a revision.

    The first rows of each test go through the factories (revision, then publish); this
    cheaper path adds the rest, so that growing to 200 takes seconds, not a minute.
    """
    now = timezone.now()
    page = InitiativePage(
        title=title,
        area=area,
        summary=f"{title}: in breve.",
        is_free=cost is None,
        cost=cost,
        first_published_at=now,
        last_published_at=now,
    )
    page.municipalities.set(municipalities)
    page.age_bands.set(age_bands)
    association.page.add_child(instance=page)
    return page


def published_association(network, *, municipalities, areas):
    """An association with its live page, made straight in the tree (see above)."""
    number = Association.objects.count() + 1
    association = Association.objects.create(
        name=f"Associazione {number:03d}",
        slug=f"associazione-rapida-{number:03d}",
        kind=Association.Kind.ASSOCIATION,
        network=network,
    )
    association.municipalities.set(municipalities)
    association.areas.set(areas)
    services.association_index_for(network).add_child(
        instance=AssociationPage(
            title=association.name, slug=association.slug, association=association
        )
    )
    return association


def assert_constant_queries(client, assert_max_queries, path, param_sets, counts):
    """Each filter combination lists its count of rows within LIST_QUERIES queries."""
    for params, count in zip(param_sets, counts, strict=True):
        with assert_max_queries(LIST_QUERIES):
            response = client.get(path, params)
        assert response.status_code == 200, response.content
        assert response.json()["count"] == count
    return response.json()["results"]


def test_initiatives_list_with_constant_queries_for_10_and_200(
    client, world, django_assert_max_num_queries
):
    association = make_association(name="Centro estivo", areas=["comunita-educante"])
    municipality = association.municipalities.get()
    area = Area.objects.get(slug="comunita-educante")
    age_bands = list(AgeBand.objects.filter(slug__in=["6-10", "11-13"]))
    for number in range(10):
        make_initiative(
            association,
            title=f"Attività {number:03d}",
            area=area,
            municipalities=[municipality, MunicipalityFactory()],
            age_bands=age_bands,
            is_free=False,
            cost="7.00",
        )
    before = client.get("/api/v1/initiatives/").json()["count"] - 10
    param_sets = [{}, {"network": association.network.slug, "age_band": "6-10"}]

    for total in (10, 200):
        for number in range(association.page.get_children().count(), total):
            published_initiative(
                association,
                title=f"Attività {number:03d}",
                area=area,
                municipalities=[municipality, MunicipalityFactory()],
                age_bands=age_bands,
                cost=Decimal("7.00"),
            )
        rows = assert_constant_queries(
            client,
            django_assert_max_num_queries,
            "/api/v1/initiatives/",
            param_sets,
            [before + total, total],
        )
        assert len(rows) == min(total, 50)
        assert {row["association"] for row in rows} == {"centro-estivo"}
        assert {row["cost"] for row in rows} == {"7.00"}
        assert all(len(row["municipalities"]) == 2 for row in rows)
        assert all(row["age_bands"] == ["6-10", "11-13"] for row in rows)
        assert all(row["url"].startswith("http://testserver/") for row in rows)


def test_associations_list_with_constant_queries_for_10_and_200(
    client, world, django_assert_max_num_queries
):
    network = NetworkFactory()
    areas = list(Area.objects.filter(slug__in=["comunita-educante", "governance"]))
    for _ in range(10):
        association = make_association(
            network=network,
            municipalities=[MunicipalityFactory(), MunicipalityFactory()],
            areas=areas,
        )
        make_initiative(
            association,
            title="Doposcuola",
            area=areas[0],
            municipalities=[association.municipalities.first()],
        )
    before = client.get("/api/v1/associations/").json()["count"] - 10
    param_sets = [{}, {"network": network.slug, "area": "governance"}]

    for total in (10, 200):
        while network.associations.count() < total:
            association = published_association(
                network,
                municipalities=[MunicipalityFactory(), MunicipalityFactory()],
                areas=areas,
            )
            published_initiative(
                association,
                title="Doposcuola",
                area=areas[0],
                municipalities=[association.municipalities.first()],
            )
        rows = assert_constant_queries(
            client,
            django_assert_max_num_queries,
            "/api/v1/associations/",
            param_sets,
            [before + total, total],
        )
        assert len(rows) == min(total, 50)
        assert {row["live_initiatives"] for row in rows} == {1}
        assert all(len(row["municipalities"]) == 2 for row in rows)
        assert all(row["page_url"].startswith("http://testserver/") for row in rows)


# --- Association API tokens -------------------------------------------------------------------


def test_token_lifecycle_create_once_use_revoke(client, world):
    tokens_url = f"/api/v1/associations/{world.sports.slug}/tokens/"
    client.force_login(world.admin)

    response = client.post(
        tokens_url, {"name": "Calendario del sito"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    created = response.json()
    plaintext = created["token"]
    assert plaintext.startswith("wagtail_")
    assert created["prefix"] == plaintext[:12]
    assert created["name"] == "Calendario del sito"
    assert created["revoked"] is False

    listed = client.get(tokens_url).json()
    assert [row["name"] for row in listed] == ["Calendario del sito"]
    assert "token" not in listed[0]
    assert plaintext not in client.get(tokens_url).content.decode()
    assert AssociationApiToken.objects.get(pk=created["id"]).key_hash != plaintext

    client.logout()
    response = client.get("/api/v1/associations/me/", **bearer(plaintext))
    assert response.status_code == 200, response.content
    assert response.json() == {
        "association": {
            "slug": "polisportiva-alpignanese",
            "name": "Polisportiva Alpignanese",
            "network": "rete-ovest",
        },
        "token": {"name": "Calendario del sito", "prefix": plaintext[:12]},
    }
    assert AssociationApiToken.objects.get(pk=created["id"]).last_used_at is not None
    # The token reads the public API too.
    assert client.get("/api/v1/initiatives/", **bearer(plaintext)).status_code == 200

    client.force_login(world.admin)
    assert client.delete(f"{tokens_url}{created['id']}/").status_code == 204
    assert client.get(tokens_url).json()[0]["revoked"] is True
    assert_error(client.delete(f"{tokens_url}{created['id']}/"), 404, "not_found")

    client.logout()
    for path in ("/api/v1/associations/me/", "/api/v1/initiatives/"):
        assert_error(client.get(path, **bearer(plaintext)), 401, "authentication_failed")


def test_last_used_is_written_at_most_once_a_minute(client, world):
    token, plaintext = services.association_token_create(
        association=world.sports, name="Sito", by=world.admin
    )
    assert client.get("/api/v1/associations/me/", **bearer(plaintext)).status_code == 200
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None

    assert client.get("/api/v1/associations/me/", **bearer(plaintext)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first_use

    an_hour_ago = timezone.now() - timedelta(hours=1)
    AssociationApiToken.objects.filter(pk=token.pk).update(last_used_at=an_hour_ago)
    assert client.get("/api/v1/associations/me/", **bearer(plaintext)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > an_hour_ago + timedelta(minutes=59)


def test_empty_token_name_is_refused_with_a_field_message(client, world):
    client.force_login(world.admin)
    url = f"/api/v1/associations/{world.sports.slug}/tokens/"
    for payload in ({}, {"name": "   "}):
        error = assert_error(
            client.post(url, payload, content_type="application/json"), 400, "invalid"
        )
        assert list(error["fields"]) == ["name"]
    assert not AssociationApiToken.objects.exists()


def _token_requests(slug: str, token_id: int):
    return [
        ("get", f"/api/v1/associations/{slug}/tokens/", None),
        ("post", f"/api/v1/associations/{slug}/tokens/", {"name": "Intruso"}),
        ("delete", f"/api/v1/associations/{slug}/tokens/{token_id}/", None),
    ]


@pytest.mark.parametrize("who", ["editor", "other_admin", "stranger", "staff"])
def test_only_the_association_admins_manage_its_tokens(client, world, who):
    token, _plaintext = services.association_token_create(
        association=world.sports, name="Sito", by=world.admin
    )
    users = {
        "editor": world.editor,
        "other_admin": world.other_admin,
        "stranger": UserFactory(),
        "staff": UserFactory(is_staff=True),
    }
    client.force_login(users[who])
    for method, url, payload in _token_requests(world.sports.slug, token.pk):
        response = getattr(client, method)(url, payload, content_type="application/json")
        error = assert_error(response, 403, "permission_denied")
        assert "amministratori" in error["message"]
    token.refresh_from_db()
    assert token.revoked_at is None
    assert AssociationApiToken.objects.count() == 1


def test_an_admin_cannot_revoke_another_associations_token_through_their_own(client, world):
    token, _plaintext = services.association_token_create(
        association=world.sports, name="Sito", by=world.admin
    )
    client.force_login(world.other_admin)
    response = client.delete(f"/api/v1/associations/{world.parents.slug}/tokens/{token.pk}/")
    assert_error(response, 404, "not_found")
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_management_needs_a_signed_in_admin(client, world):
    assert_error(
        client.get(f"/api/v1/associations/{world.sports.slug}/tokens/"), 401, "not_authenticated"
    )
    client.force_login(world.admin)
    assert_error(client.get("/api/v1/associations/atlantide/tokens/"), 404, "not_found")


def test_an_association_token_cannot_manage_tokens(client, world):
    token, plaintext = services.association_token_create(
        association=world.sports, name="Sito", by=world.admin
    )
    for method, url, payload in _token_requests(world.sports.slug, token.pk):
        response = getattr(client, method)(
            url, payload, content_type="application/json", **bearer(plaintext)
        )
        assert_error(response, 403, "permission_denied")
    assert AssociationApiToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_token_list_with_constant_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.admin)
    url = f"/api/v1/associations/{world.sports.slug}/tokens/"
    for count in (2, 30):
        while world.sports.api_tokens.count() < count:
            services.association_token_create(association=world.sports, name="t", by=world.admin)
        # Session, user, association, memberships, tokens.
        with django_assert_max_num_queries(6):
            assert len(client.get(url).json()) == count


# --- Who the association endpoint answers -----------------------------------------------------


def test_association_me_refuses_users_with_a_clear_message(client, world):
    assert_error(client.get("/api/v1/associations/me/"), 401, "not_authenticated")

    client.force_login(world.admin)
    error = assert_error(client.get("/api/v1/associations/me/"), 403, "permission_denied")
    assert "token API dell'associazione" in error["message"]

    client.logout()
    _user_token, user_plaintext = APIToken.create_token(user=world.admin, name="personale")
    error = assert_error(
        client.get("/api/v1/associations/me/", **bearer(user_plaintext)), 403, "permission_denied"
    )
    assert "token API dell'associazione" in error["message"]


def test_user_and_association_tokens_coexist(client, world):
    _user_token, user_plaintext = APIToken.create_token(user=world.admin, name="personale")
    _token, association_plaintext = services.association_token_create(
        association=world.sports, name="Sito", by=world.admin
    )
    response = client.get("/api/v1/me/", **bearer(user_plaintext))
    assert response.status_code == 200
    assert response.json()["email"] == world.admin.email
    response = client.get("/api/v1/associations/me/", **bearer(association_plaintext))
    assert response.json()["association"]["slug"] == world.sports.slug

    forged = APIToken.generate_token()
    for path in ("/api/v1/me/", "/api/v1/associations/me/", "/api/v1/initiatives/"):
        assert_error(client.get(path, **bearer(forged)), 401, "authentication_failed")
    assert_error(
        client.get("/api/v1/associations/me/", HTTP_AUTHORIZATION="Bearer non-un-token"),
        401,
        "authentication_failed",
    )


def test_an_association_token_is_not_a_signed_in_user(client, world):
    """User routes (here /api/v1/me/) refuse it: it has no account behind it."""
    _token, plaintext = services.association_token_create(
        association=world.sports, name="Sito", by=world.admin
    )
    assert_error(client.get("/api/v1/me/", **bearer(plaintext)), 403, "permission_denied")


def test_the_settings_try_association_tokens_before_user_tokens():
    classes = settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]
    assert classes.index("associations.api_auth.AssociationTokenAuthentication") < classes.index(
        "hub.api_auth.ApiTokenAuthentication"
    )
    assert (
        "associations.api_auth.UserOrAssociationRateThrottle"
        in (settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"])
    )


def test_each_association_has_its_own_rate_limit_bucket(world):
    throttle = UserOrAssociationRateThrottle()
    keys = set()
    for association in (world.sports, world.parents):
        request = APIRequestFactory().get("/api/v1/associations/me/")
        request.user = AssociationPrincipal(association)
        keys.add(throttle.get_cache_key(request, view=None))
    assert len(keys) == 2


def test_a_principal_has_no_permissions(world):
    principal = AssociationPrincipal(world.sports)
    assert principal.is_authenticated and principal.pk is None
    assert not principal.is_staff and not principal.is_superuser
    assert principal.has_perm("wagtailadmin.access_admin") is False


# --- OpenAPI ----------------------------------------------------------------------------------


def test_schema_documents_the_paths_filters_and_token_scheme(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in (
        "/api/v1/associations/",
        "/api/v1/associations/{slug}/",
        "/api/v1/associations/me/",
        "/api/v1/associations/{slug}/tokens/",
        "/api/v1/associations/{slug}/tokens/{token_id}/",
        "/api/v1/initiatives/",
        "/api/v1/initiatives/{id}/",
    ):
        assert path in paths, path

    def parameters(path):
        return {p["name"]: p for p in paths[path]["get"]["parameters"] if p["in"] == "query"}

    associations = parameters("/api/v1/associations/")
    assert {"municipality", "kind", "area", "network"} <= set(associations)
    assert "societa_sportiva" in associations["kind"]["schema"]["enum"]
    assert associations["municipality"]["description"]
    initiatives = parameters("/api/v1/initiatives/")
    assert {"area", "municipality", "age_band", "free", "network", "association"} <= set(
        initiatives
    )
    assert set(initiatives["free"]["schema"]["enum"]) == {"true", "false"}
    assert all(p["schema"]["type"] == "string" for p in initiatives.values() if p["name"] != "page")

    cost = schema["components"]["schemas"]["Initiative"]["properties"]["cost"]
    assert cost["type"] == "string" and cost["format"] == "decimal"
    assert set(paths["/api/v1/associations/{slug}/tokens/"]) >= {"get", "post"}
    assert "delete" in paths["/api/v1/associations/{slug}/tokens/{token_id}/"]
    assert "associationToken" in schema["components"]["securitySchemes"]
