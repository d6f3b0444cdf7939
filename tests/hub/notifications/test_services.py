"""notify() and register_kind(): the centre's public interface, as other apps call it."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from hub import notifications
from hub.models import Notification, NotificationPreference
from hub.notifications import registry
from hub.notifications.services import notification_preferences_set
from tests.hub.factories import UserFactory
from tests.hub.notifications.conftest import DIGEST, NEWS, QUIET


def test_register_kind_is_idempotent_and_refuses_a_different_kind_under_the_same_code():
    again = notifications.register_kind("test.news", label="novità di prova")
    assert again == NEWS
    with pytest.raises(ValueError, match="already registered"):
        notifications.register_kind("test.news", label="altro", default="weekly")


@pytest.mark.parametrize(
    "code, options, message",
    [
        ("Test News", {}, "lowercase"),
        ("test.bad", {"default": "sms"}, "unknown default"),
        ("test.never", {"default": "off", "always": True}, "cannot be off"),
    ],
)
def test_register_kind_refuses_bad_declarations(code, options, message):
    with pytest.raises(ValueError, match=message):
        notifications.register_kind(code, label="x", **options)


def test_the_hub_registers_mentions_as_always_notified():
    mention = registry.get_kind(notifications.MENTION)
    assert mention.always is True
    assert "off" not in [value for value, _label in mention.choices]


def test_notify_creates_one_per_person_skipping_the_actor(
    alice, bob, django_capture_on_commit_callbacks
):
    carol = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        created = notifications.notify(
            users=[alice, bob, carol.pk, alice],
            kind="test.news",
            title="  Nuovo   giro aperto ",
            body="Ordini fino a venerdì.",
            url="/gaf/giri/1/",
            place="gaf:group:1",
            place_label="GAF Bruino",
            actor=carol,
        )
    assert sorted(n.user_id for n in created) == sorted([alice.pk, bob.pk])
    row = Notification.objects.get(user=alice)
    assert (row.title, row.body, row.url, row.place, row.place_label, row.actor_id) == (
        "Nuovo giro aperto",
        "Ordini fino a venerdì.",
        "/gaf/giri/1/",
        "gaf:group:1",
        "GAF Bruino",
        carol.pk,
    )
    assert row.read_at is None
    assert row.delivery == "email"
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "bob@example.org"]
    assert mail.outbox[0].subject == "Nuovo giro aperto"
    assert "http://testserver/notifiche/" in mail.outbox[0].body


def test_notify_queries_do_not_grow_with_the_people(
    db, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    people = UserFactory.create_batch(30)
    NotificationPreference.objects.create(user=people[0], kind="test.news", delivery="inbox")
    # active people, choices, keys used, the insert (in a savepoint of its own, for a
    # concurrent notify with the same key), unread counts; notify's own savepoint
    with (
        django_assert_max_num_queries(9),
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        created = notifications.notify(users=people, kind="test.news", title="Ciao", key="k1")
    assert len(created) == 30
    # Every bell in one after-commit hook, and the e-mail task: not a hook per person.
    assert len(callbacks) == 2


def test_notify_inserts_any_number_of_people_with_one_statement(db):
    """On SQLite Django's bulk_create takes a statement per 71 notifications (999
    parameters): a round's 300 families took five, and the queries grew with them."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    User = get_user_model()
    few = User.objects.bulk_create(User(email=f"poche{i}@example.org") for i in range(2))
    many = User.objects.bulk_create(User(email=f"tante{i}@example.org") for i in range(150))
    NotificationPreference.objects.create(user=many[7], kind="test.news", delivery="weekly")
    queries = []
    for people, title in ((few, "Pochi"), (many, "Tanti")):
        with CaptureQueriesContext(connection) as context:
            created = notifications.notify(
                users=people, kind="test.news", title=title, data={"round": 4}
            )
        queries.append(len(context.captured_queries))
        inserts = [q for q in context.captured_queries if q["sql"].startswith("INSERT")]
        assert len(inserts) == 1
    assert queries[0] == queries[1]
    # Each returned notification is the stored row of its person, with its own delivery.
    assert [n.user_id for n in created] == [person.pk for person in many]
    stored = {
        row["pk"]: row
        for row in Notification.objects.filter(title="Tanti").values(
            "pk", "user_id", "delivery", "kind", "data", "created_at", "read_at"
        )
    }
    assert [stored[n.pk]["user_id"] for n in created] == [person.pk for person in many]
    assert {n.pk: n.delivery for n in created} == {
        pk: row["delivery"] for pk, row in stored.items()
    }
    assert created[7].delivery == "weekly" and created[8].delivery == "email"
    assert all(
        (row["kind"], row["data"], row["created_at"], row["read_at"])
        == ("test.news", {"round": 4}, created[0].created_at, None)
        for row in stored.values()
    )
    assert not created[0]._state.adding


def test_every_bell_gets_its_own_link_and_count_from_one_hook(
    alice, bob, django_capture_on_commit_callbacks
):
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from hub.notifications.services import open_path

    layer = get_channel_layer()
    channels = {}
    for person in (alice, bob):
        channels[person.pk] = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(f"user.{person.pk}", channels[person.pk])
    notifications.notify(users=[alice], kind="test.quiet", title="Prima")
    with django_capture_on_commit_callbacks(execute=True):
        created = notifications.notify(
            users=[alice, bob], kind="test.quiet", title="Giro chiuso", body="x" * 300
        )
    for notification in created:
        message = async_to_sync(layer.receive)(channels[notification.user_id])
        assert message["id"] == notification.pk
        assert message["url"] == open_path(notification) == f"/notifiche/{notification.pk}/"
        assert message["body"] == "x" * 199 + "…"
        assert message["unread"] == (2 if notification.user_id == alice.pk else 1)


