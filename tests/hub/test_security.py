"""Browser-facing security: one sign-in for the admin, rate limits, API tokens for verified
addresses only, Content-Security-Policy, Permissions-Policy, no third-party avatars."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.test import override_settings
from wagtail.models import APIToken

import hub.settings as production_settings
from hub import abuse, services
from tests.hub.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "password-sicura-123"  # UserFactory's


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def staff_user(**extra):
    return verified(UserFactory(is_staff=True, is_superuser=True, **extra))


def editor_with_admin_access():
    """Admin access by Wagtail permission (an association editor), not by being staff."""
    user = verified(UserFactory())
    group = Group.objects.create(name="Redattori di prova")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    return user


def signed_in(client, user):
    return "_auth_user_id" in client.session and client.session["_auth_user_id"] == str(user.pk)


# --- The admin signs in through allauth -------------------------------------------------------


def test_admin_login_redirects_to_allauth_keeping_a_safe_next(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fpages%2F"

    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_visitor_at_the_admin_is_sent_to_allauth_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/admin/")


def test_posting_to_the_old_admin_login_signs_nobody_in(client):
    """Wagtail's own login form is gone: a POST with good credentials gets a redirect only."""
    staff = staff_user()
    unverified = UserFactory(is_staff=True, is_superuser=True)
    for user in (staff, unverified):
        response = client.post("/admin/login/", {"username": user.email, "password": PASSWORD})
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_old_admin_password_reset_redirects_to_allauth(client):
    for path in ("/admin/password_reset/", "/admin/password_reset/done/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/password/reset/"
    response = client.post("/admin/password_reset/", {"email": "chiunque@example.org"})
    assert response["Location"] == "/accounts/password/reset/"


def test_staff_signs_in_through_allauth_and_reaches_the_admin(client):
    staff = staff_user(email="staff@example.org")
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": staff.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert signed_in(client, staff)
    assert client.get("/admin/").status_code == 200


def test_unverified_staff_cannot_sign_in_at_all(client, mailoutbox):
    staff = UserFactory(is_staff=True, is_superuser=True, email="nuovo.staff@example.org")
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": staff.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    [message] = mailoutbox
    assert message.to == [staff.email]


def test_signed_in_family_gets_403_with_a_message_at_the_admin(client):
    family_person = verified(UserFactory())
    client.force_login(family_person)
    for path in ("/admin/", "/admin/pages/", "/admin/users/", "/admin/logout/"):
        response = client.get(path)
        assert response.status_code == 403, path
        page = response.content.decode()
        assert "Non hai il permesso di accedere a questa pagina." in page
        assert "wagtailadmin" not in page
    # No redirect loop through the login page either.
    assert client.get("/accounts/login/?next=/admin/")["Location"] == "/admin/"


def test_people_with_admin_access_reach_the_admin(client):
    for user in (staff_user(), editor_with_admin_access()):
        client.force_login(user)
        assert client.get("/admin/").status_code == 200
        client.logout()


# --- allauth's rate limits ----------------------------------------------------------------------


def test_production_settings_keep_login_rate_limits_on():
    limits = production_settings.ACCOUNT_RATE_LIMITS
    assert limits, "rate limits must not be turned off outside the tests"
    assert "login_failed" in limits
    assert settings.ACCOUNT_RATE_LIMITS is False  # the tests' own settings, turned on below


@override_settings(ACCOUNT_RATE_LIMITS=production_settings.ACCOUNT_RATE_LIMITS)
def test_thirty_wrong_passwords_are_throttled_and_then_the_right_one_does_not_work(client):
    user = verified(UserFactory(email="bersaglio@example.org"))
    statuses, throttled = [], 0
    for attempt in range(30):
        response = client.post(
            "/accounts/login/", {"login": user.email, "password": f"sbagliata-{attempt}"}
        )
        statuses.append(response.status_code)
        page = response.content.decode()
        if response.status_code == 429 or "Troppi tentativi di accesso" in page:
            throttled += 1
    assert set(statuses) <= {400, 429}
    # allauth: 5 failures per address in 5 minutes, then every attempt is refused unchecked.
    assert statuses[:5] == [400] * 5
    assert throttled == 25

    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code in {400, 429}
    assert "_auth_user_id" not in client.session


@override_settings(ACCOUNT_RATE_LIMITS=production_settings.ACCOUNT_RATE_LIMITS)
def test_login_flood_from_one_address_gets_the_hubs_429_page(client):
    responses = [
        client.post("/accounts/login/", {"login": f"p{n}@example.org", "password": "x"})
        for n in range(31)
    ]
    last = responses[-1]
    assert last.status_code == 429
    assert last["Retry-After"]
    assert "Troppe richieste" in last.content.decode()


# --- API tokens need a verified address -------------------------------------------------------


def test_unverified_address_cannot_create_an_api_token(client):
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    client.force_login(user)

    page = client.get("/account/profilo/").content.decode()
    assert "conferma prima il tuo indirizzo e-mail" in page
    assert 'action="/account/token/"' not in page

    response = client.post("/account/token/", {"name": "calendario"})
    assert response.status_code == 403
    assert "conferma prima il tuo indirizzo e-mail" in response.content.decode()
    assert not APIToken.objects.exists()

    with pytest.raises(ValidationError) as refused:
        services.api_token_create(user=user, name="calendario")
    assert refused.value.code == "unverified_email"
    assert not APIToken.objects.exists()


def test_verified_address_creates_an_api_token(client):
    user = verified(UserFactory())
    client.force_login(user)
    assert 'action="/account/token/"' in client.get("/account/profilo/").content.decode()
    assert client.post("/account/token/", {"name": "calendario"}).status_code == 302
    assert APIToken.objects.filter(user=user).count() == 1


def test_a_verified_secondary_address_is_not_enough():
    user = UserFactory(email="principale@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    EmailAddress.objects.create(user=user, email="altra@example.org", verified=True)
    with pytest.raises(ValidationError):
        services.api_token_create(user=user, name="calendario")


# --- Content-Security-Policy and Permissions-Policy ---------------------------------------------


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


PUBLIC_PAGES = ["/", "/associazioni/", "/associazioni/aderisci/", "/eventi/", "/accounts/login/"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_a_strict_policy_with_the_pages_nonce(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = directives(response)
    script_src = policy["script-src"]
    assert "'self'" in script_src
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    [nonce] = [v for v in script_src if v.startswith("'nonce-")]
    page = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts
    for tag in scripts:
        assert f'nonce="{nonce[7:-1]}"' in tag, tag
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert "ws://testserver" in policy["connect-src"]


def test_each_response_gets_its_own_nonce(client):
    first = directives(client.get("/"))["script-src"]
    second = directives(client.get("/"))["script-src"]
    assert first != second


def test_https_requests_allow_only_secure_websockets(client):
    connect_src = directives(client.get("/", secure=True))["connect-src"]
    assert "wss://testserver" in connect_src
    assert "ws://testserver" not in connect_src


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/non-esiste/", 404),
        ("/account/profilo/", 302),
        ("/healthz", 200),
        ("/api/v1/areas/", 200),
        ("/api/v1/me/", 401),
        ("/static/hub/hub.css", 200),
    ],
)
def test_every_response_has_both_policies(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert "script-src 'self'" in response["Content-Security-Policy"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in permissions


def test_the_admin_alone_relaxes_script_src(client):
    client.force_login(staff_user())
    response = client.get("/admin/")
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["object-src"] == ["'none'"]
    assert "Permissions-Policy" in response


def test_api_docs_have_no_inline_script(client):
    page = client.get("/api/v1/docs/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


TEMPLATE_ROOTS = [
    Path(settings.BASE_DIR) / app / "templates"
    for app in ("hub", "associations", "events", "gaf", "tables", "search")
]
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")


def project_templates():
    for root in TEMPLATE_ROOTS:
        if root.exists():
            yield from sorted(root.rglob("*.html"))


def test_no_template_has_inline_event_handlers_or_javascript_urls():
    templates = list(project_templates())
    assert len(templates) > 50
    offending = [
        str(path.relative_to(settings.BASE_DIR))
        for path in templates
        if INLINE_HANDLER.search(path.read_text()) or "javascript:" in path.read_text().lower()
    ]
    assert offending == []


def test_every_inline_script_in_templates_carries_the_nonce():
    offending = []
    for path in project_templates():
        relative = str(path.relative_to(settings.BASE_DIR))
        for tag in INLINE_SCRIPT.findall(path.read_text()):
            if "request.csp_nonce" not in tag:
                offending.append(f"{relative}: {tag}")
    assert offending == []


def test_the_honeypot_is_hidden_by_a_class_not_by_an_inline_style(client):
    page = client.get("/associazioni/aderisci/").content.decode()
    wrapper = re.search(r'<div class="hub-hp"[^>]*>', page).group(0)
    assert "style=" not in wrapper
    assert f'name="{abuse.HONEYPOT_FIELD}"' in page
    css = (Path(settings.BASE_DIR) / "hub/static/hub/hub.css").read_text()
    assert re.search(r"\.hub-hp\s*\{\s*display:\s*none", css)


# --- No third-party avatars in the admin ------------------------------------------------------


def test_admin_pages_never_reference_gravatar(client):
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    staff = staff_user(email="avatar@example.org")
    client.force_login(staff)
    for path in ("/admin/", "/admin/account/", "/admin/users/", f"/admin/users/edit/{staff.pk}/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "gravatar" not in response.content.decode().lower(), path


# --- hub.abuse's pieces ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "seconds"),
    [("5/10m", 5, 600), ("3/d", 3, 86_400), ("20/m", 20, 60), ("1/30s", 1, 30)],
)
def test_rates_parse_like_allauths(text, amount, seconds):
    assert abuse.Rate.parse(text) == abuse.Rate(amount, seconds)


@pytest.mark.parametrize("text", ["", "5", "5/x", "cinque/m", "-1/m"])
def test_malformed_rates_are_refused(text):
    with pytest.raises(ValueError):
        abuse.Rate.parse(text)


def test_addresses_are_counted_per_mailbox():
    assert abuse.normalise_address(" Anna+Iscrizioni@Example.ORG ") == "anna@example.org"


def test_ipv6_clients_are_counted_per_64_block(rf):
    request = rf.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    assert abuse.client_address(request) == "2001:db8:1:2::/64"
    assert abuse.client_address(rf.get("/", REMOTE_ADDR="192.0.2.7")) == "192.0.2.7"
