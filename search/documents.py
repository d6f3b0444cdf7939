"""The unified document: what every kind of searchable thing becomes in the index.

One schema for every kind (an association, an initiative, an event, a GAF product, and the
kinds registered later), so one index answers every query and one set of facets applies to
all. Facet values are the names people read ("Sant'Antonino di Susa", "Comunità
educante", "6-10 anni"): the filters name them too, quoted and escaped (search.filters).
Dates are Unix timestamps (seconds), numbers are numbers.

`visible_to` says who may find the document: "public", or scopes such as "group:7"
(members of GAF group 7) and "table:12" (members of table 12), granted to a person by the
scope providers apps register (search.registry.register_scopes).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

PUBLIC = "public"
# A kind's key and a document's id: what Meilisearch accepts in a primary key.
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
SCOPE_PATTERN = re.compile(r"^(public|[a-z][a-z0-9_]{0,29}:[0-9]{1,18})$")
MAX_TEXT_LENGTH = 20_000
MAX_DATES = 50
# Facet fields, in the order the page shows them; `free` is shown as one check box.
FACET_FIELDS = ("kind", "municipality", "area", "age_bands", "free")


def document_id(kind: str, object_id: int | str) -> str:
    return f"{kind}-{object_id}"


def scope(name: str, object_id: int) -> str:
    """A visibility scope: scope("group", 7) is "group:7"."""
    value = f"{name}:{int(object_id)}"
    if not SCOPE_PATTERN.match(value):
        raise ValueError(f"not a visibility scope: {value!r}")
    return value


def _names(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(value).strip() for value in values if str(value).strip()))


@dataclass(frozen=True)
class Document:
    kind: str
    object_id: int | str
    title: str
    url: str
    text: str = ""
    # A short line under the title: who organizes it, which group sells it.
    subtitle: str = ""
    municipality: tuple[str, ...] = ()
    area: tuple[str, ...] = ()
    age_bands: tuple[str, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    free: bool | None = None
    # The moments the document is about (an event's next dates, a round's deadline),
    # aware datetimes; the first is its date for sorting.
    dates: tuple[datetime, ...] = ()
    visible_to: tuple[str, ...] = (PUBLIC,)
    extra: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        if not KEY_PATTERN.match(self.kind):
            raise ValueError(f"not a document kind: {self.kind!r}")
        if not re.match(r"^[A-Za-z0-9_]{1,40}$", str(self.object_id)):
            raise ValueError(f"not a document object id: {self.object_id!r}")
        if not self.visible_to:
            raise ValueError("a document is visible to someone: visible_to is empty")
        for value in self.visible_to:
            if not SCOPE_PATTERN.match(value):
                raise ValueError(f"not a visibility scope: {value!r}")
        for value in self.dates:
            if value.tzinfo is None:
                raise ValueError("document dates are aware datetimes")

    @property
    def id(self) -> str:
        return document_id(self.kind, self.object_id)

    def record(self) -> dict:
        """The document as both engines store it (JSON), with its checksum."""
        timestamps = sorted({int(moment.timestamp()) for moment in self.dates})[:MAX_DATES]
        record = {
            "id": self.id,
            "kind": self.kind,
            "object_id": str(self.object_id),
            "title": " ".join(self.title.split())[:300],
            "subtitle": " ".join(self.subtitle.split())[:300],
            "text": " ".join(self.text.split())[:MAX_TEXT_LENGTH],
            "url": self.url,
            "municipality": list(_names(self.municipality)),
            "area": list(_names(self.area)),
            "age_bands": list(_names(self.age_bands)),
            "visible_to": sorted(set(self.visible_to)),
            "dates": timestamps,
        }
        if self.free is not None:
            record["free"] = bool(self.free)
        if self.age_min is not None:
            record["age_min"] = int(self.age_min)
        if self.age_max is not None:
            record["age_max"] = int(self.age_max)
        if timestamps:
            record["date_start"] = timestamps[0]
        record["checksum"] = checksum(record)
        return record


def checksum(record: dict) -> str:
    """A digest of what a record holds (its own checksum left out): equal records, equal
    checksums, whichever engine stored them."""
    content = {key: value for key, value in record.items() if key != "checksum"}
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()[:32]


def facet_values(record: dict, facet: str) -> list[str]:
    """A record's values of a facet, as strings (booleans as "true"/"false")."""
    value = record.get(facet)
    if value is None:
        return []
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)]
