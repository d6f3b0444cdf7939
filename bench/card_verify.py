"""Benchmark: the Carta Famiglia's verification page against a bare signature check.

In one process with Django's test Client (the whole middleware stack, sessions, the access
policy, the rate limit, the query and the log row, but no socket), on a fresh SQLite
database in a temporary directory with the tests' settings, it measures:

- `verify`: the real verification page, GET /carta/verifica/?t=<token> by a signed-in shop
  operator, as a phone that scanned the card's QR code opens it (the answer, and one
  Verification row written per request);
- `api`: the same verification through the API, POST /api/v1/carta/verify/ with the
  operator's personal API token (JSON in and out, no page to render);
- `bare`: a view on the same URL configuration and middleware that only checks the token's
  signature (carta.tokens.read_token) and answers 200: the floor of any verification
  served by this stack.

They take turns in `--rounds` rounds of `--iterations` requests each, so that a slow spell
of a shared machine falls on all alike. Figures: requests per second (wall clock), p50 and
p99 latency per request, queries per request, and the ratios of the median latencies of
verify and of api to bare (goal ≤ 3×). Over real HTTP all would pay the same server cost
on top.

Run: `.venv/bin/python bench/card_verify.py [--iterations 20] [--rounds 10]`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BARE_PATH = "/bench/bare-verify/"


def setup_django(database: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()
    logging.disable(logging.INFO)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def bare_view(request):
    """Only the signature check: what every verification has to do at least."""
    from django.http import HttpResponse, HttpResponseBadRequest
    from django.utils import timezone

    from carta import tokens

    try:
        tokens.read_token(request.GET.get("t", ""), today=timezone.localdate())
    except tokens.TokenError:
        return HttpResponseBadRequest("no")
    return HttpResponse("ok")


urlpatterns: list = []


def build_urls() -> None:
    from hub import access
    from hub import urls as hub_urls

    urlpatterns[:] = [
        access.route(
            BARE_PATH.strip("/") + "/", bare_view, name="bench_bare", policy=access.PUBLIC
        ),
        *hub_urls.urlpatterns,
    ]


def world():
    """A CIdiS-like network, a family with a card, an approved shop and its operator."""
    from carta import services
    from carta.models import Outlet, Shop, ShopOperator
    from hub.models import Child, Family, FamilyMember, Municipality, Network, User

    network = Network.objects.create(name="CIdiS", slug="cidis", kind="consortium")
    bruino = Municipality.objects.create(
        name="Bruino", slug="bruino", istat_code="001038", province="TO"
    )
    network.municipalities.add(bruino)
    parent = User.objects.create_user(email="famiglia@example.org", password="x")
    family = Family.objects.create(name="Famiglia Rossi", municipality=bruino)
    FamilyMember.objects.create(family=family, user=parent)
    Child.objects.create(family=family, birth_year=2018)
    card = services.card_request(family=family)
    shop = Shop.objects.create(
        network=network, business_name="Cartoleria", vat_number="01234567897", status="approved"
    )
    Outlet.objects.create(shop=shop, name="Centro", address="Via Roma 1", municipality=bruino)
    operator = User.objects.create_user(email="negozio@example.org", password="x")
    ShopOperator.objects.create(shop=shop, user=operator)
    from wagtail.models import APIToken

    _token, plaintext = APIToken.create_token(user=operator, name="bench")
    return services.token_of(card), operator, plaintext, shop.outlets.get().pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-carta-") as directory:
        setup_django(Path(directory) / "bench.sqlite3")
        from django.db import connection
        from django.test import Client, override_settings
        from django.test.utils import CaptureQueriesContext

        build_urls()
        token, operator, api_token, outlet_id = world()
        limits = {"address": "1000000/m", "shop": "1000000/m"}
        with override_settings(ROOT_URLCONF=__name__, CARTA_VERIFY_RATES=limits):
            client = Client()
            client.force_login(operator)
            api_client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token}")
            body = json.dumps({"outlet": outlet_id, "token": token})
            urls = {
                "verify": lambda: client.get(f"/carta/verifica/?t={token}"),
                "api": lambda: api_client.post(
                    "/api/v1/carta/verify/", body, content_type="application/json"
                ),
                "bare": lambda: client.get(f"{BARE_PATH}?t={token}"),
            }
            queries = {}
            for name, send in urls.items():
                for _ in range(args.warmup):
                    response = send()
                    assert response.status_code == 200, (name, response.status_code)
                with CaptureQueriesContext(connection) as captured:
                    send()
                queries[name] = len(captured)
            latencies: dict[str, list[float]] = {name: [] for name in urls}
            spent: dict[str, float] = dict.fromkeys(urls, 0.0)
            for _ in range(args.rounds):
                for name, send in urls.items():
                    for _ in range(args.iterations):
                        began = time.perf_counter()
                        send()
                        elapsed = time.perf_counter() - began
                        latencies[name].append(elapsed)
                        spent[name] += elapsed
    result: dict[str, object] = {}
    print(f"{'view':8s} {'req/s':>9s} {'p50 ms':>8s} {'p99 ms':>8s} {'queries':>8s}")
    for name, values in latencies.items():
        values.sort()
        p50 = statistics.median(values)
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        rate = len(values) / spent[name]
        print(f"{name:8s} {rate:9.1f} {p50 * 1000:8.2f} {p99 * 1000:8.2f} {queries[name]:8d}")
        result[f"{name}_per_second"] = round(rate, 1)
        result[f"{name}_p50_ms"] = round(p50 * 1000, 3)
        result[f"{name}_p99_ms"] = round(p99 * 1000, 3)
        result[f"{name}_queries"] = queries[name]
    for name in ("verify", "api"):
        ratio = result[f"{name}_p50_ms"] / result["bare_p50_ms"]
        result[f"ratio_{name}_to_bare"] = round(ratio, 2)
        print(f"{name} / bare (median latency): {ratio:.2f}× (goal ≤ 3×)")
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
