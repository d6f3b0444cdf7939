"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Chromium comes from the system package (scripts/install-browser.sh), never from Playwright's
own downloads; axe-core comes from frontend/node_modules. When either is missing the tests
skip, or fail under REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import threading
import time
import warnings

import pytest
from django.test import override_settings

from tests.e2e.browser import AXE, CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.integration.servers import free_port, port_open, wait_for
from tests.services import skip_or_fail


@pytest.fixture
def browser(monkeypatch):
    """A fresh Chromium per test, so that Playwright's event loop never outlives the test."""
    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM} (scripts/install-browser.sh)")
    if not AXE.exists():
        skip_or_fail(f"axe-core is missing at {AXE} (scripts/install-browser.sh runs npm ci)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, and Django refuses ORM
    # calls from such a thread. Here that is safe: the loop only talks to the browser, and the
    # test waits for each page before touching the database. Set for this test only.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    """A phone-sized page in a browser that asks for Italian, like most of the hub's users."""
    context = browser.new_context(locale="it-IT", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


# The Daphne server of `asgi_server`, once started (one per test process).
_daphne = {}
QUIET_TIMEOUT = 30.0


def _applications_running(server) -> int:
    """How many of the server's application instances (a socket's consumer, a request) have
    not finished; read in the reactor's thread, which owns them."""
    from twisted.internet import reactor
    from twisted.internet.threads import blockingCallFromThread

    def count():
        return sum(
            1
            for details in server.connections.values()
            if details.get("application_instance") is not None
            and not details["application_instance"].done()
        )

    return blockingCallFromThread(reactor, count)


@pytest.fixture(autouse=True)
def asgi_server_quiet_after_the_test():
    """After a test (and after its browser closed), wait until the server has finished with
    its sockets: a consumer's disconnect writes (a co-edited document's last version, a chat
    presence), and on PostgreSQL the test database's emptying (TRUNCATE) once deadlocked
    with those writes."""
    yield
    server = _daphne.get("server")
    if server is None:
        return
    deadline = time.monotonic() + QUIET_TIMEOUT
    while (running := _applications_running(server)) and time.monotonic() < deadline:
        time.sleep(0.05)
    if running:
        warnings.warn(
            f"{running} application instance(s) of the test server still running after "
            f"{QUIET_TIMEOUT:g} s",
            stacklevel=1,
        )


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, django_db_blocker):
    """The base URL of Daphne serving hub.asgi in a thread of this process, on the test
    database, for the pages that need their WebSocket (pytest-django's live_server speaks
    WSGI only): the same application as `manage.py serve`, the in-memory channel layer
    shared by the services and the consumers. Twisted's reactor runs once per process: one
    server for the session, stopped before the test database goes away."""
    from daphne.server import Server
    from twisted.internet import reactor

    from hub.asgi import application

    port = free_port()
    server = Server(
        application,
        endpoints=[f"tcp:port={port}:interface=127.0.0.1"],
        signal_handlers=False,
        verbosity=0,
    )
    thread = threading.Thread(target=server.run, name="daphne", daemon=True)
    # Nothing fills the outbox here (services broadcast in this process); a relay would poll
    # the test database from the server's thread for the rest of the session.
    no_relay = override_settings(HUB_OUTBOX_RELAY=False)
    no_relay.enable()
    with django_db_blocker.unblock():
        thread.start()
        wait_for(lambda: port_open(port), timeout=30, what="Daphne listening")
        _daphne["server"] = server
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            _daphne.clear()
            reactor.callFromThread(reactor.stop)
            thread.join(timeout=30)
    no_relay.disable()


@pytest.fixture
def camera_browser(monkeypatch):
    """A factory of Chromiums whose camera films a video file (.y4m or .mjpeg), with the
    camera's permission granted as if the person had tapped "Allow": the QR scans of the
    carta's verification page. Each browser is closed after the test."""
    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM} (scripts/install-browser.sh)")
    if not AXE.exists():
        skip_or_fail(f"axe-core is missing at {AXE} (scripts/install-browser.sh runs npm ci)")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # as in `browser` above
    with sync_playwright() as playwright:
        launched = []

        def launch(video):
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=[
                    *CHROMIUM_ARGS,
                    "--use-fake-ui-for-media-stream",
                    "--use-fake-device-for-media-stream",
                    f"--use-file-for-fake-video-capture={video}",
                ],
            )
            launched.append(browser)
            return browser

        try:
            yield launch
        finally:
            for browser in launched:
                browser.close()
