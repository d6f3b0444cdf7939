"""The public side of associations: join form, directory, association and initiative pages,
follows."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from associations.models import Association, Follow, JoinRequest
from hub.models import Area, Municipality, Network
from tests.associations.factories import (
    make_association,
    make_associations_quickly,
    make_initiative,
)
from tests.hub.factories import UserFactory

pytestmark = pytest.mark.django_db

JOIN_URL = reverse("associations:join")
DIRECTORY_URL = reverse("associations:directory")


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
def cidis():
    return make_network(
        "cidis", "CIdiS", [("Bruino", "bruino", "001038"), ("Volvera", "volvera", "001314")]
    )


@pytest.fixture
def lombard():
    return make_network("rete-lombarda", "Rete lombarda", [("Lissone", "lissone", "108028")])


def html(response) -> str:
    return response.content.decode()


# --- Join form --------------------------------------------------------------------------------


def join_data(network: Network, /, **overrides) -> dict:
    data = {
        "name": "Polisportiva Bruinese",
        "kind": Association.Kind.SPORTS_CLUB,
        "network": str(network.pk),
        "municipalities": [str(m.pk) for m in network.municipalities.all()],
        "areas": [str(Area.objects.get(slug="ambiente-e-sport").pk)],
        "description": "Minibasket e pallavolo per bambini dai 5 ai 13 anni.",
        "contact_name": "Anna Bianchi",
        "contact_email": "Segreteria@Polisportiva.example.org",
        "contact_phone": "+39 011 123 4567",
        "website": "polisportiva.example.org",
        "editor_email": "redazione@polisportiva.example.org",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_join_form_groups_municipalities_by_network(client, cidis, lombard):
    response = client.get(JOIN_URL)
    assert response.status_code == 200
    page = html(response)
    for text in ("CIdiS", "Rete lombarda", "Bruino", "Volvera", "Lissone", "parrocchia"):
        assert text in page
    municipalities = page[page.index("Comuni in cui operate") :]
    assert (
        municipalities.index("CIdiS")
        < municipalities.index("Bruino")
        < municipalities.index("Rete lombarda")
        < municipalities.index("Lissone")
    )


def test_join_request_is_submitted(client, cidis, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(JOIN_URL, join_data(cidis))
    assert response.status_code == 302
    assert response["Location"] == reverse("associations:join_sent")
    request = JoinRequest.objects.get()
    assert request.status == JoinRequest.Status.PENDING
    assert request.contact_email == "segreteria@polisportiva.example.org"
    assert request.website == "https://polisportiva.example.org"
    assert {m.slug for m in request.municipalities.all()} == {"bruino", "volvera"}
    assert [a.slug for a in request.areas.all()] == ["ambiente-e-sport"]
    assert callbacks, "the acknowledgement e-mail is queued after commit"
    assert client.get(response["Location"]).status_code == 200


def test_join_request_with_missing_fields_is_refused_field_by_field(client, cidis):
    response = client.post(JOIN_URL, {"name": "  "})
    assert response.status_code == 400
    errors = response.context["form"].errors
    for name in (
        "name",
        "kind",
        "network",
        "municipalities",
        "areas",
        "description",
        "contact_name",
        "contact_email",
        "editor_email",
    ):
        assert name in errors, name
    assert errors["municipalities"] == ["Indica almeno un comune."]
    assert "Questo campo è obbligatorio." in errors["name"]
    assert 'aria-invalid="true"' in html(response)
    assert not JoinRequest.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contact_email", "non-una-mail"),
        ("editor_email", "@example.org"),
        ("website", "http://"),
        ("contact_phone", "chiamami"),
        ("kind", "bocciofila"),
        ("network", "9999"),
        ("municipalities", ["9999"]),
        ("description", "x" * 2001),
    ],
)
def test_join_request_with_malformed_field_is_refused(client, cidis, field, value):
    response = client.post(JOIN_URL, join_data(cidis, **{field: value}))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert not JoinRequest.objects.exists()


def test_join_request_for_municipalities_of_another_network_is_refused(client, cidis, lombard):
    lissone = lombard.municipalities.get()
    response = client.post(JOIN_URL, join_data(cidis, municipalities=[str(lissone.pk)]))
    assert response.status_code == 400
    assert (
        "non fanno parte della rete scelta: Lissone"
        in (response.context["form"].errors["municipalities"][0])
    )
    assert not JoinRequest.objects.exists()


def test_duplicate_name_in_the_same_municipality_is_refused(client, cidis):
    make_association(name="Polisportiva Bruinese", network=cidis, municipalities=["bruino"])
    response = client.post(JOIN_URL, join_data(cidis, name="polisportiva bruinese"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["name"]
    assert "Esiste già un'associazione" in errors["name"][0]
    assert "Bruino" in errors["name"][0]
    assert JoinRequest.objects.count() == 1  # only the approved one


def test_join_only_answers_get_and_post(client):
    assert client.put(JOIN_URL).status_code == 405


# --- Join form: abuse protection (hub.abuse) ---------------------------------------------------

SPAM = "Offerta imperdibile su pillole-blu.example"


def test_join_received_mail_never_echoes_the_visitors_text(
    client, cidis, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(JOIN_URL, join_data(cidis, name=SPAM))
    assert response.status_code == 302
    request = JoinRequest.objects.get()
    [message] = [m for m in mailoutbox if m.to == [request.contact_email]]
    assert message.subject == f"Richiesta di adesione n. {request.pk} ricevuta"
    assert "pillole" not in message.subject + message.body
    assert "CIdiS" in message.body
    assert str(request.pk) in message.body


def test_filled_honeypot_pretends_success_and_stores_and_sends_nothing(
    client, cidis, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(JOIN_URL, join_data(cidis, homepage="https://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == reverse("associations:join_sent")
    assert not JoinRequest.objects.exists()
    assert callbacks == []
    assert mailoutbox == []


def test_honeypot_wins_even_over_an_invalid_form(client, cidis):
    response = client.post(JOIN_URL, {"homepage": "x", "name": ""})
    assert response.status_code == 302
    assert not JoinRequest.objects.exists()


def test_a_burst_from_one_address_sends_five_mails_then_429(
    client, cidis, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            client.post(
                JOIN_URL,
                join_data(cidis, name=f"Gruppo {n}", contact_email=f"vittima{n}@example.org"),
            )
            for n in range(15)
        ]
    statuses = [r.status_code for r in responses]
    assert statuses == [302] * 5 + [429] * 10
    assert JoinRequest.objects.count() == 5
    assert len([m for m in mailoutbox if m.to[0].startswith("vittima")]) == 5
    refused = responses[-1]
    assert refused["Retry-After"] == "600"
    assert "troppe richieste da questa connessione" in html(refused)


def test_a_flood_counts_invalid_and_honeypot_submissions_too(client, cidis):
    for _n in range(3):
        assert client.post(JOIN_URL, {"name": ""}).status_code == 400
    for _n in range(2):
        assert client.post(JOIN_URL, {"homepage": "x"}).status_code == 302
    assert client.post(JOIN_URL, join_data(cidis)).status_code == 429
    assert not JoinRequest.objects.exists()
    assert client.get(JOIN_URL).status_code == 200  # reading the form is never throttled


def test_one_contact_address_gets_three_mails_whatever_the_sender(
    client, cidis, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            client.post(
                JOIN_URL,
                join_data(cidis, name=f"Gruppo {n}", contact_email=f"Bersaglio+{n}@Example.org"),
                REMOTE_ADDR=f"192.0.2.{n + 1}",
            )
            for n in range(6)
        ]
    assert [r.status_code for r in responses] == [302] * 3 + [429] * 3
    assert "a questo indirizzo e-mail" in html(responses[-1])
    assert JoinRequest.objects.count() == 3
    assert len([m for m in mailoutbox if m.to[0].startswith("bersaglio")]) == 3


def test_other_visitors_are_not_throttled_by_a_flood(client, cidis):
    for n in range(6):
        client.post(JOIN_URL, join_data(cidis, name=f"Gruppo {n}", contact_email=f"x{n}@e.org"))
    response = client.post(
        JOIN_URL,
        join_data(cidis, name="Coro di Volvera", contact_email="coro@example.org"),
        REMOTE_ADDR="198.51.100.9",
    )
    assert response.status_code == 302


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens on port 1: a real cache that cannot be reached.
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
)
def test_without_its_cache_the_throttle_refuses_instead_of_failing(client, cidis, mailoutbox):
    response = client.post(JOIN_URL, join_data(cidis))
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "momentaneamente" in html(response)
    assert not JoinRequest.objects.exists()


# --- Directory --------------------------------------------------------------------------------


@pytest.fixture
def directory_data(cidis, lombard):
    bruinese = make_association(
        name="Polisportiva Bruinese",
        network=cidis,
        municipalities=["bruino", "volvera"],
        areas=["ambiente-e-sport"],
        kind=Association.Kind.SPORTS_CLUB,
    )
    oratorio = make_association(
        name="Oratorio San Vito",
        network=cidis,
        municipalities=["volvera"],
        areas=["comunita-educante"],
        kind=Association.Kind.PARISH,
    )
    lissonese = make_association(
        name="GS Lissonese",
        network=lombard,
        municipalities=["lissone"],
        areas=["ambiente-e-sport"],
        kind=Association.Kind.SPORTS_CLUB,
    )
    hidden = make_association(name="Gruppo in bozza", network=cidis, municipalities=["bruino"])
    hidden.page.unpublish()
    return {"bruinese": bruinese, "oratorio": oratorio, "lissonese": lissonese}


def names_in(response) -> list[str]:
    return [a.name for a in response.context["page_obj"].object_list]


def test_directory_lists_associations_with_a_live_page(client, directory_data):
    response = client.get(DIRECTORY_URL)
    assert response.status_code == 200
    assert names_in(response) == ["GS Lissonese", "Oratorio San Vito", "Polisportiva Bruinese"]
    page = html(response)
    assert f'href="{directory_data["bruinese"].page.url}"' in page
    assert "Gruppo in bozza" not in page
    assert "società sportiva" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"comune": "volvera"}, ["Oratorio San Vito", "Polisportiva Bruinese"]),
        ({"tipo": "parrocchia"}, ["Oratorio San Vito"]),
        ({"area": "ambiente-e-sport"}, ["GS Lissonese", "Polisportiva Bruinese"]),
        ({"rete": "rete-lombarda"}, ["GS Lissonese"]),
        ({"rete": "cidis", "area": "ambiente-e-sport"}, ["Polisportiva Bruinese"]),
        ({"comune": "lissone", "tipo": "parrocchia"}, []),
        (
            {"comune": "", "tipo": ""},
            ["GS Lissonese", "Oratorio San Vito", "Polisportiva Bruinese"],
        ),
    ],
)
def test_directory_filters(client, directory_data, query, expected):
    response = client.get(DIRECTORY_URL, query)
    assert response.status_code == 200
    assert names_in(response) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"comune": "atlantide"}, "comune"),
        ({"tipo": "bocciofila"}, "tipo"),
        ({"area": "astronomia"}, "area"),
        ({"rete": "rete-fantasma"}, "rete"),
    ],
)
def test_directory_refuses_unknown_filter_values(client, directory_data, query, field):
    response = client.get(DIRECTORY_URL, query)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "non " in html(response)  # «…» non è tra i valori possibili / non è un tipo
    assert "page_obj" not in response.context


def test_network_index_page_lists_only_its_network(client, directory_data, cidis):
    index_url = directory_data["bruinese"].page.get_parent().url
    response = client.get(index_url)
    assert response.status_code == 200
    assert names_in(response) == ["Oratorio San Vito", "Polisportiva Bruinese"]
    assert "rete" not in response.context["form"].fields
    assert client.get(index_url, {"comune": "volvera"}).status_code == 200
    # Lissone is a real municipality, but not of this network.
    assert client.get(index_url, {"comune": "lissone"}).status_code == 400


def test_directory_is_paginated_by_20(client, cidis):
    make_associations_quickly(
        45,
        network=cidis,
        municipalities=cidis.municipalities.all(),
        areas=Area.objects.all()[:1],
    )
    first = client.get(DIRECTORY_URL, {"comune": "bruino"})
    assert len(first.context["page_obj"].object_list) == 20
    assert first.context["page_obj"].paginator.num_pages == 3
    assert 'aria-current="page"' in html(first)
    assert "?comune=bruino&amp;pagina=2" in html(first)
    last = client.get(DIRECTORY_URL, {"comune": "bruino", "pagina": "3"})
    assert len(last.context["page_obj"].object_list) == 5
    # A malformed page number shows a page, not an error.
    assert client.get(DIRECTORY_URL, {"pagina": "tanti"}).status_code == 200


def test_directory_queries_do_not_grow_with_associations(
    client, cidis, django_assert_max_num_queries
):
    """/associazioni/ and the network's index page: the same bound with 10 and 200."""
    spread = {"municipalities": cidis.municipalities.all(), "areas": Area.objects.all()[:2]}
    make_associations_quickly(10, network=cidis, **spread)
    urls = [DIRECTORY_URL, Association.objects.first().page.get_parent().url]
    client.get(urls[1])  # warm Wagtail's site cache
    bounds = []
    for url in urls:
        with django_assert_max_num_queries(30) as with_10:
            assert client.get(url, {"comune": "bruino"}).status_code == 200
        bounds.append(len(with_10))
    make_associations_quickly(190, network=cidis, prefix="Altro", **spread)
    measured = []
    for url, bound in zip(urls, bounds, strict=True):
        with django_assert_max_num_queries(bound) as with_200:
            response = client.get(url, {"comune": "bruino"})
        assert response.context["page_obj"].paginator.count == 200
        assert len(response.context["page_obj"].object_list) == 20
        measured.append(len(with_200))
    print(f"directory queries (10 → 200): {list(zip(bounds, measured, strict=True))}")


