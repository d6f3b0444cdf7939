"""The public pages and the account flow in a real browser, checked with axe-core."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from hub.models import HomePage, Municipality, Network, User
from tests.e2e.browser import PHONE, assert_accessible

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data; the rollback restores the home page and the
    # footer pages that the migrations create, which the flush after each test removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "una-password-lunga-2026"


@pytest.fixture
def network():
    network = Network.objects.create(
        name="Consorzio intercomunale di prova",
        short_name="Prova",
        slug="prova",
        kind=Network.Kind.CONSORTIUM,
        description="Sei Comuni che lavorano insieme per le famiglie.",
        certified_family_in_italia=True,
    )
    network.municipalities.set(
        [
            Municipality.objects.create(
                name=name, slug=name.lower(), istat_code=code, province="TO"
            )
            for name, code in [("Bruino", "001038"), ("Orbassano", "001171")]
        ]
    )
    return network


def path_of(page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def test_sign_up_verify_and_log_in(live_server, page, network, settings):
    email = "genitore@example.org"
    # The e-mail's links start with the hub's public address: here, the test server's.
    settings.HUB_BASE_URL = live_server.url

    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == HomePage.objects.get().title
    card = page.get_by_role("article").filter(has_text=network.name)
    assert "Bruino" in card.inner_text()
    assert "Orbassano" in card.inner_text()
    assert_accessible(page)

    for link, path in [
        ("Dichiarazione di accessibilità", "/accessibilita/"),
        ("Informativa sulla privacy", "/privacy/"),
    ]:
        page.locator("footer").get_by_role("link", name=link).click()
        page.wait_for_url(f"**{path}")
        assert page.locator("h1").inner_text() == link
        assert_accessible(page)

    page.locator("header").get_by_role("link", name="Registrati").click()
    page.wait_for_url(f"**{reverse('account_signup')}")
    assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (nuovamente)").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Registrazione").click()
    page.wait_for_url(f"**{reverse('account_email_verification_sent')}")
    assert_accessible(page)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [email]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    page.goto(link.group(0))
    page.locator("main").get_by_role("button", name="Conferma").click()
    page.wait_for_url(f"**{reverse('profile')}")
    assert page.locator("h1").inner_text() == "Area personale"
    assert email in page.locator("main").inner_text()

    page.locator("header").get_by_role("button", name="Esci").click()
    page.wait_for_url(live_server.url + "/")
    login = page.locator("header").get_by_role("link", name="Accedi")
    login.click()
    page.wait_for_url(f"**{reverse('account_login')}")
    assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Accedi").click()
    page.wait_for_url(f"**{reverse('profile')}")
    assert page.locator("h1").inner_text() == "Area personale"
    assert_accessible(page)


def test_account_pages_are_accessible(live_server, page):
    email = "registrata@example.org"
    user = User.objects.create_user(email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)

    page.goto(live_server.url + reverse("account_reset_password"))
    assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.locator("main form").get_by_role("button").click()
    page.wait_for_url(f"**{reverse('account_reset_password_done')}")
    assert_accessible(page)
    assert mail.outbox[-1].to == [email]

    page.goto(live_server.url + reverse("account_login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Accedi").click()
    page.wait_for_url(f"**{reverse('profile')}")
    for name in ["account_email", "account_change_password", "family_edit", "account_logout"]:
        page.goto(live_server.url + reverse(name))
        assert page.locator("h1").count() == 1, name
        assert_accessible(page)


def test_home_page_fits_a_phone_screen(live_server, page, network):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"]


def test_language_switch_to_english(live_server, page):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "it"

    page.locator("header").get_by_role("button", name="EN (English)").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert path_of(page) == "/"
    assert page.locator("header").get_by_role("button", name="IT (italiano)").is_visible()
