"""The GAF's e-mail choices move to the hub's notification centre.

Each kind a person had turned off ("no e-mail for this") becomes "in the inbox only" for
that kind in every group: the centre adds the inbox, which sends nothing, and never e-mails
them about it, as before. A kind left on needs no row: the GAF kinds' default is an e-mail
at once, as before. Backwards, any choice other than an e-mail at once turns the e-mail off.
"""

from django.db import migrations

KINDS = (
    "round_opened",
    "round_extended",
    "closing_24h",
    "closing_2h",
    "round_closed",
    "delivery_reminder",
    "delivery_changes",
)


def to_the_centre(apps, schema_editor):
    Old = apps.get_model("gaf", "NotificationPreference")
    New = apps.get_model("hub", "NotificationPreference")
    New.objects.bulk_create(
        [
            New(user_id=row["user_id"], kind=f"gaf.{kind}", place="", delivery="inbox")
            for row in Old.objects.values("user_id", *KINDS).order_by("user_id")
            for kind in KINDS
            if row[kind] is False
        ],
        ignore_conflicts=True,
    )


def back_from_the_centre(apps, schema_editor):
    Old = apps.get_model("gaf", "NotificationPreference")
    New = apps.get_model("hub", "NotificationPreference")
    off: dict[int, dict[str, bool]] = {}
    for user_id, kind, delivery in New.objects.filter(
        kind__in=[f"gaf.{kind}" for kind in KINDS], place=""
    ).values_list("user_id", "kind", "delivery"):
        off.setdefault(user_id, {})[kind.removeprefix("gaf.")] = delivery in {
            "email",
            "daily",
            "weekly",
        }
    Old.objects.bulk_create(Old(user_id=user_id, **kinds) for user_id, kinds in off.items())


class Migration(migrations.Migration):
    dependencies = [
        ("gaf", "0003_merge_send_on_close_and_units"),
        ("hub", "0006_notification_centre"),
    ]

    operations = [
        migrations.RunPython(to_the_centre, back_from_the_centre),
        migrations.DeleteModel(name="NotificationPreference"),
    ]