# --- Association page -------------------------------------------------------------------------


@pytest.fixture
def bruinese(cidis):
    association = make_association(
        name="Polisportiva Bruinese",
        network=cidis,
        municipalities=["bruino", "volvera"],
        areas=["ambiente-e-sport", "comunita-educante"],
        kind=Association.Kind.SPORTS_CLUB,
    )
    association.phone = "011 987 6543"
    association.website = "https://polisportiva.example.org"
    association.save(update_fields=["phone", "website"])
    return association


def test_association_page_shows_its_facts_and_live_initiatives(client, bruinese):
    make_initiative(
        bruinese, title="Minibasket", area="ambiente-e-sport", municipalities=["bruino"]
    )
    make_initiative(
        bruinese,
        title="Bozza segreta",
        area="ambiente-e-sport",
        municipalities=["bruino"],
        live=False,
    )
    response = client.get(bruinese.page.url)
    assert response.status_code == 200
    page = html(response)
    for text in (
        "Polisportiva Bruinese",
        "società sportiva",
        "Bruino, Volvera",
        "Ambiente e sport, Comunità educante",
        "info+polisportiva-bruinese@example.org",
        'href="tel:0119876543"',
        "Minibasket",
        "Eventi in arrivo",
        "Nessun evento in programma",
    ):
        assert text in page, text
    assert "Bozza segreta" not in page
    assert [i.title for i in response.context["initiatives"]] == ["Minibasket"]


