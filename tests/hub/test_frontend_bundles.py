"""The hub's own JavaScript: its rules (node's test runner), the committed bundles built from
frontend/src/, and the pages loading them as modules, with no inline script."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from tests.services import require_executable, skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
STATIC = ROOT / "hub" / "static" / "hub"


@pytest.mark.node
def test_live_socket_reconnects_resumes_and_stops_as_the_server_says():
    node = require_executable("node")
    result = subprocess.run(
        [node, "--test", "test/"], cwd=FRONTEND, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^# fail 0$", result.stdout, re.MULTILINE), result.stdout


@pytest.mark.node
def test_committed_bundles_are_built_from_the_sources(tmp_path):
    node = require_executable("node")
    if not (FRONTEND / "node_modules" / "esbuild" / "package.json").exists():
        skip_or_fail("esbuild is not installed: run `npm ci` in frontend/")
    subprocess.run(
        [node, "bundles.mjs", str(tmp_path)],
        cwd=FRONTEND,
        capture_output=True,
        check=True,
        timeout=120,
    )
    built = sorted(
        path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*") if path.is_file()
    )
    assert built == [
        "carta-map.css",
        "carta-map.js",
        "carta-scan.js",
        "coedit-editor.js",
        "gaf-chat.js",
        "gaf-round.js",
        "leaflet/layers-2x.png",
        "leaflet/layers.png",
        "leaflet/marker-icon-2x.png",
        "leaflet/marker-icon.png",
        "leaflet/marker-shadow.png",
        "notification-bell.js",
        "search-suggest.js",
        "tables-comments.js",
    ]
    for name in built:
        assert (STATIC / name).read_bytes() == (tmp_path / name).read_bytes(), (
            f"hub/static/hub/{name} is out of date: run `npm run bundle` in frontend/"
        )


@pytest.mark.django_db
def test_the_round_page_loads_its_live_client_as_a_module_without_inline_script(client):
    from tests.gaf.factories import make_group, make_member, make_orchard_catalogue, make_round

    setup = make_group()
    supplier, apples, eggs = make_orchard_catalogue(setup)
    round = make_round(setup, supplier, [apples, eggs])
    _family, user = make_member(setup)
    client.force_login(user)
    url = reverse("gaf:round", kwargs={"group_slug": setup.group.slug, "round_id": round.pk})
    html = client.get(url).content.decode()

    assert f'data-gaf-live="/ws/gaf/rounds/{round.pk}/"' in html
    assert '<script type="module" src="/static/hub/gaf-round.js"></script>' in html
    assert '<script id="hub-socket-close-codes" type="application/json">' in html
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.DOTALL)
    inline = [
        attributes
        for attributes, body in scripts
        if body.strip() and 'type="application/json"' not in attributes
    ]
    assert inline == []
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
