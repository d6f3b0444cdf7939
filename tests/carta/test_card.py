"""The card: issuance, renewal, a new QR code, staff's suspension and revocation, reminders,
and who sees what."""

import datetime as dt

import pytest
from django.urls import reverse

from carta import card_pdf, services, tokens
from carta.models import Card, CardRule
from hub.models import Notification
from tests.carta.factories import TODAY, card_for, family_in, network_with_town
from tests.hub.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_eligible_family_gets_its_card_at_once():
    _network, town = network_with_town()
    _user, family = family_in(town, birth_years=[2008])  # 18 in 2026: still a minor
    card = card_for(family)
    assert card.status == Card.Status.ACTIVE
    assert tokens.is_well_formed_number(card.number)
    assert (card.issued_on, card.valid_until) == (TODAY, TODAY + dt.timedelta(days=365))
    assert card.token_hash == tokens.token_hash(services.token_of(card))
    assert services.token_of(card) not in str(Card.objects.values().get(pk=card.pk))


def test_the_validity_is_the_network_s_setting():
    _network, town = network_with_town(validity_days=180)
    _user, family = family_in(town)
    assert card_for(family).valid_until == TODAY + dt.timedelta(days=180)


@pytest.mark.parametrize(
    ("birth_years", "in_network", "message"),
    [
        ([2007], True, "non ha abbastanza figli minorenni"),
        ([], True, "non ha abbastanza figli minorenni"),
        ([2018], False, "non fa parte di una rete aderente"),
    ],
)
def test_an_ineligible_family_is_told_why_and_nothing_is_written(birth_years, in_network, message):
    _network, town = network_with_town()
    _user, family = family_in(
        town if in_network else MunicipalityFactory(), birth_years=birth_years
    )
    with pytest.raises(services.CardError) as error:
        card_for(family)
    assert message in " ".join(error.value.messages)
    assert not Card.objects.exists()


def test_a_family_has_one_card():
    _network, town = network_with_town()
    _user, family = family_in(town)
    card_for(family)
    with pytest.raises(services.CardError) as error:
        card_for(family)
    assert error.value.code == "card_exists"


def test_renewal_only_in_the_last_month_and_extends_from_the_end():
    _network, town = network_with_town()
    _user, family = family_in(town)
    card = card_for(family)
    with pytest.raises(services.CardError) as error:
        services.card_renew(card=card, today=TODAY + dt.timedelta(days=300))
    assert error.value.code == "too_early"
    old_token = services.token_of(card)
    renewed = services.card_renew(card=card, today=card.valid_until - dt.timedelta(days=10))
    assert renewed.valid_until == card.valid_until + dt.timedelta(days=365)
    assert services.token_of(renewed) != old_token


def test_suspension_needs_a_reason_and_tells_the_family():
    _network, town = network_with_town()
    user, family = family_in(town)
    staff = UserFactory(is_staff=True)
    card = card_for(family)
    with pytest.raises(services.CardError) as error:
        services.card_set_status(card=card, status=Card.Status.SUSPENDED, reason="  ", by=staff)
    assert error.value.code == "reason_required"
    card.refresh_from_db()
    assert card.status == Card.Status.ACTIVE
    services.card_set_status(
        card=card, status=Card.Status.SUSPENDED, reason="Residenza da verificare", by=staff
    )
    card.refresh_from_db()
    assert (card.status, card.status_reason, card.status_changed_by) == (
        Card.Status.SUSPENDED,
        "Residenza da verificare",
        staff,
    )
    notice = Notification.objects.get(user=user, kind="carta.status")
    assert notice.body == "Residenza da verificare"


def test_a_revoked_card_stays_revoked():
    _network, town = network_with_town()
    _user, family = family_in(town)
    staff = UserFactory(is_staff=True)
    card = card_for(family)
    services.card_set_status(card=card, status=Card.Status.REVOKED, reason="Trasferita", by=staff)
    with pytest.raises(services.CardError) as error:
        services.card_set_status(card=card, status=Card.Status.ACTIVE, reason="", by=staff)
    assert error.value.code == "card_revoked"


def test_renewal_reminders_at_30_and_7_days_once_each():
    _network, town = network_with_town()
    user, family = family_in(town)
    card = card_for(family)
    assert services.cards_remind_renewal(today=card.valid_until - dt.timedelta(days=31)) == 0
    month_before = card.valid_until - dt.timedelta(days=30)
    assert services.cards_remind_renewal(today=month_before) == 1
    assert services.cards_remind_renewal(today=month_before + dt.timedelta(days=1)) == 0
    assert services.cards_remind_renewal(today=card.valid_until - dt.timedelta(days=7)) == 1
    assert services.cards_remind_renewal(today=card.valid_until - dt.timedelta(days=6)) == 0
    assert Notification.objects.filter(user=user, kind="carta.renewal").count() == 2


def test_the_reminder_schedule_exists():
    from django_q.models import Schedule

    assert Schedule.objects.get(name="carta-renewal-reminders").func == (
        "carta.tasks.send_renewal_reminders"
    )


# --- Pages -------------------------------------------------------------------------------------