def test_anonymous_visitor_is_invited_to_log_in_to_follow(client, bruinese):
    page = html(client.get(bruinese.page.url))
    assert f"{reverse('account_login')}?next=" in page
    assert reverse("associations:follow", args=[bruinese.slug]) not in page
    assert "Gestisci redattori" not in page


def test_signed_in_user_sees_follow_then_unfollow(client, bruinese):
    user = UserFactory()
    client.force_login(user)
    follow_url = reverse("associations:follow", args=[bruinese.slug])
    page = html(client.get(bruinese.page.url))
    assert f'action="{follow_url}"' in page
    assert ">Segui<" in page
    Follow.objects.create(user=user, association=bruinese)
    page = html(client.get(bruinese.page.url))
    assert "Non seguire più" in page
    assert "Gestisci redattori" not in page


def test_association_admin_sees_the_editors_link(client, bruinese):
    from associations.models import AssociationMembership

    admin = UserFactory()
    AssociationMembership.objects.create(
        association=bruinese, user=admin, role=AssociationMembership.Role.ADMIN
    )
    client.force_login(admin)
    page = html(client.get(bruinese.page.url))
    assert "Gestisci redattori" in page
    assert reverse("associations:editors", args=[bruinese.slug]) in page


def test_association_page_queries_do_not_grow_with_initiatives(
    client, bruinese, django_assert_max_num_queries
):
    client.force_login(UserFactory())

    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            make_initiative(
                bruinese,
                title=f"Iniziativa {n}",
                area="ambiente-e-sport",
                municipalities=["bruino", "volvera"],
                age_bands=["6-10", "11-13"],
            )

    add(2, 0)
    client.get(bruinese.page.url)
    with django_assert_max_num_queries(60) as with_2:
        client.get(bruinese.page.url)
    add(10, 2)
    with django_assert_max_num_queries(len(with_2.captured_queries)) as with_12:
        response = client.get(bruinese.page.url)
    assert len(response.context["initiatives"]) == 12
    print(f"association page queries (2 → 12 initiatives): {len(with_2)} → {len(with_12)}")


