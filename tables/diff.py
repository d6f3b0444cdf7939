"""Word-by-word differences between two proposal versions, fields included.

The texts are cut into words, runs of spaces and single punctuation marks, and compared
with difflib; the result is HTML in which every piece of the people's text is escaped and
only the hub's own <ins> and <del> elements mark what was added and removed. Fields that
are lists (age bands, municipalities, partners) compare as their comma-separated names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tables.versions import FIELDS, field_text

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class FieldChange:
    key: str
    label: str
    html: SafeString
    changed: bool


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The pieces of the difference, in reading order: ("equal" | "delete" | "insert", text).
    Joining the equal and delete pieces gives `old`; the equal and insert pieces, `new`."""
    before, after = tokens(old), tokens(new)
    pieces: list[tuple[str, str]] = []
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("equal", "".join(before[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(("delete", "".join(before[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(("insert", "".join(after[j1:j2])))
    return pieces


def render(pieces: list[tuple[str, str]]) -> SafeString:
    html = []
    for kind, text in pieces:
        if kind == "equal":
            html.append(escape(text))
        elif kind == "delete":
            html.append(f"<del>{escape(text)}</del>")
        else:
            html.append(f"<ins>{escape(text)}</ins>")
    # Safe: every piece of the people's text is escaped above.
    return mark_safe("".join(html))


def compare(old: Mapping | None, new: Mapping | None) -> list[FieldChange]:
    """Every field of the two snapshots, in display order, with its word difference."""
    changes = []
    for key, label in FIELDS:
        before, after = field_text(old, key), field_text(new, key)
        changes.append(
            FieldChange(
                key=key,
                label=str(label),
                html=render(word_diff(before, after)),
                changed=before != after,
            )
        )
    return changes