def test_a_family_requests_its_card_from_the_page_and_sees_it(client):
    _network, town = network_with_town()
    user, family = family_in(town)
    client.force_login(user)
    page = client.get(reverse("carta:card"))
    assert page.status_code == 200
    assert "Richiedi la carta" in page.text
    response = client.post(reverse("carta:request"))
    assert response.status_code == 302
    card = Card.objects.get(family=family)
    page = client.get(reverse("carta:card"))
    assert tokens.grouped(card.number) in page.text
    assert "<svg" in page.text
    assert family.name not in page.text.split("<main", 1)[-1]


def test_an_isee_condition_is_asked_and_refused_when_missing(client):
    _network, town = network_with_town(max_isee_band="15000-30000")
    user, _family = family_in(town)
    client.force_login(user)
    assert "Fascia ISEE" in client.get(reverse("carta:card")).text
    response = client.post(reverse("carta:request"), {"declared_isee_band": ""})
    assert response.status_code == 400
    assert not Card.objects.exists()
    response = client.post(reverse("carta:request"), {"declared_isee_band": "30000-40000"})
    assert response.status_code == 400
    assert "oltre quella prevista" in response.text
    response = client.post(reverse("carta:request"), {"declared_isee_band": "fino-15000"})
    assert response.status_code == 302
    assert Card.objects.get().declared_isee_band == "fino-15000"


def test_an_ineligible_request_is_a_400_with_the_reason(client):
    _network, town = network_with_town()
    user, _family = family_in(town, birth_years=[2000])
    client.force_login(user)
    response = client.post(reverse("carta:request"))
    assert response.status_code == 400
    assert "non ha abbastanza figli minorenni" in response.text
    assert not Card.objects.exists()


def test_another_family_never_sees_your_card(client):
    _network, town = network_with_town()
    _user, family = family_in(town)
    card = card_for(family)
    other, _other_family = family_in(town)
    client.force_login(other)
    page = client.get(reverse("carta:card"))
    assert card.number not in page.text and tokens.grouped(card.number) not in page.text
    # Another family's new QR code or renewal acts on its own card only (it has none).
    assert client.post(reverse("carta:new_token")).status_code == 404
    assert client.post(reverse("carta:renew")).status_code == 404
    card.refresh_from_db()
    assert card.token_generation == 1
    # Staff pages are staff's.
    assert client.get(reverse("carta:staff_card", args=[card.pk])).status_code == 403
    assert client.get(reverse("carta:staff_cards")).status_code == 403


def test_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("carta:card"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_new_qr_code_replaces_the_old(client):
    _network, town = network_with_town()
    user, family = family_in(town)
    card = card_for(family)
    old = services.token_of(card)
    client.force_login(user)
    assert client.post(reverse("carta:new_token")).status_code == 302
    card.refresh_from_db()
    assert card.token_generation == 2
    assert services.token_of(card) != old
    assert card.token_hash == tokens.token_hash(services.token_of(card))


def test_staff_suspend_from_their_page_and_a_missing_reason_is_a_400(client):
    _network, town = network_with_town()
    _user, family = family_in(town)
    card = card_for(family)
    client.force_login(UserFactory(is_staff=True))
    url = reverse("carta:staff_card", args=[card.pk])
    response = client.post(url, {"status": "suspended", "reason": ""})
    assert response.status_code == 400
    assert "Indica il motivo" in response.text
    card.refresh_from_db()
    assert card.status == Card.Status.ACTIVE
    response = client.post(url, {"status": "suspended", "reason": "Verifica in corso"})
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.status == Card.Status.SUSPENDED
    listing = client.get(reverse("carta:staff_cards"), {"q": card.number[:6]})
    assert card.number in listing.text


def test_the_card_page_and_staff_list_have_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    _network, town = network_with_town(validity_days=60)
    user, family = family_in(town)
    card_for(family)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("carta:card")).status_code == 200
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("carta:staff_cards"))
    for _ in range(10):
        card_for(family_in(town)[1])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("carta:staff_cards"))
    assert len(many) == len(few)


def test_a_card_rule_refuses_nonsense_in_the_database():
    from django.db import IntegrityError, transaction

    network, _town = network_with_town()
    with pytest.raises(IntegrityError), transaction.atomic():
        CardRule.objects.create(network=network, min_minor_children=0)


def test_the_printable_card_is_the_family_s_own_and_names_no_one(client):
    _network, town = network_with_town()
    user, family = family_in(town)
    card = card_for(family)
    client.force_login(user)
    response = client.get(reverse("carta:print"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    readable = card_pdf.card_pdf(
        title="Carta Famiglia",
        network=str(card.network),
        number=tokens.grouped(card.number),
        valid_until="Valida fino al 6 dicembre 2027",
        qr_data=services.token_of(card),
        note="Ritaglia",
        compress=False,
    )
    assert tokens.grouped(card.number).encode() in readable
    assert b"Valida fino al 6 dicembre 2027" in readable
    other, _other_family = family_in(town)
    client.force_login(other)
    assert client.get(reverse("carta:print")).status_code == 404
    services.card_set_status(
        card=card, status=Card.Status.SUSPENDED, reason="Verifica", by=UserFactory(is_staff=True)
    )
    client.force_login(user)
    assert client.get(reverse("carta:print")).status_code == 404
