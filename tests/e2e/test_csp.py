"""The Content-Security-Policy in a real browser: public pages, the API docs and the Wagtail
admin (dashboard, page editor with its date pickers, inline panels, choosers and preview) run
without a single violation, and the admin still works under its policy."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress

from events.models import EventPage
from hub.models import Municipality, User
from tests.events.factories import make_event

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "una-password-lunga-2026"
STAFF = "staff@example.org"

# Installed before any page script: collects every violation the browser reports to the page.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


LOAD_MODULE = """src => new Promise((resolve, reject) => {
  const script = document.createElement("script");
  script.type = "module";
  script.src = src;
  script.onload = resolve;
  script.onerror = () => reject(new Error("module script refused: " + src));
  document.head.append(script);
})"""
OPEN_SOCKET = """url => new Promise((resolve) => {
  const socket = new WebSocket(url);
  socket.onopen = socket.onerror = socket.onclose = () => resolve();
})"""
LOADED_TYPES = {"document", "script", "stylesheet", "image", "font", "media"}


class Watcher:
    """Console errors, uncaught exceptions and CSP violations of every page visited."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"exception: {error}"))
        page.on("response", self._response)

    def _console(self, message):
        # Failed loads are checked by URL in _response (the console does not name them).
        if message.text.startswith("Failed to load resource"):
            return
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text}")

    def _response(self, response):
        # Pages and what they load; not the editor's background requests (its autosave of a
        # form that does not validate yet answers 400 by design). The hub has no favicon.
        if response.request.resource_type not in LOADED_TYPES:
            return
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.problems.append(f"{response.status} {response.request.method} {response.url}")

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response.ok, f"{url}: {response.status}"
        assert "script-src" in response.headers["content-security-policy"]
        assert "camera=()" in response.headers["permissions-policy"]
        self.page.wait_for_load_state("networkidle")
        self.check(url)

    def check(self, where: str) -> None:
        violations = [] if self.page.is_closed() else self.page.evaluate("window.__cspViolations")
        found = [f"{where}: {v}" for v in violations] + [f"{where}: {p}" for p in self.problems]
        self.problems.clear()
        assert not found, "\n".join(found)


@pytest.fixture
def event():
    municipality = Municipality.objects.create(
        name="Bruino", slug="bruino", istat_code="001038", province="TO"
    )
    rome = ZoneInfo("Europe/Rome")
    return make_event(
        municipality=municipality,
        title="Laboratorio di lettura",
        start=datetime(2030, 5, 4, 10, tzinfo=rome),
        end=datetime(2030, 5, 4, 12, tzinfo=rome),
    )


def test_public_pages_and_api_docs_run_without_violations(live_server, page, event):
    watcher = Watcher(page)
    for path in (
        "/",
        "/associazioni/",
        "/associazioni/aderisci/",
        "/eventi/",
        event.url,
        "/mappatura/",
        "/accounts/login/",
        "/accounts/signup/",
        "/api/v1/docs/",
    ):
        watcher.visit(live_server.url + path)
    # A module script from the hub's static files (the GAF round's bundle) is allowed...
    page.goto(live_server.url + "/")
    page.evaluate(LOAD_MODULE, "/static/hub/hub.js")
    watcher.check("module script")
    # ...and so is a WebSocket to the hub's own host (the live server speaks no WebSocket:
    # the connection fails, but the policy lets it be attempted).
    page.evaluate(OPEN_SOCKET, live_server.url.replace("http", "ws") + "/ws/notifications/")
    assert page.evaluate("window.__cspViolations") == []
    watcher.problems.clear()  # the failed connection itself
    # Swagger UI really started (its start-up script is a file, not inline).
    page.goto(live_server.url + "/api/v1/docs/")
    page.locator(".swagger-ui .info").wait_for()
    watcher.check("swagger ui")


def test_the_admin_works_under_its_policy(live_server, page, event):
    staff = User.objects.create_user(STAFF, PASSWORD, is_staff=True, is_superuser=True)
    EmailAddress.objects.create(user=staff, email=STAFF, verified=True, primary=True)
    watcher = Watcher(page)

    # Signing in to the admin goes through allauth's page.
    page.goto(live_server.url + "/admin/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next=/admin/"))
    page.get_by_label("Email").fill(STAFF)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Accedi", re.I)).click()
    page.wait_for_url(re.compile(r"/admin/$"))
    page.wait_for_load_state("networkidle")
    watcher.check("dashboard")
    assert "gravatar" not in page.content().lower()

    for path in (
        f"/admin/pages/{event.get_parent().pk}/",
        "/admin/pages/search/?q=lettura",
        "/admin/images/",
        "/admin/images/multiple/add/",
        "/admin/documents/",
        "/admin/documents/multiple/add/",
        "/admin/users/",
        "/admin/groups/",
        "/admin/reports/site-history/",
        "/admin/workflows/list/",
        "/admin/joinrequest/",
        "/admin/area/",
        "/admin/account/",
    ):
        watcher.visit(live_server.url + path)

    # The page editor: date pickers, inline panels, the image chooser and the live preview
    # are all started by the admin's inline scripts.
    watcher.visit(f"{live_server.url}/admin/pages/{event.pk}/edit/")
    page.locator("#id_start").click()
    page.locator(".xdsoft_datetimepicker").first.wait_for(state="attached")
    page.keyboard.press("Escape")
    # The "Ripetizione" section is collapsed: press its inline panel's add button directly.
    assert page.locator("#id_exclusions-TOTAL_FORMS").input_value() == "0"
    page.locator("#id_exclusions-ADD").evaluate("button => button.click()")
    page.wait_for_function("document.getElementById('id_exclusions-TOTAL_FORMS').value === '1'")
    watcher.check("inline panel")
    # A StreamField block inserted by the client-side (telepath) code.
    page.locator("[data-streamfield-action=add], .c-sf-add-button").first.click()
    page.locator("[role=listbox] [role=option], .w-combobox__option").first.click()
    page.locator("[data-contentpath]").first.wait_for(state="attached")
    watcher.check("streamfield")
    page.locator("[data-chooser-action-choose]").first.click()
    page.locator(".modal.show, [role=dialog][aria-hidden=false]").first.wait_for()
    page.keyboard.press("Escape")
    watcher.check("page editor")

    # Publishing (from a fresh editor: the empty excluded date above would not validate).
    watcher.visit(f"{live_server.url}/admin/pages/{event.pk}/edit/")
    page.locator("#id_title").fill("Laboratorio di lettura ad alta voce")
    with page.expect_navigation():
        page.locator("[name=action-publish]").evaluate(
            "button => button.form.requestSubmit(button)"
        )
    page.wait_for_url(re.compile(r"/admin/pages/\d+/$"))
    watcher.check("publish")
    assert EventPage.objects.get(pk=event.pk).title == "Laboratorio di lettura ad alta voce"

    watcher.visit(f"{live_server.url}/admin/pages/{event.pk}/edit/preview/")
