"""Sign-up, e-mail verification, log-in by e-mail, password reset: django-allauth, in Italian."""

import re

import pytest
from allauth.account.models import EmailAddress

from hub.models import User
from tests.hub.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "una-password-lunga-2026"


def confirmation_link(message) -> str:
    return re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", message.body).group(0)


def test_sign_up_verify_and_log_in_by_email(client, mailoutbox):
    response = client.post(
        "/accounts/signup/",
        {"email": "Nuova.Famiglia@Example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get()
    assert user.email == "nuova.famiglia@example.org"
    assert not EmailAddress.objects.get(user=user).verified

    [message] = mailoutbox
    assert message.to == ["nuova.famiglia@example.org"]
    assert message.subject.startswith("[Rete Famiglie]")
    assert "Conferma" in message.subject or "conferma" in message.body.lower()

    link = confirmation_link(message).split("testserver", 1)[-1]
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "NUOVA.famiglia@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/profilo/"
    assert client.get("/account/profilo/").status_code == 200


def test_unverified_address_cannot_log_in(client, mailoutbox):
    user = UserFactory(email="attesa@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    response = client.post(
        "/accounts/login/", {"login": "attesa@example.org", "password": "password-sicura-123"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert len(mailoutbox) == 1  # the verification mail is sent again


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"email": "non-una-email", "password1": PASSWORD, "password2": PASSWORD},
            "email",
            "indirizzo email valido",
        ),
        (
            {"email": "a@example.org", "password1": PASSWORD, "password2": "altra-cosa-2026"},
            "password2",
            "stessa password",
        ),
        (
            {"email": "a@example.org", "password1": "123", "password2": "123"},
            "password1",
            "troppo corta",
        ),
    ],
)
def test_bad_sign_up_gets_400_with_italian_field_message(client, data, field, message):
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field]).lower()
    assert not User.objects.exists()


def test_duplicate_email_creates_nothing_and_reveals_nothing(client, mailoutbox):
    """Allauth's enumeration protection: the page looks like a normal sign-up, the existing
    owner of the address is told by e-mail, and no second account appears."""
    UserFactory(email="gia.iscritta@example.org")
    response = client.post(
        "/accounts/signup/",
        {"email": "Gia.Iscritta@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.count() == 1
    [message] = mailoutbox
    assert message.to == ["gia.iscritta@example.org"]


def test_wrong_password_gets_400(client):
    user = UserFactory(email="rossi@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post("/accounts/login/", {"login": user.email, "password": "sbagliata"})
    assert response.status_code == 400
    assert "non sono corretti" in response.content.decode()


def test_password_reset_mail_in_italian(client, mailoutbox):
    user = UserFactory(email="dimentico@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    [message] = mailoutbox
    assert "/accounts/password/reset/key/" in message.body
    assert "password" in message.subject.lower()


def test_english_is_available(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()
    response = client.get("/accounts/login/")
    assert 'lang="it"' in response.content.decode()


def test_language_switch_sets_the_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"
