"""The GAF's e-mail choices, moved into the notification centre by gaf migration 0004:
a family that turned a kind off keeps it off (in the inbox only); the rest keep e-mails."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("gaf", "0003_merge_send_on_close_and_units"),
    ("hub", "0007_notification_digest_schedules"),
]
AFTER = [("gaf", "0004_notification_preferences_to_the_centre")]


@pytest.mark.django_db(transaction=True)
def test_turned_off_kinds_become_inbox_only_and_back():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    User = old_apps.get_model("hub", "User")
    OldPreference = old_apps.get_model("gaf", "NotificationPreference")
    quiet = User.objects.create(email="quiet@example.org")
    keen = User.objects.create(email="keen@example.org")
    User.objects.create(email="never-chose@example.org")
    OldPreference.objects.create(user=quiet, round_opened=False, closing_2h=False)
    OldPreference.objects.create(user=keen)

    executor.loader.build_graph()
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    Preference = new_apps.get_model("hub", "NotificationPreference")
    assert set(Preference.objects.values_list("user__email", "kind", "place", "delivery")) == {
        ("quiet@example.org", "gaf.round_opened", "", "inbox"),
        ("quiet@example.org", "gaf.closing_2h", "", "inbox"),
    }

    # Backwards: the inbox only (or a digest turned off) is an e-mail turned off again.
    Preference.objects.create(user_id=keen.pk, kind="gaf.delivery_changes", delivery="off")
    executor.loader.build_graph()
    executor.migrate(BEFORE)
    OldPreference = executor.loader.project_state(BEFORE).apps.get_model(
        "gaf", "NotificationPreference"
    )
    rows = {row.user_id: row for row in OldPreference.objects.all()}
    assert (rows[quiet.pk].round_opened, rows[quiet.pk].closing_2h) == (False, False)
    assert rows[quiet.pk].round_closed is True
    assert rows[keen.pk].delivery_changes is False and rows[keen.pk].round_opened is True

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
