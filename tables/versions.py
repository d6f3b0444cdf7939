"""What a proposal version holds: a plain snapshot of the proposal's fields and body.

A snapshot is JSON: the texts as typed, the budget as a decimal string, and each chosen
entity (area, age bands, municipalities, partner associations) as {"id", "name"}, so that a
version reads and compares the same after an entity is renamed or deleted, and restoring it
finds the rows that still exist by id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from hub import formatting

TEXT_FIELDS = ("title", "summary", "body")
LIST_FIELDS = ("age_bands", "municipalities", "partner_associations")

# The order in which versions and their differences show the fields.
FIELDS = (
    ("title", _("Titolo")),
    ("summary", _("Sintesi")),
    ("area", _("Area")),
    ("age_bands", _("Fasce d'età")),
    ("municipalities", _("Comuni")),
    ("partner_associations", _("Associazioni partner")),
    ("budget_estimate", _("Stima dei costi")),
    ("body", _("Testo della proposta")),
)


def ref(entity_id: int, name: str) -> dict:
    return {"id": entity_id, "name": str(name)}


def make_snapshot(
    *,
    title: str,
    summary: str,
    body: str,
    area: tuple[int, str] | None,
    age_bands: Iterable[tuple[int, str]],
    municipalities: Iterable[tuple[int, str]],
    partner_associations: Iterable[tuple[int, str]],
    budget_estimate: Decimal | None,
) -> dict:
    """The snapshot of these values; lists sorted by name, so the order chosen is no change."""

    def refs(pairs: Iterable[tuple[int, str]]) -> list[dict]:
        return [ref(i, n) for i, n in sorted(pairs, key=lambda pair: (str(pair[1]), pair[0]))]

    return {
        "title": title,
        "summary": summary,
        "body": body,
        "area": ref(*area) if area else None,
        "age_bands": refs(age_bands),
        "municipalities": refs(municipalities),
        "partner_associations": refs(partner_associations),
        "budget_estimate": None if budget_estimate is None else str(budget_estimate),
    }


def field_text(snapshot: Mapping | None, key: str) -> str:
    """A field of a snapshot as people read it (an empty snapshot reads as empty)."""
    if not snapshot:
        return ""
    value = snapshot.get(key)
    if value is None or value == []:
        return ""
    if key in TEXT_FIELDS:
        return str(value)
    if key == "area":
        return str(value["name"])
    if key in LIST_FIELDS:
        return ", ".join(str(item["name"]) for item in value)
    if key == "budget_estimate":
        return formatting.money(Decimal(value))
    raise KeyError(key)


def ids(snapshot: Mapping, key: str) -> list[int]:
    """The ids of a list field's entities (for restoring the version)."""
    return [int(item["id"]) for item in snapshot.get(key) or []]


def same_content(first: Mapping | None, second: Mapping | None) -> bool:
    """Whether two snapshots hold the same proposal (a save that changes nothing makes no
    version)."""
    return all(
        field_text(first, key) == field_text(second, key)
        and _ids_of(first, key) == _ids_of(second, key)
        for key, _label in FIELDS
    )


def _ids_of(snapshot: Mapping | None, key: str):
    if not snapshot:
        return None
    value = snapshot.get(key)
    if key == "area":
        return value["id"] if value else None
    if key in LIST_FIELDS:
        return [item["id"] for item in value or []]
    return None
