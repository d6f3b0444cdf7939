"""Invitations (issue 17, item 7): staff pick a rule on the hub's family records, each family
gets a personal one-time link by e-mail; reminders go to those who have not answered."""

import re

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from surveys import services
from surveys.models import Invitation, Survey
from tests.hub.factories import MunicipalityFactory, UserFactory, make_family
from tests.surveys.factories import good_answers, make_survey

pytestmark = pytest.mark.django_db

INVITES = "/questionari/gestione/genitorialita/inviti/"
REMINDERS = "/questionari/gestione/genitorialita/promemoria/"


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(email="staff.cidis@example.org", is_staff=True))
    return client


@pytest.fixture
def survey():
    survey = make_survey(audience=Survey.Audience.INVITED)
    bruino, orbassano = survey.network.municipalities.order_by("pk")
    year = timezone.localdate().year
    make_family(
        user=UserFactory(email="rossi@example.org"), municipality=bruino, birth_years=[year]
    )
    make_family(
        user=UserFactory(email="gallo@example.org"), municipality=orbassano, birth_years=[year - 2]
    )
    # Too old a child, and a family outside the network: neither is invited by the 0–2 rule.
    make_family(
        user=UserFactory(email="ferrero@example.org"), municipality=bruino, birth_years=[year - 5]
    )
    make_family(
        user=UserFactory(email="brambilla@example.org"),
        municipality=MunicipalityFactory(name="Lissone"),
        birth_years=[year],
    )
    return survey


def _link(message):
    return re.search(r"https?://\S+/questionari/invito/(\w+)/", message.body)


def test_staff_invite_the_0_2_families_of_the_network_by_email(
    staff_client, survey, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(INVITES, {"rule": "children_0_2"})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["gallo@example.org", "rossi@example.org"]
    message = mail.outbox[0]
    assert "Genitorialità sostenibile" in message.subject
    token = _link(message).group(1)
    # Only a hash of the token is stored.
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert token not in str(list(Invitation.objects.values()))
    assert staff_client.get(f"/questionari/invito/{token}/").status_code == 200
    # Inviting again reaches nobody twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(INVITES, {"rule": "children_0_2"})
    assert mail.outbox == []
    page = staff_client.get(INVITES)
    assert "Famiglie invitate: 2; hanno risposto: 0." in page.content.decode()


def test_the_all_families_rule_reaches_every_resident_family(
    staff_client, survey, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(INVITES, {"rule": "all"})
    assert len(mail.outbox) == 3


def test_a_bad_rule_or_a_public_survey_is_refused_with_a_message(staff_client, survey):
    assert staff_client.post(INVITES, {"rule": "tutti-i-cittadini"}).status_code == 400
    survey.audience = Survey.Audience.PUBLIC
    survey.save()
    response = staff_client.post(INVITES, {"rule": "all"})
    assert response.status_code == 400
    assert "solo per i questionari su invito" in response.content.decode()
    assert not Invitation.objects.exists()


def test_reminders_reach_only_those_who_have_not_answered_once_a_day(
    staff_client, client, survey, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(INVITES, {"rule": "children_0_2"})
    rossi = next(m for m in mail.outbox if m.to == ["rossi@example.org"])
    token = _link(rossi).group(1)
    assert client.post(f"/questionari/invito/{token}/", good_answers()).status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(REMINDERS).status_code == 302
    assert [m.to for m in mail.outbox] == [["gallo@example.org"]]
    assert "Promemoria" in mail.outbox[0].subject
    # The reminder carries the same personal link.
    gallo_token = _link(mail.outbox[0]).group(1)
    assert client.get(f"/questionari/invito/{gallo_token}/").status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(REMINDERS)
    assert mail.outbox == []
    assert services.invitations_remind(survey=survey) == 0


@pytest.mark.parametrize("path", [INVITES, REMINDERS])
def test_invitations_are_for_staff_only(client, survey, path):
    response = client.post(path, {"rule": "all"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory(email="famiglia@example.org"))
    assert client.post(path, {"rule": "all"}).status_code == 403
    assert not Invitation.objects.exists()


def test_the_invitation_email_speaks_english():
    context = {"title": "T", "network": "CIdiS", "link": "https://x/", "closes_on": "31/01/2027"}
    with translation.override("en"):
        body = render_to_string("surveys/email/invitation_body.txt", context)
    assert "the network CIdiS invites you to answer the survey “T”" in body
