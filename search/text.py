"""Text as both engines match it: folded words, query terms, plain text and snippets.

Meilisearch folds Italian text itself (lower case, accents removed, elided articles split
off: "dell'infanzia" is the words "dell" and "infanzia", "Forlì" is "forli"); the database
engine matches words of the same folded text (`fold`), so the two find the same documents
for the same words. Neither finds a word inside another: a query's words match whole words,
and its last word also the start of one (what a person is still typing). The database
engine has no typo tolerance: "labratorio" finds nothing there.

Pure functions on strings: no Django models, no engine.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache

# Articles, prepositions and conjunctions: ignored in queries by both engines (Meilisearch's
# stopWords setting), so "laboratorio bici per bambini a Orbassano" asks for four words.
# fmt: off
STOP_WORDS = frozenset((
    "a", "ad", "al", "allo", "ai", "agli", "all", "alla", "alle", "col", "con", "coi", "da",
    "dal", "dallo", "dai", "dagli", "dall", "dalla", "dalle", "di", "del", "dello", "dei",
    "degli", "dell", "della", "delle", "e", "ed", "fra", "gli", "i", "il", "in", "l", "la",
    "le", "lo", "ne", "nel", "nello", "nei", "negli", "nell", "nella", "nelle", "o", "od",
    "per", "su", "sul", "sullo", "sui", "sugli", "sull", "sulla", "sulle", "tra", "un", "una",
    "uno",
))
# fmt: on
MAX_TERMS = 10
MAX_TERM_LENGTH = 40

# One part of a highlighted text: the text, and whether it matched the query.
Part = tuple[str, bool]


@cache
def _fold_char(character: str) -> str:
    decomposed = unicodedata.normalize("NFKD", character)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return "".join(c if c.isalnum() else " " for c in base)


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NOT_ALPHANUMERIC = re.compile(r"[\W_]")


def fold(text: str) -> str:
    """Lower case, accents removed, every character that is not a letter or digit a space.

    The same as folding each character alone (`_fold_char`, which highlighting uses to
    keep positions), in a few passes over the whole text."""
    decomposed = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _NOT_ALPHANUMERIC.sub(" ", decomposed.lower())


def _fold_with_positions(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the original one."""
    folded: list[str] = []
    positions: list[int] = []
    for index, character in enumerate(text):
        piece = _fold_char(character)
        folded.append(piece)
        positions.extend([index] * len(piece))
    return "".join(folded), positions


def words(text: str) -> str:
    """The folded words of a text with a space before and after each, as the database
    engine stores them: " scuola dell infanzia di forli ". A word is found with
    " word " and the start of one with " word"."""
    return " " + " ".join(fold(text).split()) + " "


def terms(query: str) -> list[str]:
    """The words a query asks for: folded, without stop words and repeats, at most
    MAX_TERMS of at most MAX_TERM_LENGTH characters."""
    found: list[str] = []
    for word in fold(query).split():
        word = word[:MAX_TERM_LENGTH]
        if word not in STOP_WORDS and word not in found:
            found.append(word)
    return found[:MAX_TERMS]


def plain_text(markup: str) -> str:
    """Rich text (HTML) as plain text: tags dropped, entities decoded, spaces collapsed."""
    without_tags = re.sub(r"<[^>]*>", " ", markup or "")
    return " ".join(html.unescape(without_tags).split())


def _matches(text: str, query_terms: Sequence[str]) -> list[tuple[int, int]]:
    """(start, end) in `text` of every word matching a term: a whole word for every term,
    also a word's start for the last one (as the engines match)."""
    if not query_terms:
        return []
    folded, positions = _fold_with_positions(text)
    *whole, last = query_terms
    spans: list[tuple[int, int]] = []
    for match in re.finditer(r"[^\W_]+", folded):
        word = match.group()
        length = 0
        if word in whole:
            length = len(word)
        if word.startswith(last):
            length = max(length, len(last))
        if length:
            start = positions[match.start()]
            end = positions[match.start() + length - 1] + 1
            spans.append((start, end))
    return spans


def highlight(text: str, query_terms: Sequence[str]) -> tuple[Part, ...]:
    """The text in parts, the matching ones marked."""
    parts: list[Part] = []
    cursor = 0
    for start, end in _matches(text, query_terms):
        if start > cursor:
            parts.append((text[cursor:start], False))
        parts.append((text[start:end], True))
        cursor = end
    if cursor < len(text):
        parts.append((text[cursor:], False))
    return tuple(parts)


def crop(text: str, query_terms: Sequence[str], *, length: int = 24) -> tuple[Part, ...]:
    """About `length` words of the text around its first match (or from its start),
    highlighted, with "…" where the text was cut."""
    tokens = list(re.finditer(r"\S+", text))
    if not tokens:
        return ()
    matches = _matches(text, query_terms)
    first = 0
    if matches:
        first_match = matches[0][0]
        first = next(i for i, token in enumerate(tokens) if token.end() > first_match)
    begin = max(0, min(first - length // 4, len(tokens) - length))
    end = min(len(tokens), begin + length)
    excerpt = text[tokens[begin].start() : tokens[end - 1].end()]
    parts = list(highlight(excerpt, query_terms))
    if begin > 0:
        parts.insert(0, ("…", False))
    if end < len(tokens):
        parts.append(("…", False))
    return _merged(parts)


def parts_from_marked(text: str, start_mark: str, end_mark: str) -> tuple[Part, ...]:
    """Parts from a text whose matches stand between two marks (Meilisearch's _formatted)."""
    parts: list[Part] = []
    for index, piece in enumerate(re.split(f"{re.escape(start_mark)}|{re.escape(end_mark)}", text)):
        if piece:
            parts.append((piece, index % 2 == 1))
    return _merged(parts)


def _merged(parts: Iterable[Part]) -> tuple[Part, ...]:
    merged: list[Part] = []
    for piece, matched in parts:
        if merged and merged[-1][1] == matched:
            merged[-1] = (merged[-1][0] + piece, matched)
        else:
            merged.append((piece, matched))
    return tuple(merged)


def parts_as_html(parts: Iterable[Part]) -> str:
    """Escaped HTML, the matches in <mark>: safe to put in a page as it is."""
    return "".join(
        f"<mark>{html.escape(piece)}</mark>" if matched else html.escape(piece)
        for piece, matched in parts
    )


def parts_as_text(parts: Iterable[Part]) -> str:
    return "".join(piece for piece, _matched in parts)


def stream_text(stream) -> str:
    """The words of a Wagtail StreamField value: rich text as plain text, plain strings,
    and the strings of structured blocks (a call to action's text); images, documents and
    embeds have none."""
    pieces: list[str] = []

    def collect(value) -> None:
        source = getattr(value, "source", None)
        if isinstance(source, str):
            pieces.append(plain_text(source))
        elif isinstance(value, str):
            pieces.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                if isinstance(item, str) and not item.startswith(("http://", "https://")):
                    pieces.append(item)

    for block in stream or ():
        collect(block.value)
    return " ".join(piece for piece in pieces if piece)
