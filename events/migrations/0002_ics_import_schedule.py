from django.db import migrations


def create_schedules(apps, schema_editor):
    from events.tasks import ensure_schedules

    ensure_schedules(apps.get_model("django_q", "Schedule"))


class Migration(migrations.Migration):
    """The hourly sync of the associations' ICS calendars (django-q2), created once."""

    dependencies = [
        ("events", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(create_schedules, migrations.RunPython.noop)]
