"""What the browser tests share: where Chromium and axe-core are, and the accessibility check."""

from __future__ import annotations

import json
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
# The bar is WCAG 2.1 AA; a violation of these rules with impact serious or critical fails.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


def assert_accessible(page) -> None:
    """Run axe-core on the current page; fail on serious or critical WCAG 2.1 AA violations."""
    # Evaluated through the DevTools protocol, not added as an inline <script>, which the
    # hub's Content-Security-Policy refuses.
    page.evaluate(f"() => {{ {AXE.read_text()}\n }}")
    assert page.evaluate("typeof axe") == "object", "axe-core did not load"
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    blocking = [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"][:5]],
        }
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
    assert not blocking, f"axe-core on {page.url}:\n{json.dumps(blocking, indent=2)}"