def test_a_key_makes_notify_idempotent_per_person(alice, bob):
    first = notifications.notify(users=[alice], kind="test.news", title="Chiuso", key="round:1")
    again = notifications.notify(
        users=[alice, bob], kind="test.news", title="Chiuso", key="round:1"
    )
    assert len(first) == 1
    assert [n.user_id for n in again] == [bob.pk]
    assert Notification.objects.filter(key="round:1").count() == 2
    # The database holds the rule too, against a concurrent notify with the same key.
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            user=alice, kind="test.news", title="x", key="round:1", delivery="inbox"
        )


def test_a_key_taken_meanwhile_skips_only_that_person(alice, bob):
    """A concurrent notify with the same key reached alice between notify's check and its
    insert: the one-statement insert is refused as a whole, and each row is tried alone."""
    from django.utils import timezone

    from hub.notifications.services import _insert

    Notification.objects.create(
        user=alice, kind="test.news", title="Prima", key="round:9", delivery="inbox"
    )
    rows = [
        Notification(
            user_id=person.pk,
            kind="test.news",
            title="Dopo",
            key="round:9",
            delivery="email",
            created_at=timezone.now(),
        )
        for person in (alice, bob)
    ]
    with transaction.atomic():
        created = _insert(rows)
    assert [n.user_id for n in created] == [bob.pk]
    assert sorted(Notification.objects.values_list("user_id", "title")) == sorted(
        [(alice.pk, "Prima"), (bob.pk, "Dopo")]
    )


def test_nothing_is_pushed_or_mailed_before_commit(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notifications.notify(users=[alice], kind="test.news", title="Ciao")
    assert mail.outbox == []
    assert len(callbacks) == 2  # the bell, the e-mail task
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


def test_a_rolled_back_notify_leaves_nothing(alice, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notifications.notify(users=[alice], kind="test.news", title="Ciao")
        raise RuntimeError
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_choices_decide_the_delivery_per_kind_and_place(
    alice, bob, django_capture_on_commit_callbacks
):
    notification_preferences_set(
        user=alice,
        choices={("test.news", ""): "weekly", ("test.news", "gaf:group:1"): "email"},
    )
    notification_preferences_set(user=bob, choices={("test.news", ""): "off"})
    with django_capture_on_commit_callbacks(execute=True):
        in_group = notifications.notify(
            users=[alice, bob], kind="test.news", title="A", place="gaf:group:1"
        )
        elsewhere = notifications.notify(
            users=[alice, bob], kind="test.news", title="B", place="gaf:group:2"
        )
    assert [(n.user_id, n.delivery) for n in in_group] == [(alice.pk, "email")]
    assert [(n.user_id, n.delivery) for n in elsewhere] == [(alice.pk, "weekly")]
    assert [m.subject for m in mail.outbox] == ["A"]  # B waits for the weekly digest


def test_kind_defaults_apply_without_a_choice(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        digest = notifications.notify(users=[alice], kind=DIGEST.code, title="D")
        quiet = notifications.notify(users=[alice], kind=QUIET.code, title="Q")
    assert (digest[0].delivery, quiet[0].delivery) == ("daily", "inbox")
    assert mail.outbox == []


def test_mentions_cannot_be_turned_off(alice, django_capture_on_commit_callbacks):
    # Even a choice written around the service (an old row, the admin) does not silence them.
    NotificationPreference.objects.create(user=alice, kind=notifications.MENTION, delivery="off")
    with django_capture_on_commit_callbacks(execute=True):
        created = notifications.notify(users=[alice], kind=notifications.MENTION, title="@alice")
    assert [n.delivery for n in created] == ["email"]
    assert len(mail.outbox) == 1


def test_inactive_people_are_not_notified(alice):
    alice.is_active = False
    alice.save()
    assert notifications.notify(users=[alice], kind="test.news", title="Ciao") == []


@pytest.mark.parametrize(
    "options, error",
    [
        ({"kind": "nobody.registered"}, LookupError),
        ({"title": "   "}, ValueError),
        ({"url": "https://evil.example.com/"}, ValueError),
        ({"url": "javascript:alert(1)"}, ValueError),
        ({"url": "//evil.example.com/"}, ValueError),
        ({"place": "x" * 101}, ValueError),
        ({"key": "k" * 201}, ValueError),
        ({"users": ["alice@example.org"]}, ValueError),
    ],
)
def test_notify_refuses_bad_calls(alice, options, error):
    call = {"users": [alice], "kind": "test.news", "title": "Ciao", **options}
    with pytest.raises(error):
        notifications.notify(**call)
    assert not Notification.objects.exists()


def test_long_texts_are_shortened_and_links_of_the_hub_become_paths(alice):
    (row,) = notifications.notify(
        users=[alice],
        kind="test.news",
        title="T" * 300,
        body="B" * 2000,
        url="http://testserver/eventi/",
    )
    assert len(row.title) == 200 and row.title.endswith("…")
    assert len(row.body) == 1000
    assert row.url == "/eventi/"
