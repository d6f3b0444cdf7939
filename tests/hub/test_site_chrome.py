"""What every page carries: the menu (no developer entries), the footer, the favicon, and the
profile's "for developers" section."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from hub import access
from tests.hub.factories import UserFactory

pytestmark = pytest.mark.django_db


def main_menu(html: str) -> str:
    return html[html.index('id="main-nav"') : html.index("</nav>")]


def footer(html: str) -> str:
    return html[html.index('<footer class="it-footer">') :]


def test_the_resident_menu_has_no_developer_entries(client):
    client.force_login(UserFactory(email="residente@example.org"))
    html = client.get(reverse("associations:directory")).content.decode()
    docs = reverse("api:docs")
    assert docs not in main_menu(html)
    assert ">API<" not in main_menu(html)
    assert f'href="{docs}"' in footer(html)
    assert "API per sviluppatori" in footer(html)


def test_the_favicon_is_served_and_declared(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age=604800" in response["Cache-Control"]
    assert client.head("/favicon.ico").status_code == 200
    assert client.post("/favicon.ico").status_code == 405
    assert access.declared_http_policies()["favicon"] is access.PUBLIC
    html = client.get(reverse("associations:directory")).content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in html
    assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg" type="image/svg\+xml">', html)


def test_api_tokens_live_in_a_section_for_developers(client):
    user = UserFactory(email="residente@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    html = client.get(reverse("profile")).content.decode()
    developers = html.index('id="developers-title"')
    assert html.index("Il tuo account") < developers
    assert html.index("Token per le API") > developers
    assert html.index(reverse("api_token_create")) > developers
    english = client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "For developers" in english
