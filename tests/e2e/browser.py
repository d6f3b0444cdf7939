"""What the browser tests share: where Chromium and axe-core are, and the accessibility check."""

from __future__ import annotations

import json
import time
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


def signed_in_page(browser, base_url: str, user):
    """A phone-sized page of a browser signed in as `user` (a session cookie, no form)."""
    from django.conf import settings
    from django.contrib.sessions.backends.base import UpdateError
    from django.db import OperationalError
    from django.test import Client

    client = Client()
    # The test server's thread reads the same shared-cache in-memory SQLite, whose locks are
    # per table: a read in flight there can refuse this session write for a moment.
    for attempt in range(50):
        try:
            client.force_login(user)
            break
        except (OperationalError, UpdateError) as error:
            cause = error if isinstance(error, OperationalError) else error.__context__
            if "locked" not in str(cause) or attempt == 49:
                raise
            time.sleep(0.1)
    context = browser.new_context(locale="it-IT", viewport=PHONE)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def off_the_event_loop(function, /, *args, **kwargs):
    """`function(*args, **kwargs)` in a thread of its own, as a request or a task runs it.

    Playwright's sync API keeps an event loop running in the test's thread, where a
    service's broadcast after commit (async_to_sync) cannot run: code that notifies or
    broadcasts runs here instead. Returns its result, raises its exception."""
    import threading

    from django.db import connection

    outcome = {}

    def run():
        try:
            outcome["result"] = function(*args, **kwargs)
        except BaseException as error:  # handed to the test's thread
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
