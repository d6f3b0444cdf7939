"""Benchmark: the Carta Famiglia's verification over HTTP against a bare signature check.

The hub runs as production runs it: Daphne (`manage.py serve --no-cluster`, DEBUG off) on
its own PostgreSQL and Redis (started in a temporary directory, as bench/coedit.py does),
with the settings of bench/settings_card_verify.py, which add one bare route in front of
the hub's URLs. Through that one server it measures:

- `verify`: the real verification page, GET /carta/verifica/?t=<token> by a signed-in shop
  operator, as a phone that scanned the card's QR code opens it (the page, the rate limit
  in Redis, one Verification row written per request);
- `api`: the same verification through the API, POST /api/v1/carta/verify/ with the
  operator's personal API token (JSON in and out);
- `bare`: GET /bench/bare-verify/?t=<token>, a view behind the same middleware that only
  checks the token's signature (carta.tokens.read_token) and answers 200: the floor of any
  verification served over HTTP by this stack.

`--clients` threads, each on its own keep-alive connection, send requests of one kind at a
time; the kinds take turns in `--rounds` rounds of `--iterations` requests per client, so
that a slow spell of a shared machine falls on all alike. Figures: requests per second
(wall clock of each kind's phases), p50 and p99 latency per request, and the ratios of
verify and api to bare: median latency and requests per second (goal ≤ 3×). The client runs
on the same machine and its CPU is counted in every kind alike.

Run: `.venv/bin/python bench/card_verify.py [--clients 4] [--iterations 25] [--rounds 8]`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.integration.servers import (  # noqa: E402
    HubServer,
    PostgresCluster,
    RedisServer,
    hub_env,
    manage,
    run_module,
)

BARE_PATH = "/bench/bare-verify/"


def requests_of(seeded: dict, port: int) -> dict:
    """For each kind, a function sending one request on a connection; it returns the status."""
    cookie = f"sessionid={seeded['session']}"
    query = urlencode({"t": seeded["token"]})
    body = json.dumps({"outlet": seeded["outlet"], "token": seeded["token"]})

    def get(path):
        def send(connection):
            connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            response = connection.getresponse()
            response.read()
            return response.status

        return send

    def api(connection):
        connection.request(
            "POST",
            "/api/v1/carta/verify/",
            body=body,
            headers={
                "Authorization": f"Bearer {seeded['api_token']}",
                "Content-Type": "application/json",
                "Host": "127.0.0.1",
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status

    return {
        "verify": get(f"/carta/verifica/?{query}"),
        "api": api,
        "bare": get(f"{BARE_PATH}?{query}"),
    }


def phase(port: int, send, *, clients: int, iterations: int) -> tuple[float, list[float]]:
    """`clients` threads each send `iterations` requests at once; wall seconds, latencies."""
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        barrier.wait()
        for _ in range(iterations):
            began = time.perf_counter()
            status = send(connection)
            mine.append(time.perf_counter() - began)
            if status != 200:
                failures.append(status)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, statuses {sorted(set(failures))}")
    return wall, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--iterations", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="hub-bench-carta-"))
    postgres = PostgresCluster().init()
    redis = RedisServer()
    hub = None
    try:
        postgres.start()
        redis.start()
        env = hub_env(
            database_url=postgres.create_database(),
            redis_url=redis.url,
            var_dir=var_dir,
            DJANGO_SETTINGS_MODULE="bench.settings_card_verify",
            # The benchmark is one shop verifying as fast as it can: no rate limit applies.
            HUB_CARTA_VERIFY_ADDRESS_RATE="100000000/m",
            HUB_CARTA_VERIFY_SHOP_RATE="100000000/m",
            HUB_API_USER_RATE="100000/min",
        )
        print("migrating, seeding...", flush=True)
        manage("migrate", "--noinput", env=env, timeout=600)
        manage("collectstatic", "--noinput", env=env, timeout=600)
        seeded = json.loads(run_module("bench.card_verify_seed", env=env).splitlines()[-1])
        hub = HubServer(env, tasks=False)
        hub.start(timeout=120)
        kinds = requests_of(seeded, hub.port)
        for send in kinds.values():
            phase(hub.port, send, clients=1, iterations=args.warmup)
        latencies: dict[str, list[float]] = {name: [] for name in kinds}
        wall: dict[str, float] = dict.fromkeys(kinds, 0.0)
        for _ in range(args.rounds):
            for name, send in kinds.items():
                seconds, values = phase(
                    hub.port, send, clients=args.clients, iterations=args.iterations
                )
                wall[name] += seconds
                latencies[name].extend(values)
    except Exception:
        if hub is not None:
            print(hub.log()[-4000:], file=sys.stderr)
        raise
    finally:
        if hub is not None:
            hub.stop()
        redis.stop()
        postgres.destroy()
        shutil.rmtree(var_dir, ignore_errors=True)

    result: dict[str, object] = {"clients": args.clients}
    print(f"{'kind':8s} {'req/s':>9s} {'p50 ms':>8s} {'p99 ms':>8s}")
    for name, values in latencies.items():
        values.sort()
        p50 = statistics.median(values)
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        rate = len(values) / wall[name]
        print(f"{name:8s} {rate:9.1f} {p50 * 1000:8.2f} {p99 * 1000:8.2f}")
        result[f"{name}_per_second"] = round(rate, 1)
        result[f"{name}_p50_ms"] = round(p50 * 1000, 2)
        result[f"{name}_p99_ms"] = round(p99 * 1000, 2)
    for name in ("verify", "api"):
        latency = result[f"{name}_p50_ms"] / result["bare_p50_ms"]
        throughput = result["bare_per_second"] / result[f"{name}_per_second"]
        result[f"ratio_{name}_to_bare"] = round(latency, 2)
        result[f"throughput_ratio_{name}_to_bare"] = round(throughput, 2)
        print(
            f"{name} / bare: median latency {latency:.2f}×, requests per second "
            f"{throughput:.2f}× fewer (goal ≤ 3×)"
        )
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
