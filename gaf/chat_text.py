"""Chat text: what a message may contain, and how it is shown, on plain values.

A message is plain text, stored as typed (after `clean_body`), never HTML. To show it, the
text is cut into parts: plain text, links (http and https only) and @mentions of room
members. The server renders the parts escaped (`render_html`); the browser builds text
nodes and anchors from the same parts (`parts`, sent as JSON), never HTML. One cut, two
renderings, so a link is clickable in the same places on both.

Mentions are written `@Name` where Name is how the room shows a member (the person's name,
or their family's name when they gave none); the longest member name after an `@` wins,
so "@Anna Maria" mentions Anna Maria, not Anna.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.html import escape
from django.utils.translation import gettext as _

MAX_LENGTH = 2000

# Characters that reorder text on screen (bidirectional overrides and isolates): a message
# could use them to make a link or a name read as something else.
_BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C], None
)
_LINK = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\"»”’"


class BodyError(ValueError):
    """A message text refused, with a stable code and an Italian message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def clean_body(text: str) -> str:
    """The text as stored: newlines unified, control characters dropped, trimmed.

    Raises BodyError("empty") for nothing left, BodyError("too_long") beyond MAX_LENGTH.
    """
    if not isinstance(text, str):
        raise BodyError("invalid_body", _("Il messaggio deve essere un testo."))
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_BIDI_CONTROLS)
    text = "".join(
        char
        for char in text
        if char in "\n\t" or unicodedata.category(char) not in {"Cc", "Cs", "Co"}
    )
    text = text.strip()
    if not text:
        raise BodyError("empty", _("Il messaggio è vuoto."))
    if len(text) > MAX_LENGTH:
        raise BodyError(
            "too_long",
            _("Il messaggio è troppo lungo: al massimo %(max)s caratteri (ne hai scritti %(n)s).")
            % {"max": MAX_LENGTH, "n": len(text)},
        )
    return text


# --- Parts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    start: int
    end: int  # after the name
    name: str
    user_ids: tuple[int, ...]


def find_mentions(text: str, members: Mapping[int, str]) -> list[Mention]:
    """The @mentions of room members in `text` (members: user id → name shown)."""
    by_name: dict[str, tuple[int, list[int]]] = {}  # folded name → (length, user ids)
    for user_id, name in members.items():
        name = name.strip()
        if name:
            by_name.setdefault(name.casefold(), (len(name), []))[1].append(user_id)
    if not by_name:
        return []
    candidates = sorted(by_name.items(), key=lambda item: item[1][0], reverse=True)
    found = []
    position = 0
    while (at := text.find("@", position)) != -1:
        position = at + 1
        if at > 0 and (text[at - 1].isalnum() or text[at - 1] == "@"):
            continue  # an e-mail address, not a mention
        for folded, (length, user_ids) in candidates:
            end = at + 1 + length
            if text[at + 1 : end].casefold() == folded and (
                end == len(text) or not text[end].isalnum()
            ):
                found.append(Mention(at, end, text[at + 1 : end], tuple(sorted(user_ids))))
                position = end
                break
    return found


def mentioned_user_ids(text: str, members: Mapping[int, str]) -> list[int]:
    return sorted({user_id for m in find_mentions(text, members) for user_id in m.user_ids})


def _link_end(text: str, start: int, end: int) -> int:
    """Leave trailing punctuation out of a link, and a closing bracket it did not open."""
    while end > start:
        last = text[end - 1]
        if last in _TRAILING or (
            last == ")" and text.count("(", start, end) < text.count(")", start, end)
        ):
            end -= 1
        else:
            break
    return end


def safe_link(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme.lower() in {"http", "https"} and bool(parts.hostname)


def parts(text: str, members: Mapping[int, str] | None = None) -> list[dict]:
    """`text` cut into {"text"}, {"link", "text"} and {"mention", "users", "text"} parts."""
    spans: list[tuple[int, int, dict]] = []
    for match in _LINK.finditer(text):
        end = _link_end(text, match.start(), match.end())
        url = text[match.start() : end]
        if safe_link(url):
            spans.append((match.start(), end, {"link": url, "text": url}))
    taken = [(start, end) for start, end, _part in spans]
    for mention in find_mentions(text, members or {}):
        if not any(start < mention.end and mention.start < end for start, end in taken):
            spans.append(
                (
                    mention.start,
                    mention.end,
                    {
                        "mention": mention.name,
                        "users": list(mention.user_ids),
                        "text": text[mention.start : mention.end],
                    },
                )
            )
    spans.sort(key=lambda span: span[0])
    result: list[dict] = []
    position = 0
    for start, end, part in spans:
        if start > position:
            result.append({"text": text[position:start]})
        result.append(part)
        position = end
    if position < len(text):
        result.append({"text": text[position:]})
    return result


def render_html(message_parts: Sequence[Mapping]) -> str:
    """The parts as HTML: every piece of text escaped, links with rel="nofollow noopener"."""
    html = []
    for part in message_parts:
        text = escape(part.get("text", ""))
        if "link" in part and safe_link(part["link"]):
            html.append(f'<a href="{escape(part["link"])}" rel="nofollow noopener">{text}</a>')
        elif "mention" in part:
            html.append(f'<span class="gaf-chat-mention">{text}</span>')
        else:
            html.append(text)
    return "".join(html)
