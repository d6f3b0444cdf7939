"""The stored feed parts of the events published before they existed.

The parts are the events' VEVENTs as the hub's current code writes them, so this runs the
current code (the `write_feed_parts` command) rather than a frozen copy of it; on a
database without live events (a fresh one) it has nothing to do and does not run it.
"""

from django.core.management import call_command
from django.db import migrations


def write_parts(apps, schema_editor):
    EventPage = apps.get_model("events", "EventPage")
    if EventPage.objects.filter(live=True).exists():
        call_command("write_feed_parts", verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("events", "0006_feed_parts")]

    operations = [migrations.RunPython(write_parts, migrations.RunPython.noop)]
