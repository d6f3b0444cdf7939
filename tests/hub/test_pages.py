"""Public pages: home page, footer pages, error pages."""

import pytest
from wagtail.models import Site

from hub.demo import load_demo_data
from tests.hub.factories import MunicipalityFactory, NetworkFactory

pytestmark = pytest.mark.django_db


def test_home_page_shows_networks_with_constant_queries(client, django_assert_max_num_queries):
    load_demo_data()
    client.get("/")  # warm Wagtail's site cache
    with django_assert_max_num_queries(12) as first:
        response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("Bruino", "Volvera", "Muggiò", "Sesto San Giovanni", "CIdiS"):
        assert name in html
    assert 'href="/accessibilita/"' in html
    assert 'href="/privacy/"' in html
    assert 'lang="it"' in html

    for _ in range(15):
        NetworkFactory().municipalities.add(*MunicipalityFactory.create_batch(5))
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("path", "text"),
    [("/accessibilita/", "Dichiarazione di accessibilità"), ("/privacy/", "GDPR")],
)
def test_footer_pages_exist_from_the_first_migration(client, path, text):
    response = client.get(path)
    assert response.status_code == 200
    assert text in response.content.decode()


def test_unknown_page_is_a_404_page(client):
    response = client.get("/non-esiste/")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


def test_site_root_is_the_home_page():
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific_class.__name__ == "HomePage"
