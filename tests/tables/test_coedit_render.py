"""Rendering a co-edited document (tables.coedit.render): the editor's schema becomes HTML
from an allowlist, and an adversarial document renders nothing executable."""

from __future__ import annotations

from html.parser import HTMLParser

from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from tables.coedit.render import MAX_DEPTH, render_fragment, render_state, safe_href


class _Elements(HTMLParser):
    """The elements of an HTML text, as a browser's tokenizer sees them."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def _fragment():
    doc = Doc()
    return doc, doc.get("default", type=XmlFragment)


def test_the_editors_schema_renders_as_html_and_text():
    _doc, fragment = _fragment()
    fragment.children.append(XmlElement("heading", {"level": 2}, [XmlText("Obiettivi")]))
    paragraph = fragment.children.append(XmlElement("paragraph", {}, [XmlText("Una ")]))
    text = paragraph.children[0]
    text.insert(4, "ludoteca", {"bold": {}})
    text.insert(12, " diffusa", {"link": {"href": "https://esempio.it/ludoteca"}})
    fragment.children.append(
        XmlElement(
            "bulletList",
            {},
            [XmlElement("listItem", {}, [XmlElement("paragraph", {}, [XmlText("Bruino")])])],
        )
    )
    fragment.children.append(XmlElement("orderedList", {"start": 3}, []))
    fragment.children.append(XmlElement("codeBlock", {}, [XmlText("a < b")]))
    rendered = render_fragment(fragment)
    assert rendered.html == (
        "<h2>Obiettivi</h2>"
        "<p>Una <strong>ludoteca</strong>"
        '<a href="https://esempio.it/ludoteca" rel="noopener noreferrer nofollow"> diffusa</a></p>'
        "<ul><li><p>Bruino</p></li></ul>"
        '<ol start="3"></ol>'
        "<pre><code>a &lt; b</code></pre>"
    )
    assert rendered.text.split("\n")[:2] == ["Obiettivi", "Una ludoteca diffusa"]


def test_an_adversarial_document_renders_nothing_executable():
    _doc, fragment = _fragment()
    fragment.children.append(XmlElement("script", {}, [XmlText("alert(1)")]))
    fragment.children.append(
        XmlElement(
            "img", {"src": "x", "onerror": "alert(1)"}, [XmlText("<img src=x onerror=alert(2)>")]
        )
    )
    fragment.children.append(
        XmlElement('paragraph" onmouseover="alert(3)', {"style": "x"}, [XmlText("nome")])
    )
    paragraph = fragment.children.append(
        XmlElement("paragraph", {"onclick": "alert(4)", "class": "x"}, [XmlText("")])
    )
    text = paragraph.children[0]
    for index, href in enumerate(
        [
            "javascript:alert(5)",
            " JaVaScRiPt:alert(6)",
            "java\tscript:alert(7)",
            "data:text/html,<script>alert(8)</script>",
            "vbscript:msgbox(9)",
            '"><script>alert(10)</script>',
            "//evil.example/x",
        ]
    ):
        text.insert(len(str(text)), f"link{index} ", {"link": {"href": href}})
    text.insert(len(str(text)), "x", {'bold" onclick="alert(11)': {}, "onclick": "alert(12)"})
    fragment.children.append(
        XmlElement("heading", {"level": "1 onclick=alert(13)"}, [XmlText("h")])
    )
    fragment.children.append(XmlElement("orderedList", {"start": '1" onclick="x'}, []))
    html = render_fragment(fragment).html
    elements = _Elements()
    elements.feed(html)
    assert {tag for tag, _attributes in elements.found} <= {"p", "h2", "ol", "strong"}
    assert [attributes for _tag, attributes in elements.found if attributes] == []
    assert "javascript:" not in html.lower()
    assert "&lt;img src=x onerror=alert(2)&gt;" in html  # text stays, escaped
    assert "<h2>h</h2>" in html and "<ol>" in html


def test_huge_nesting_is_cut_off_without_recursion_errors():
    doc, fragment = _fragment()
    node = fragment.children.append(XmlElement("blockquote", {}))
    for _ in range(400):
        node = node.children.append(XmlElement("blockquote", {}))
    node.children.append(XmlElement("paragraph", {}, [XmlText("in fondo")]))
    rendered = render_state(doc.get_update())
    assert rendered.html.count("<blockquote>") <= MAX_DEPTH + 1
    assert "in fondo" not in rendered.html


def test_safe_href():
    assert safe_href("https://esempio.it/a?b=1") == "https://esempio.it/a?b=1"
    assert safe_href("mailto:tavolo@esempio.it") == "mailto:tavolo@esempio.it"
    for bad in ["javascript:alert(1)", "http:/x", "ftp://x", "/relativo", "https://a\nb", None, 3]:
        assert safe_href(bad) is None
