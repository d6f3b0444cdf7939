"""The inbox, the bell and the choices page: each person sees and marks only their own."""

import re

import pytest
from django.urls import reverse

from hub import notifications
from hub.models import Notification, NotificationPreference
from hub.notifications.registry import registered_kinds
from tests.hub.factories import UserFactory


def _notify(user, title="Ciao", **options):
    (notification,) = notifications.notify(users=[user], kind="test.news", title=title, **options)
    return notification


def _bell_count(html: str) -> str:
    match = re.search(r"data-hub-bell-count[^>]*>([^<]*)<", html)
    return match.group(1)


def test_the_inbox_lists_the_persons_notifications_newest_first(client, alice, bob):
    _notify(alice, "Primo", place="gaf:group:1", place_label="GAF Bruino", url="/gaf/")
    _notify(alice, "Secondo", body="Riga uno\nriga due")
    _notify(bob, "Di Bob")
    client.force_login(alice)
    response = client.get(reverse("notifications"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Secondo") < html.index("Primo")
    assert "Di Bob" not in html
    assert "GAF Bruino" in html
    assert "Riga uno<br>riga due" in html
    assert "2 notifiche da leggere" in html
    assert _bell_count(html) == "2"


def test_times_are_shown_in_rome(client, alice):
    import datetime as dt

    notification = _notify(alice, "Orario")
    Notification.objects.filter(pk=notification.pk).update(
        created_at=dt.datetime(2026, 10, 25, 23, 30, tzinfo=dt.UTC)
    )
    client.force_login(alice)
    html = client.get(reverse("notifications")).content.decode()
    assert "26 ottobre 2026, 00:30" in html  # CET after the clocks went back


def test_inbox_and_bell_queries_do_not_grow(client, alice, django_assert_max_num_queries):
    for n in range(25):
        _notify(alice, f"Notifica {n}", place=f"p{n % 3}", place_label=f"Luogo {n % 3}")
    client.force_login(alice)
    # session, user, page count, page rows, bell count
    with django_assert_max_num_queries(5):
        response = client.get(reverse("notifications"))
    assert response.content.decode().count('<li class="hub-notification') == 20
    with django_assert_max_num_queries(5):
        second = client.get(reverse("notifications") + "?pagina=2")
    assert second.content.decode().count('<li class="hub-notification') == 5


def test_the_bell_costs_a_page_one_query(client, alice, django_assert_num_queries):
    for n in range(3):
        _notify(alice, f"N{n}", place=f"p{n}")
    client.force_login(alice)
    # session, user, the person's choices, the places heard from, and the bell's count
    with django_assert_num_queries(5):
        html = client.get(reverse("notification_preferences")).content.decode()
    assert _bell_count(html) == "3"
    assert 'aria-label="Notifiche: 3 da leggere"' in html
    assert '<script type="module" src="/static/hub/notification-bell.js" nonce="' in html


def test_visitors_have_no_bell(client, db):
    html = client.get("/").content.decode()
    assert "data-hub-bell" not in html
    assert "notification-bell.js" not in html


def test_the_unread_filter(client, alice):
    _notify(alice, "Letta").read_at = None
    read = _notify(alice, "Già letta")
    Notification.objects.filter(pk=read.pk).update(read_at="2026-01-01T10:00:00Z")
    client.force_login(alice)
    html = client.get(reverse("notifications") + "?filtro=da-leggere").content.decode()
    assert "Letta" in html and "Già letta" not in html


def test_opening_marks_read_and_goes_to_the_link(client, alice, django_capture_on_commit_callbacks):
    notification = _notify(alice, "Vai", url="/eventi/")
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/eventi/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_one_read_then_unread_and_all_read(client, alice):
    first, second = _notify(alice, "Uno"), _notify(alice, "Due")
    client.force_login(alice)
    inbox = reverse("notifications")
    response = client.post(
        reverse("notification_read", args=[first.pk]), {"letta": "1", "next": inbox + "?pagina=1"}
    )
    assert response.status_code == 302
    assert response["Location"] == inbox + "?pagina=1"
    assert Notification.objects.get(pk=first.pk).read_at is not None
    client.post(reverse("notification_read", args=[first.pk]), {"letta": "0"})
    assert Notification.objects.get(pk=first.pk).read_at is None

    response = client.post(reverse("notifications_read_all"), {"next": "https://evil.example/"})
    assert response["Location"] == inbox  # never off the site
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert Notification.objects.get(pk=second.pk).read_at is not None


def test_nobody_sees_or_marks_another_persons_notification(client, alice, bob):
    theirs = _notify(bob, "Segreto", url="/gaf/")
    client.force_login(alice)
    for response in (
        client.get(reverse("notification_open", args=[theirs.pk])),
        client.post(reverse("notification_read", args=[theirs.pk]), {"letta": "1"}),
        client.get(reverse("notification_open", args=[theirs.pk + 1000])),
    ):
        assert response.status_code == 404
    client.post(reverse("notifications_read_all"))
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert "Segreto" not in client.get(reverse("notifications")).content.decode()


def test_visitors_are_sent_to_sign_in(client, db):
    notification = _notify(UserFactory(), "X")
    for url in (
        reverse("notifications"),
        reverse("notification_preferences"),
        reverse("notification_open", args=[notification.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("value", ["", "2", "sì"])
def test_a_bad_mark_is_refused_in_italian(client, alice, value):
    notification = _notify(alice, "Uno")
    client.force_login(alice)
    response = client.post(reverse("notification_read", args=[notification.pk]), {"letta": value})
    assert response.status_code == 400
    assert "Indica se la notifica è letta (1) o da leggere (0)." in response.content.decode()
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_marking_is_post_only(client, alice):
    notification = _notify(alice, "Uno")
    client.force_login(alice)
    assert client.get(reverse("notification_read", args=[notification.pk])).status_code == 405
    assert client.get(reverse("notifications_read_all")).status_code == 405


# --- Choices --------------------------------------------------------------------------------


def test_the_choices_page_offers_each_kind_everywhere_and_in_each_place(client, alice):
    _notify(alice, "Nel gruppo", place="gaf:group:1", place_label="GAF Bruino")
    client.force_login(alice)
    html = client.get(reverse("notification_preferences")).content.decode()
    assert "In tutti i luoghi" in html
    assert "GAF Bruino" in html
    assert 'name="test.news|"' in html
    assert 'name="test.news|gaf:group:1"' in html
    # Mentions cannot be turned off: no "off" among their choices.
    mention = re.search(r'<select name="mention\|".*?</select>', html, re.DOTALL).group(0)
    assert 'value="off"' not in mention and 'value="email"' in mention


def test_saving_choices(client, alice, django_capture_on_commit_callbacks):
    _notify(alice, "Nel gruppo", place="gaf:group:1", place_label="GAF Bruino")
    client.force_login(alice)
    url = reverse("notification_preferences")
    response = client.post(
        url,
        {
            **_every_kind_as_default(),  # the defaults: stored as no choice
            "test.news|": "daily",
            "test.news|gaf:group:1": "off",
        },
    )
    assert response.status_code == 302
    rows = set(
        NotificationPreference.objects.values_list("kind", "place", "place_label", "delivery")
    )
    assert rows == {
        ("test.news", "", "", "daily"),
        ("test.news", "gaf:group:1", "GAF Bruino", "off"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify_all(alice, place="gaf:group:1") == []
        assert [n.delivery for n in _notify_all(alice, place="gaf:group:2")] == ["daily"]

    # Back to "as everywhere" for the place.
    response = client.post(
        url, {**_every_kind_as_default(), "test.news|": "daily", "test.news|gaf:group:1": ""}
    )
    assert response.status_code == 302
    assert not NotificationPreference.objects.filter(place="gaf:group:1").exists()


def _every_kind_as_default() -> dict:
    return {f"{kind.code}|": kind.default for kind in registered_kinds()}


def _notify_all(user, *, place):
    return notifications.notify(users=[user], kind="test.news", title="x", place=place)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"test.news|": "sms"}, "test.news|"),
        ({"mention|": "off"}, "mention|"),
        ({"test.news|": ""}, "test.news|"),
    ],
)
def test_bad_choices_are_refused_in_italian_and_nothing_is_saved(client, alice, data, field):
    client.force_login(alice)
    response = client.post(
        reverse("notification_preferences"), {**_every_kind_as_default(), **data}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Il modulo contiene errori" in html
    assert (
        "Scelta non valida: scegli una delle voci dell&#x27;elenco." in html
        or "Questo campo è obbligatorio." in html
    )
    assert f'aria-describedby="id_{field}-error"' in html
    assert not NotificationPreference.objects.exists()
