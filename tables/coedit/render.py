"""A co-edited document as sanitised HTML and as plain text, by walking its tree. Pure.

The editor is ProseMirror (Tiptap's starter kit) bound to Yjs by y-prosemirror: the root
XML fragment `default` holds one element per block node, named after the node; text runs are
XML text whose formatting attributes are the marks (`bold`, `link` with its `href`…).

Only what the editor's schema can hold is rendered, from an allowlist: node names become
fixed tags, marks fixed tags, and the one attribute that reaches the HTML, a link's `href`,
passes only with an allowed scheme. Everything else is dropped: unknown elements (their text
is kept, escaped), every other attribute, embeds. Text is escaped. Nesting past MAX_DEPTH is
not rendered at all (an adversarial document may nest thousands of elements). pycrdt's own
`str()` of an XML fragment copies names and attributes without escaping: never used here.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import urlsplit

from pycrdt import Doc, XmlElement, XmlFragment, XmlText

ROOT = "default"
MAX_DEPTH = 24
LINK_SCHEMES = frozenset({"http", "https", "mailto"})

# node name → tag
BLOCKS = {
    "paragraph": "p",
    "blockquote": "blockquote",
    "bulletList": "ul",
    "orderedList": "ol",
    "listItem": "li",
    "codeBlock": "pre",
}
HEADING_LEVELS = range(2, 5)  # h1 is the page's title; deeper levels read as h4
VOID = {"hardBreak": "<br>", "horizontalRule": "<hr>"}
# mark → tag, outermost first
MARKS = (
    ("link", "a"),
    ("bold", "strong"),
    ("italic", "em"),
    ("underline", "u"),
    ("strike", "s"),
    ("code", "code"),
)
MARK_NAMES = {name for name, _tag in MARKS}
# Blocks after which the plain text breaks the line.
TEXT_BLOCKS = {"paragraph", "heading", "listItem", "codeBlock", "blockquote"}


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str


def safe_href(value) -> str | None:
    """The link's target if it is an absolute http(s) or mailto URL, else None."""
    if not isinstance(value, str) or len(value) > 2000:
        return None
    cleaned = value.strip()
    if any(ord(char) < 32 or (char.isspace() and char != " ") for char in cleaned):
        return None
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return None
    if parts.scheme.lower() not in LINK_SCHEMES:
        return None
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return None
    return cleaned


def _mark_name(key: str) -> str:
    # y-prosemirror stores marks that may overlap themselves as "<name>--<hash>".
    return key.split("--", 1)[0]


def _heading_tag(attributes: dict) -> str:
    level = attributes.get("level")
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 2
    return f"h{min(max(level, HEADING_LEVELS.start), HEADING_LEVELS.stop - 1)}"


def _ordered_list_open(attributes: dict) -> str:
    start = attributes.get("start")
    if isinstance(start, (int, float)) and not isinstance(start, bool):
        start = int(start)
        if start != 1 and -1_000_000 < start < 1_000_000:
            return f'<ol start="{start}">'
    return "<ol>"


class _Writer:
    def __init__(self):
        self.html: list[str] = []
        self.text: list[str] = []

    def run(self, content: str, attributes: dict | None) -> None:
        marks = {}
        for key, value in (attributes or {}).items():
            name = _mark_name(key)
            if name in MARK_NAMES and value is not None and value is not False:
                marks[name] = value
        opening, closing = [], []
        for name, tag in MARKS:
            if name not in marks:
                continue
            if name == "link":
                href = safe_href(marks[name].get("href") if isinstance(marks[name], dict) else None)
                if href is None:
                    continue
                opening.append(f'<a href="{escape(href)}" rel="noopener noreferrer nofollow">')
            else:
                opening.append(f"<{tag}>")
            closing.insert(0, f"</{tag}>")
        self.html.append("".join(opening) + escape(content) + "".join(closing))
        self.text.append(content)

    def text_node(self, node: XmlText) -> None:
        for content, attributes in node.diff():
            if isinstance(content, str):
                self.run(content, attributes)

    def children(self, node, depth: int, *, code: bool = False) -> None:
        if depth > MAX_DEPTH:
            return
        for child in node.children:
            if isinstance(child, XmlText):
                if code:
                    text = "".join(c for c, _a in child.diff() if isinstance(c, str))
                    self.html.append(escape(text))
                    self.text.append(text)
                else:
                    self.text_node(child)
            elif isinstance(child, XmlElement):
                self.element(child, depth + 1)

    def element(self, node: XmlElement, depth: int) -> None:
        name = node.tag
        if name in VOID:
            self.html.append(VOID[name])
            self.text.append("\n")
            return
        attributes = dict(node.attributes)
        if name == "heading":
            tag = _heading_tag(attributes)
            opening = f"<{tag}>"
        elif name == "orderedList":
            tag = "ol"
            opening = _ordered_list_open(attributes)
        elif name in BLOCKS:
            tag = BLOCKS[name]
            opening = f"<{tag}>"
        else:
            # Not in the schema: its text stays (escaped), its name and attributes go.
            self.children(node, depth)
            return
        if name == "codeBlock":
            self.html.append("<pre><code>")
            self.children(node, depth, code=True)
            self.html.append("</code></pre>")
        else:
            self.html.append(opening)
            self.children(node, depth)
            self.html.append(f"</{tag}>")
        if name in TEXT_BLOCKS:
            self.text.append("\n")


def render_fragment(fragment: XmlFragment) -> Rendered:
    writer = _Writer()
    writer.children(fragment, 0)
    text = "".join(writer.text)
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return Rendered(html="".join(writer.html), text="\n".join(lines))


def render_state(state: bytes) -> Rendered:
    """Render a document from its whole state (an update from an empty document)."""
    doc = Doc()
    if state:
        doc.apply_update(state)
    return render_fragment(doc.get(ROOT, type=XmlFragment))