# --- Initiative page --------------------------------------------------------------------------


def test_initiative_page_shows_every_field_in_italian(client, bruinese):
    initiative = make_initiative(
        bruinese,
        title="Minibasket del sabato",
        area="comunita-educante",
        municipalities=["bruino", "volvera"],
        age_bands=["6-10", "11-13"],
        is_free=False,
        cost="1234.50",
        cost_note="sconto per i fratelli",
        frequency="weekly",
        period_start=datetime.date(2026, 9, 1),
        period_end=datetime.date(2027, 6, 30),
        place="Palestra comunale di via Roma",
        contact_email="minibasket@example.org",
        contact_phone="333 123 4567",
        good_practice=True,
        summary="Due allenamenti a settimana per bambini e ragazzi.",
    )
    response = client.get(initiative.url)
    assert response.status_code == 200
    page = html(response)
    for text in (
        "Minibasket del sabato",
        "Polisportiva Bruinese",
        "Comunità educante",
        "D. Comunità educante",  # the macro-area
        "6–10 anni, 11–13 anni",
        "Bruino, Volvera",
        '<span class="hub-num">1.234,50\xa0€</span> – sconto per i fratelli',
        "settimanale",
        'dal <time datetime="2026-09-01">01/09/2026</time>',
        'al <time datetime="2027-06-30">30/06/2027</time>',
        "Palestra comunale di via Roma",
        "mailto:minibasket@example.org",
        'href="tel:3331234567"',
        "Buona pratica",
        "Due allenamenti a settimana",
    ):
        assert text in page, text
    assert f'href="{bruinese.page.url}"' in page


