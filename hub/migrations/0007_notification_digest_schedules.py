"""The digests' schedules (django-q2): daily at 07:00 Europe/Rome, weekly on Mondays at
07:00. Created once, by name: migrating again, or a schedule someone moved in the admin,
changes nothing. django-q2 keeps a DAILY or WEEKLY schedule on the same local hour across
the clock changes; what a digest contains does not depend on when it runs
(hub.notifications.digests)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations
from django.utils import timezone

SCHEDULES = {
    "hub-notifications-daily-digest": ("daily", "D"),
    "hub-notifications-weekly-digest": ("weekly", "W"),
}
RUN_AT = dt.time(7, 0)


def _next_run(delivery: str, now: dt.datetime) -> dt.datetime:
    rome = ZoneInfo("Europe/Rome")
    local = now.astimezone(rome)
    day = local.date()
    if delivery == "weekly":
        day += dt.timedelta(days=(7 - day.weekday()) % 7)
    candidate = dt.datetime.combine(day, RUN_AT, tzinfo=rome)
    if candidate <= local:
        candidate = dt.datetime.combine(
            day + dt.timedelta(days=7 if delivery == "weekly" else 1), RUN_AT, tzinfo=rome
        )
    return candidate


def create_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    now = timezone.now()
    for name, (delivery, schedule_type) in SCHEDULES.items():
        Schedule.objects.get_or_create(
            name=name,
            defaults={
                "func": "hub.notifications.tasks.send_digests",
                "kwargs": f"delivery='{delivery}'",
                "schedule_type": schedule_type,
                "repeats": -1,
                "next_run": _next_run(delivery, now),
            },
        )


def delete_schedules(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name__in=SCHEDULES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0006_notification_centre"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
