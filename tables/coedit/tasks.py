"""Background work of co-edited documents (django-q2)."""

from __future__ import annotations

from tables.coedit import services


def coedit_compact(document_id: int) -> bool:
    """Snapshot the document up to its last update; idempotent (False: nothing to do)."""
    return services.snapshot_create(document_id=document_id) is not None