def test_free_initiative_says_so(client, bruinese):
    initiative = make_initiative(
        bruinese, title="Merenda al parco", area="ambiente-e-sport", municipalities=["bruino"]
    )
    page = html(client.get(initiative.url))
    assert "Gratuita" in page
    assert "€" not in page.split("Costo", 1)[1].split("</dd>", 1)[0]


def test_unpublished_initiative_is_not_served(client, bruinese):
    draft = make_initiative(
        bruinese, title="Bozza", area="ambiente-e-sport", municipalities=["bruino"], live=False
    )
    assert client.get(f"{bruinese.page.url}{draft.slug}/").status_code == 404


# --- Follow -----------------------------------------------------------------------------------


def follow_url(association) -> str:
    return reverse("associations:follow", args=[association.slug])


def test_follow_toggles_and_comes_back(client, bruinese):
    user = UserFactory()
    client.force_login(user)
    response = client.post(follow_url(bruinese), {"next": bruinese.page.url})
    assert response.status_code == 302
    assert response["Location"] == bruinese.page.url
    assert Follow.objects.filter(user=user, association=bruinese).exists()
    assert "Ora segui Polisportiva Bruinese." in html(client.get(bruinese.page.url))

    client.post(follow_url(bruinese))
    assert not Follow.objects.filter(user=user).exists()
    assert "Non segui più Polisportiva Bruinese." in html(client.get(bruinese.page.url))


def test_follow_with_explicit_state_is_idempotent(client, bruinese):
    user = UserFactory()
    client.force_login(user)
    for _ in range(2):
        client.post(follow_url(bruinese), {"following": "1"})
    assert Follow.objects.filter(user=user).count() == 1
    for _ in range(2):
        client.post(follow_url(bruinese), {"following": "0"})
    assert not Follow.objects.exists()
    assert client.post(follow_url(bruinese), {"following": "forse"}).status_code == 400
    assert not Follow.objects.exists()


def test_follow_ignores_an_unsafe_next(client, bruinese):
    client.force_login(UserFactory())
    response = client.post(follow_url(bruinese), {"next": "https://evil.example.com/"})
    assert response["Location"] == bruinese.page.url


def test_follow_needs_post_login_and_a_public_association(client, bruinese):
    response = client.post(follow_url(bruinese))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Follow.objects.exists()

    client.force_login(UserFactory())
    assert client.get(follow_url(bruinese)).status_code == 405
    assert client.post(reverse("associations:follow", args=["nessuna"])).status_code == 404
    bruinese.page.unpublish()
    assert client.post(follow_url(bruinese)).status_code == 404


def test_profile_follows_lists_followed_associations(rf, bruinese, cidis):
    from django.template.loader import render_to_string

    from associations.selectors import follows_of

    user = UserFactory()
    other = make_association(name="Oratorio San Vito", network=cidis, municipalities=["volvera"])
    hidden = make_association(name="Gruppo ritirato", network=cidis, municipalities=["volvera"])
    for association in (other, bruinese, hidden):
        Follow.objects.create(user=user, association=association)
    hidden.page.unpublish()
    request = rf.get("/account/profilo/")
    request.user = user
    follows = follows_of(user)
    assert [a.name for a in follows] == ["Oratorio San Vito", "Polisportiva Bruinese"]
    page = render_to_string(
        "associations/profile_follows.html", {"follows": follows}, request=request
    )
    assert "Associazioni che segui" in page
    assert f'href="{bruinese.page.url}"' in page
    assert "Gruppo ritirato" not in page
    empty = render_to_string("associations/profile_follows.html", {"follows": []}, request=request)
    assert "Non segui ancora nessuna associazione" in empty
