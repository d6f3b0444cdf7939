"""What a Yjs update (format v1) holds, read without applying it, and whether the server's
document may take it. Pure: bytes and state vectors in, facts or ProtocolError out.

The layout (yjs/src/utils/encoding.js, readClientsStructRefs and readDeleteSet):

    update    = varuint clients, clients × (varuint structs, varuint client, varuint clock,
                structs × struct), delete set
    struct    = info byte; info & 31 == 0: GC (varuint length); == 10: Skip (varuint length);
                otherwise an item: origin ID if info & 0x80, right origin ID if info & 0x40;
                if neither, its parent (varuint 1 + root name, or 0 + parent ID) and, if
                info & 0x20, its key in the parent; then the content of type info & 31
    ID        = varuint client, varuint clock
    delete set = varuint clients, clients × (varuint client, varuint ranges,
                ranges × (varuint clock, varuint length))

`check_update` refuses, before the document sees anything:
- ("wrong_document") an item under a root the document kind does not write: another
  document's state carries the hub's `meta` root, which only the server writes;
- ("forbidden_content") content kinds the editor never produces (sub-documents, binary) and
  type kinds outside the XML the editor uses;
- ("missing_dependencies") an update that depends on what the server has not got and the
  update does not bring: a client's structs starting past what the server has of that client,
  Skip structs (gaps) among new ones, an item whose origin, right origin or parent is
  unknown, deletions of unknown ranges. Yjs would keep such an update pending, perhaps for
  ever. A client that edited offline sends such updates legitimately (its first edits after
  reconnecting may overtake its sync step 2): the consumer answers with its sync step 1, and
  the client's step 2 brings everything, or shows (by its `meta` root) that the update was
  built on another document.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tables.coedit.protocol import ProtocolError, Reader

# Content kinds (yjs contentRefs).
CONTENT_DELETED = 1
CONTENT_JSON = 2
CONTENT_BINARY = 3
CONTENT_STRING = 4
CONTENT_EMBED = 5
CONTENT_FORMAT = 6
CONTENT_TYPE = 7
CONTENT_ANY = 8
CONTENT_DOC = 9
# Shared type kinds (yjs typeRefs).
TYPE_ARRAY, TYPE_MAP, TYPE_TEXT, TYPE_XML_ELEMENT, TYPE_XML_FRAGMENT, TYPE_XML_HOOK = range(6)
TYPE_XML_TEXT = 6

# What the editor (ProseMirror through y-prosemirror) writes: elements, text runs with
# formatting marks, element attributes (any), and deleted content.
EDITOR_CONTENT = frozenset(
    {CONTENT_DELETED, CONTENT_STRING, CONTENT_EMBED, CONTENT_FORMAT, CONTENT_TYPE, CONTENT_ANY}
)
EDITOR_TYPES = frozenset({TYPE_XML_ELEMENT, TYPE_XML_TEXT})
MAX_ANY_DEPTH = 16
MAX_STRUCTS = 200_000


@dataclass
class Struct:
    client: int
    clock: int
    length: int
    kind: str  # "gc", "skip", "item"
    root: str | None = None  # the root name, when the item names its parent by name
    refs: tuple[tuple[int, int], ...] = ()  # IDs the item depends on
    content: int = 0
    type_ref: int | None = None


@dataclass
class UpdateFacts:
    structs: list[Struct] = field(default_factory=list)
    deletes: dict[int, list[tuple[int, int]]] = field(default_factory=dict)

    def ranges(self) -> dict[int, tuple[int, int]]:
        """client → (first clock, end clock) of the structs the update brings."""
        spans: dict[int, tuple[int, int]] = {}
        for item in self.structs:
            start, end = spans.get(item.client, (item.clock, item.clock))
            spans[item.client] = (min(start, item.clock), max(end, item.clock + item.length))
        return spans

    @property
    def is_empty(self) -> bool:
        return not self.structs and not any(self.deletes.values())


def _id(reader: Reader) -> tuple[int, int]:
    return reader.varuint(), reader.varuint()


def _skip_any(reader: Reader, depth: int = 0) -> None:
    if depth > MAX_ANY_DEPTH:
        raise ProtocolError("malformed", "a value nested too deeply")
    tag = reader.byte()
    if tag in (127, 126, 121, 120):  # undefined, null, false, true
        return
    if tag == 125:
        reader.varint()
    elif tag == 124:
        reader.take(4)
    elif tag in (123, 122):
        reader.take(8)
    elif tag == 119:
        reader.varstring()
    elif tag == 118:
        for _ in range(reader.varuint()):
            reader.varstring()
            _skip_any(reader, depth + 1)
    elif tag == 117:
        for _ in range(reader.varuint()):
            _skip_any(reader, depth + 1)
    elif tag == 116:
        reader.varbytes()
    else:
        raise ProtocolError("malformed", f"unknown value tag {tag}")


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _content(reader: Reader, ref: int) -> tuple[int, int | None]:
    """Read an item's content; return (its length in clock ticks, its type kind if a type)."""
    if ref == CONTENT_DELETED:
        return reader.varuint(), None
    if ref == CONTENT_JSON:
        count = reader.varuint()
        for _ in range(count):
            reader.varstring()
        return count, None
    if ref == CONTENT_BINARY:
        reader.varbytes()
        return 1, None
    if ref == CONTENT_STRING:
        return _utf16_length(reader.varstring()), None
    if ref == CONTENT_EMBED:
        reader.varstring()
        return 1, None
    if ref == CONTENT_FORMAT:
        reader.varstring()
        reader.varstring()
        return 1, None
    if ref == CONTENT_TYPE:
        type_ref = reader.varuint()
        if type_ref in (TYPE_XML_ELEMENT, TYPE_XML_HOOK):
            reader.varstring()
        elif type_ref > TYPE_XML_TEXT:
            raise ProtocolError("malformed", f"unknown type kind {type_ref}")
        return 1, type_ref
    if ref == CONTENT_ANY:
        count = reader.varuint()
        for _ in range(count):
            _skip_any(reader)
        return count, None
    if ref == CONTENT_DOC:
        reader.varstring()
        _skip_any(reader)
        return 1, None
    raise ProtocolError("malformed", f"unknown content kind {ref}")


