"""The renewal reminders' schedule (django-q2): daily at 08:00 Europe/Rome. Created once, by
name: migrating again, or a schedule someone moved in the admin, changes nothing."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations
from django.utils import timezone

NAME = "carta-renewal-reminders"
RUN_AT = dt.time(8, 0)


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    rome = ZoneInfo("Europe/Rome")
    local = timezone.now().astimezone(rome)
    next_run = dt.datetime.combine(local.date(), RUN_AT, tzinfo=rome)
    if next_run <= local:
        next_run = dt.datetime.combine(local.date() + dt.timedelta(days=1), RUN_AT, tzinfo=rome)
    Schedule.objects.get_or_create(
        name=NAME,
        defaults={
            "func": "carta.tasks.send_renewal_reminders",
            "schedule_type": "D",
            "repeats": -1,
            "next_run": next_run,
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("carta", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
