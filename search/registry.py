"""What can be searched, and who may find it: registered by the apps, never imported.

`search` imports no app. Each app registers, in its `AppConfig.ready()`:

- its kinds of documents, with `register_kind`: a key (the document ids' prefix and the
  `tipo` filter's value), a plural label, `load(ids)` turning object ids into the
  documents that should be in the index now (an id it returns nothing for is removed), and
  `indexable_ids()`, every id that should be in the index (for `search_reindex` and the
  nightly reconciliation);
- which changes touch which documents, as `Watch`es: a model, and a function from a changed
  instance to the ids of the kind it touches. search connects the signals itself
  (search.signals): for a Wagtail page model its publishing, unpublishing, deletion, moves
  and view restrictions; for another model its saves, deletions and many-to-many changes.
  A change queues an indexing task once the transaction commits;
- its visibility scopes, with `register_scopes`: a function from a user to the scopes the
  user has ("group:7" for each GAF group of the user's family, "table:12" for each table
  the user sits at). Every query is filtered by "public" plus the user's scopes, on the
  server, in the hits and in the facet counts.

A kind added later (tables' proposals, minutes and Piano Family objectives; Carta
Famiglia's shops and offers; surveys) only registers itself, e.g. in tables/apps.py:

    from search import registry
    registry.register_kind(
        "proposal",
        label=_("Proposte"),
        load=tables.search_documents.proposal_documents,
        indexable_ids=tables.search_documents.proposal_ids,
        watch=[registry.Watch(Proposal, lambda proposal: [proposal.pk])],
    )
    registry.register_scopes(tables.search_documents.scopes_of)

with documents whose `visible_to` is ("public",) for a public proposal and
("table:12",) for a private one. Nothing in search changes, nor in its page or API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from search.documents import KEY_PATTERN, PUBLIC, SCOPE_PATTERN, Document


@dataclass(frozen=True)
class Watch:
    """Changes of `model` instances touch the documents `ids(instance)` of the kind.

    `fields`: for a save that names its update_fields, only these fields matter (a GAF
    round saved for a reminder does not touch its products). None: every save."""

    model: type
    ids: Callable[[object], Iterable[int | str]]
    fields: frozenset[str] | None = None


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    load: Callable[[Sequence[int | str]], Iterable[Document]]
    indexable_ids: Callable[[], Iterable[int | str]]
    watch: tuple[Watch, ...] = field(default=())


_kinds: dict[str, Kind] = {}
_scope_providers: dict[str, Callable[[object], Iterable[str]]] = {}
_listeners: list[Callable[[Kind], None]] = []


def register_kind(
    key: str,
    *,
    label: str,
    load: Callable[[Sequence[int | str]], Iterable[Document]],
    indexable_ids: Callable[[], Iterable[int | str]],
    watch: Iterable[Watch] = (),
) -> Kind:
    if not KEY_PATTERN.match(key):
        raise ValueError(f"a kind's key is lower-case letters, digits and _: {key!r}")
    kind = Kind(key, label, load, indexable_ids, tuple(watch))
    existing = _kinds.get(key)
    if existing is not None:
        if existing != kind:
            raise ValueError(f"search kind {key!r} is already registered")
        return existing
    _kinds[key] = kind
    for listener in _listeners:
        listener(kind)
    return kind


def unregister_kind(key: str) -> None:
    """For tests that register a kind of their own."""
    _kinds.pop(key, None)


def on_register(listener: Callable[[Kind], None]) -> None:
    """`listener(kind)` for every kind registered, before and after (search.signals)."""
    _listeners.append(listener)
    for registered in list(_kinds.values()):
        listener(registered)


def register_scopes(provider: Callable[[object], Iterable[str]], *, name: str = "") -> None:
    """`provider(user)` answers the visibility scopes the user has (never "public": every
    one has it). Registered once per name (the provider's qualified name by default)."""
    _scope_providers[name or f"{provider.__module__}.{provider.__qualname__}"] = provider


def kinds() -> dict[str, Kind]:
    return dict(_kinds)


def kind(key: str) -> Kind:
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(f"no search kind {key!r} is registered") from None


def label(key: str) -> str:
    found = _kinds.get(key)
    return str(found.label) if found else key


def watches() -> list[tuple[Kind, Watch]]:
    return [(registered, watch) for registered in _kinds.values() for watch in registered.watch]


def scopes_for(user) -> list[str]:
    """ "public" and the scopes the user has, from every registered provider."""
    scopes = [PUBLIC]
    if user is not None and getattr(user, "is_authenticated", False):
        for provider in _scope_providers.values():
            for value in provider(user):
                if SCOPE_PATTERN.match(value) and value not in scopes:
                    scopes.append(value)
    return scopes