def read_update(update: bytes) -> UpdateFacts:
    """The structs and deletions of a v1 update; ProtocolError if it is not exactly one."""
    reader = Reader(bytes(update))
    facts = UpdateFacts()
    for _ in range(reader.varuint()):
        count = reader.varuint()
        if len(facts.structs) + count > MAX_STRUCTS:
            raise ProtocolError("too_large", "too many structs in one update")
        client = reader.varuint()
        clock = reader.varuint()
        for _ in range(count):
            info = reader.byte()
            ref = info & 0x1F
            if ref == 0 or ref == 10:
                length = reader.varuint()
                facts.structs.append(Struct(client, clock, length, "gc" if ref == 0 else "skip"))
                clock += length
                continue
            refs = []
            root = None
            if info & 0x80:
                refs.append(_id(reader))
            if info & 0x40:
                refs.append(_id(reader))
            if not info & 0xC0:
                if reader.varuint() == 1:
                    root = reader.varstring()
                else:
                    refs.append(_id(reader))
                if info & 0x20:
                    reader.varstring()
            length, type_ref = _content(reader, ref)
            if length < 1:
                raise ProtocolError("malformed", "an item of length 0")
            facts.structs.append(
                Struct(client, clock, length, "item", root, tuple(refs), ref, type_ref)
            )
            clock += length
    for _ in range(reader.varuint()):
        client = reader.varuint()
        ranges = facts.deletes.setdefault(client, [])
        for _ in range(reader.varuint()):
            ranges.append((reader.varuint(), reader.varuint()))
    reader.end()
    return facts


class UpdateRefused(ProtocolError):
    """A well-formed update the document may not take."""


def check_update(
    facts: UpdateFacts, *, state: dict[int, int], writable_roots: frozenset[str]
) -> None:
    """Raise UpdateRefused unless the server's document (state vector `state`) may take the
    update described by `facts`: see the module's docstring."""
    brought = facts.ranges()

    def known(client: int, clock: int) -> bool:
        if clock < state.get(client, 0):
            return True
        span = brought.get(client)
        return span is not None and span[0] <= clock < span[1]

    for client, (start, _end) in brought.items():
        if start > state.get(client, 0):
            raise UpdateRefused(
                "missing_dependencies",
                f"client {client} starts at {start}, the document has {state.get(client, 0)}",
            )
    for item in facts.structs:
        if item.clock + item.length <= state.get(item.client, 0):
            continue  # the document has it already
        if item.kind == "skip":
            raise UpdateRefused("missing_dependencies", "a gap inside the update")
        if item.kind == "gc":
            continue
        if item.content not in EDITOR_CONTENT:
            raise UpdateRefused("forbidden_content", f"content kind {item.content}")
        if item.type_ref is not None and item.type_ref not in EDITOR_TYPES:
            raise UpdateRefused("forbidden_content", f"type kind {item.type_ref}")
        if item.root is not None and item.root not in writable_roots:
            raise UpdateRefused("wrong_document", f"an item under the root {item.root!r}")
        for client, clock in item.refs:
            if client == item.client and clock >= item.clock >= state.get(client, 0):
                # A client's new item can only follow what that client wrote before it
                # (pycrdt splitting a character in two writes such an item: Yrs keeps it
                # pending for ever).
                raise UpdateRefused(
                    "missing_dependencies", f"an item of {client} refers to itself or later"
                )
            if not known(client, clock):
                raise UpdateRefused(
                    "missing_dependencies", f"an item refers to {client}:{clock}, unknown here"
                )
    for client, ranges in facts.deletes.items():
        for clock, length in ranges:
            if length and not known(client, clock + length - 1):
                raise UpdateRefused(
                    "missing_dependencies", f"a deletion of {client}:{clock}+{length}, unknown here"
                )
