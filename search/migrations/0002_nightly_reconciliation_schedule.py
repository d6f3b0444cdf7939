"""The nightly reconciliation's schedule (django-q2): every day at 03:30 Europe/Rome.
Created once, by name: migrating again, or a schedule someone moved in the admin, changes
nothing (as hub's digests, hub/migrations/0007)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations
from django.utils import timezone

NAME = "search-nightly-reconciliation"
RUN_AT = dt.time(3, 30)


def _next_run(now: dt.datetime) -> dt.datetime:
    rome = ZoneInfo("Europe/Rome")
    local = now.astimezone(rome)
    candidate = dt.datetime.combine(local.date(), RUN_AT, tzinfo=rome)
    if candidate <= local:
        candidate = dt.datetime.combine(local.date() + dt.timedelta(days=1), RUN_AT, tzinfo=rome)
    return candidate


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name=NAME,
        defaults={
            "func": "search.tasks.reconcile_nightly",
            "schedule_type": "D",
            "repeats": -1,
            "next_run": _next_run(timezone.now()),
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
