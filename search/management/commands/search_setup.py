"""Apply the search index's settings (search.index_settings) before any data: create the
Meilisearch index if it is missing, with its primary key, and apply its settings."""

from django.core.management.base import BaseCommand, CommandError

from search import services
from search.errors import EngineError


class Command(BaseCommand):
    help = "Create the Meilisearch index if missing and apply its settings (search.index_settings)."

    def handle(self, *args, **options):
        try:
            self.stdout.write(services.setup())
        except EngineError as error:
            raise CommandError(f"Meilisearch: {error}") from error
