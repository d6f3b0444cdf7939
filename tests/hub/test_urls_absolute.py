"""Every absolute URL the hub gives out starts with settings.HUB_BASE_URL, whatever Host
the request came with and whatever the Wagtail Site row says: API `url` fields, feed URL
lines, the e-mails (account confirmation, event registration, association join request),
the calendar links (webcal://, Google's add-by-URL) and the demo's Wagtail Site."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from wagtail.models import Site

from associations import services as association_services
from associations.models import Association
from events import services as event_services
from hub.roles import staff_group
from hub.urls_absolute import absolute_url, page_url, rebase
from tests.associations.factories import make_association
from tests.events.factories import make_event
from tests.gaf.factories import make_group, make_member, make_orchard_catalogue, make_round
from tests.hub.factories import UserFactory

BASE = "https://famiglie.example.org"
# Any other host in a link is a failure (the request's "testserver", the Site's "localhost").
LINK = re.compile(r"(?:https?|webcal)://[^\s\"'<>]+")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_address")]


@pytest.fixture
def public_address():
    with override_settings(HUB_BASE_URL=BASE):
        yield


def links(text: str) -> list[str]:
    return LINK.findall(text)


def assert_on_base(urls: list[str]) -> None:
    assert urls, "no link found"
    assert [
        url for url in urls if not url.split("://", 1)[1].startswith("famiglie.example.org/")
    ] == []


@pytest.fixture
def event():
    association = make_association(name="Polisportiva Indirizzi")
    return make_event(
        association=association,
        title="Laboratorio",
        start=timezone.now() + dt.timedelta(days=10),
        end=timezone.now() + dt.timedelta(days=10, hours=2),
        registration_required=True,
        capacity=5,
    )


def test_helpers():
    assert absolute_url("/eventi/") == f"{BASE}/eventi/"
    assert rebase("http://localhost:8000/accounts/confirm-email/k/?a=1") == (
        f"{BASE}/accounts/confirm-email/k/?a=1"
    )
    with pytest.raises(ValueError):
        absolute_url("eventi/")


def test_api_url_fields(event):
    client = APIClient(HTTP_HOST="localhost")
    events = client.get("/api/v1/events/").json()["results"]
    assert [item["url"] for item in events] == [f"{BASE}{event.url}"]
    association = client.get(f"/api/v1/associations/{event.association.slug}/").json()
    assert association["page_url"] == page_url(event.association.page)
    assert association["page_url"].startswith(BASE + "/")

    setup = make_group()
    supplier, apples, eggs = make_orchard_catalogue(setup)
    round = make_round(setup, supplier, [apples, eggs])
    _family, member = make_member(setup)
    client.force_authenticate(member)
    (listed,) = client.get("/api/v1/gaf/rounds/").json()["results"]
    assert listed["url"] == f"{BASE}/gaf/{setup.group.slug}/giri/{round.pk}/"


def test_feed_url_lines(client, event):
    response = client.get(reverse("events:feed"), HTTP_HOST="localhost")
    calendar = icalendar.Calendar.from_ical(response.content)
    urls = [str(vevent["URL"]) for vevent in calendar.walk("VEVENT")]
    assert urls == [f"{BASE}{event.url}"]


def test_calendar_links_on_the_listing(client, event):
    response = client.get(reverse("events:list"), HTTP_HOST="localhost")
    subscription = response.context["subscription"]
    assert subscription["https"] == f"{BASE}/eventi/feed.ics"
    assert subscription["webcal"] == "webcal://famiglie.example.org/eventi/feed.ics"
    assert "webcal%3A%2F%2Ffamiglie.example.org%2Feventi%2Ffeed.ics" in subscription["google"]


def test_event_registration_email(event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event_services.registration_create(event=event, user=UserFactory(), seats=1)
    (message,) = mail.outbox
    assert_on_base(links(message.body))
    ((_name, content, _type),) = message.attachments
    (vevent,) = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert str(vevent["URL"]) == f"{BASE}{event.url}"


def test_join_request_email(django_capture_on_commit_callbacks):
    staff = UserFactory(is_staff=True)
    staff.groups.add(staff_group())
    association = make_association(name="Modello")
    with django_capture_on_commit_callbacks(execute=True):
        association_services.join_request_submit(
            data=association_services.JoinRequestData(
                name="Coro Nuovo",
                kind=Association.Kind.ASSOCIATION,
                network=association.network,
                municipalities=list(association.municipalities.all()),
                areas=list(association.areas.all()),
                description="Canto corale per famiglie.",
                contact_name="Anna",
                contact_email="coro@example.org",
                contact_phone="",
                website="",
                editor_email="coro@example.org",
            )
        )
    (to_review,) = [message for message in mail.outbox if message.to == [staff.email]]
    assert_on_base(links(to_review.body))


def test_account_confirmation_email(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "nuova@example.org",
            "password1": "una-password-lunga-1",
            "password2": "una-password-lunga-1",
        },
        HTTP_HOST="localhost",
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert_on_base(links(message.body))
    assert f"{BASE}/accounts/confirm-email/" in message.body


@override_settings(HUB_BASE_URL="https://famiglie.example.org:8443", DEBUG=True)
def test_the_demo_site_is_at_the_base_url():
    call_command("seed_demo", stdout=StringIO())
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("famiglie.example.org", 8443)
    output = StringIO()
    call_command("seed_demo", stdout=output)
    assert "nothing changed" in output.getvalue()
