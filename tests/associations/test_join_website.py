"""The join form takes a website as people type it: "www.example.org" becomes https://."""

from __future__ import annotations

import pytest
from django.urls import reverse

from associations.forms import JoinRequestForm
from associations.selectors import filter_options

pytestmark = pytest.mark.django_db


def test_the_website_input_lets_the_browser_submit_a_bare_domain(client):
    html = client.get(reverse("associations:join")).content.decode()
    field = html[html.index('name="website"') - 200 : html.index('name="website"') + 200]
    # type="url" would make the browser refuse "www.example.org" before submitting.
    assert 'type="text"' in field and 'type="url"' not in field
    assert 'inputmode="url"' in field
    assert "Anche senza https://" in html


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("www.polisportiva.it", "https://www.polisportiva.it"),
        ("polisportiva.it/chi-siamo", "https://polisportiva.it/chi-siamo"),
        ("http://polisportiva.it", "http://polisportiva.it"),
        ("", ""),
    ],
)
def test_a_website_without_a_scheme_gets_https(typed, stored):
    form = JoinRequestForm({"website": typed}, options=filter_options())
    form.is_valid()
    assert "website" not in form.errors
    assert form.cleaned_data["website"] == stored
