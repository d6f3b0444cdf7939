"""Write the stored calendar-feed part of every live event (events.feed_parts).

Run by migration 0007 for the events published before the parts existed, and safe to run
at any time (after a deploy that changes how feeds are written, for instance): only the
parts that are missing or whose bytes changed are written. Feeds would write the missing
ones themselves before answering; this spares that to the first calendar app that asks.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from events import services
from events.models import EventPage

BATCH = 500


class Command(BaseCommand):
    help = "Write the stored calendar-feed part of every live event that lacks a current one."

    def handle(self, *args, **options):
        ids = list(EventPage.objects.live().order_by("pk").values_list("pk", flat=True))
        written = 0
        for first in range(0, len(ids), BATCH):
            batch = EventPage.objects.filter(pk__in=ids[first : first + BATCH])
            written += services.event_feed_parts_refresh(events=batch)
        if options["verbosity"] > 0:
            self.stdout.write(f"Feed parts: {written} written, {len(ids)} live events.")
