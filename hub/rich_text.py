"""Server-side sanitising of rich text, whatever path it arrives by (admin, API, code).

Wagtail's editor already converts what Draftail sends, but rich text can also reach the
database from imports, the API or code. Every rich text block of the hub stores its HTML
through this allowlist: elements outside it are unwrapped (their text kept), attributes
outside it dropped, and links other than http(s), mailto and tel removed.
"""

from __future__ import annotations

from wagtail import blocks
from wagtail.fields import RichTextField
from wagtail.whitelist import Whitelister, allow_without_attributes, attribute_rule, check_url

ALLOWED_ELEMENTS = {
    "[document]": allow_without_attributes,
    "p": allow_without_attributes,
    "br": allow_without_attributes,
    "h2": allow_without_attributes,
    "h3": allow_without_attributes,
    "h4": allow_without_attributes,
    "b": allow_without_attributes,
    "i": allow_without_attributes,
    "ul": allow_without_attributes,
    "ol": allow_without_attributes,
    "li": allow_without_attributes,
    # Wagtail's database format: internal links carry linktype + id, expanded on render.
    "a": attribute_rule({"href": check_url, "linktype": True, "id": True}),
    "embed": attribute_rule(
        {"embedtype": True, "url": True, "id": True, "alt": True, "format": True}
    ),
}


# Dropped with their content, not unwrapped: their text is code, not prose.
DROPPED_ELEMENTS = {"script", "style", "iframe", "object", "template", "noscript"}


class _HubWhitelister(Whitelister):
    element_rules = ALLOWED_ELEMENTS

    def clean_tag_node(self, doc, tag):
        if tag.name in DROPPED_ELEMENTS:
            tag.decompose()
            return
        super().clean_tag_node(doc, tag)


_whitelister = _HubWhitelister()


def sanitize_rich_text(html: str) -> str:
    return _whitelister.clean(html or "")


class SanitizedRichTextBlock(blocks.RichTextBlock):
    """A RichTextBlock whose stored HTML always passes the allowlist."""

    def get_prep_value(self, value):
        return sanitize_rich_text(super().get_prep_value(value))

    class Meta:
        icon = "pilcrow"


class SanitizedRichTextField(RichTextField):
    """A RichTextField whose stored HTML always passes the allowlist."""

    def get_prep_value(self, value):
        return sanitize_rich_text(super().get_prep_value(value))
