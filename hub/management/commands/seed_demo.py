from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hub.demo import DEMO_PASSWORD, demo_accounts_table, load_demo_data


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
        created = load_demo_data()
        summary = ", ".join(f"{count} {kind}" for kind, count in created.items())
        if any(created.values()):
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: created {summary}."))
        else:
            self.stdout.write("Demo data already present: nothing changed.")
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
        for email, role in demo_accounts_table():
            self.stdout.write(f"  {email:34} {role}")
