"""The demo's content in the search index (seed_demo calls search's demo.load after every
other app's): the demo queues no task (hub.task_queue.discarding), so its
pages, events and rounds are indexed here, by the nightly reconciliation's own pass."""

from __future__ import annotations

from search import services


def load(*, admin) -> dict[str, int]:
    counts = services.reconcile()
    return {"search documents": counts["added"]}
