"""Rebuild the search index from the apps' data, into a fresh index swapped in atomically
(queries go on against the old one meanwhile), with a progress bar."""

import sys

from django.core.management.base import BaseCommand, CommandError

from search import services
from search.errors import EngineError

WIDTH = 30


class Command(BaseCommand):
    help = "Rebuild the search index into a fresh one and swap it in atomically."

    def handle(self, *args, **options):
        interactive = sys.stdout.isatty()
        last = {}

        def progress(step: str, done: int, total: int) -> None:
            filled = WIDTH * done // total if total else WIDTH
            line = f"{step:<20} [{'#' * filled}{'.' * (WIDTH - filled)}] {done}/{total}"
            if interactive:
                self.stdout.write(f"\r{line}", ending="")
                if done >= total:
                    self.stdout.write("")
            elif done >= total or last.get(step, 0) + max(total // 10, 1) <= done:
                # Not a terminal (a log): a line every tenth.
                self.stdout.write(line)
                last[step] = done

        try:
            counts = services.reindex(progress=progress)
        except EngineError as error:
            raise CommandError(f"Meilisearch: {error}") from error
        summary = ", ".join(f"{name}: {number}" for name, number in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt ({summary})."))
