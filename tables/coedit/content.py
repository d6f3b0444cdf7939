"""Content the hub itself writes into a co-edited document, as Yjs updates. Pure.

- The first update of every document: the `meta` root naming the document (only the server
  writes it: tables.coedit.updates refuses clients' items under it, so another document's
  state can never be merged into this one) and the starting text (a proposal's body as it
  was typed in the plain form; a meeting's agenda for its minutes).
- Replacing the whole text (restoring a version): the update that takes the document from
  its current state to the given blocks, which connected editors receive like any other.

Blocks are plain tuples: ("paragraph", text) or ("heading", level, text).
"""

from __future__ import annotations

from pycrdt import Doc, Map, XmlElement, XmlFragment, XmlText

from tables.coedit.render import ROOT

META = "meta"
WRITABLE_ROOTS = frozenset({ROOT})


def text_blocks(text: str) -> list[tuple]:
    """A plain text as paragraphs: one per line (empty lines dropped)."""
    return [("paragraph", line.strip()) for line in (text or "").splitlines() if line.strip()]


def _element(block: tuple) -> XmlElement:
    if block[0] == "heading":
        _kind, level, text = block
        return XmlElement("heading", {"level": int(level)}, [XmlText(text)])
    return XmlElement("paragraph", {}, [XmlText(block[1])] if block[1] else [])


def _fill(fragment: XmlFragment, blocks: list[tuple]) -> None:
    for block in blocks or [("paragraph", "")]:
        fragment.children.append(_element(block))


def seed_update(*, name: str, blocks: list[tuple]) -> bytes:
    """The first update of the document `name` ("proposal:12", "minutes:3")."""
    doc = Doc()
    doc[META] = Map({"document": name})
    _fill(doc.get(ROOT, type=XmlFragment), blocks)
    return doc.get_update()


def document_name(doc: Doc) -> str | None:
    meta = doc.get(META, type=Map)
    return meta.get("document")


def replace_update(state: bytes, blocks: list[tuple]) -> bytes:
    """The update that replaces the whole text of the document in `state` with `blocks`."""
    doc = Doc()
    doc.apply_update(state)
    before = doc.get_state()
    fragment = doc.get(ROOT, type=XmlFragment)
    with doc.transaction():
        while len(fragment.children):
            del fragment.children[len(fragment.children) - 1]
        _fill(fragment, blocks)
    return doc.get_update(before)
