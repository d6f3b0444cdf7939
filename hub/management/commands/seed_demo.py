from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from hub.demo import (
    DEMO_ADMIN_EMAIL,
    DEMO_PASSWORD,
    demo_accounts_table,
    index_updates_once,
    load_demo_data,
    queries_unrecorded,
)
from hub.models import User
from hub.task_queue import discarding


class Command(BaseCommand):
    help = "Load the demo data (both networks, associations, families, demo accounts). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo accounts even with DEBUG off (they have a public password).",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Demo accounts have a published password: refusing with DEBUG off "
                "(pass --allow-production to load them anyway)."
            )
        # The demo's addresses are invented: the e-mails its services queue are dropped.
        # Wagtail's indexes are brought up to date once per object, at the end. One
        # transaction: a failed load leaves nothing half made.
        with queries_unrecorded(), transaction.atomic(), discarding(), index_updates_once():
            created = load_demo_data()
            admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
            # Each feature app may add its own demo data (a `demo` module with
            # `load(admin=...)`); search's comes last, whatever the order of the apps: it
            # indexes what the others made.
            demos = [
                app.name
                for app in apps.get_app_configs()
                if module_has_submodule(app.module, "demo") and app.name != "hub"
            ]
            demos.sort(key=lambda name: name == "search")
            for name in demos:
                created.update(import_module(f"{name}.demo").load(admin=admin))
        summary = ", ".join(f"{count} {kind}" for kind, count in created.items())
        if any(created.values()):
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: created {summary}."))
        else:
            self.stdout.write("Demo data already present: nothing changed.")
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
        for email, role in demo_accounts_table():
            self.stdout.write(f"  {email:34} {role}")
