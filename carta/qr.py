"""The card's QR code as inline SVG (segno: pure Python, no image library)."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str, *, title: str) -> SafeString:
    """An SVG element (no XML declaration) that scales to its container. Safe to inline:
    segno writes only its own markup and escapes the title."""
    code = segno.make(data, error="m", micro=False)
    svg = code.svg_inline(scale=4, border=2, title=title, omitsize=True, svgclass="carta-qr")
    return mark_safe(svg)
