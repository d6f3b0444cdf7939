"""200-family burst: basket saves through a real hub process on PostgreSQL with Redis.

Starts its own PostgreSQL cluster and Redis on free ports (tests/integration/servers.py),
migrates, seeds an open GAF round with N member families (each with an API token), and runs
the hub as production does (`manage.py serve`: Daphne + django-q2 cluster, DEBUG off,
REDIS_URL set, the default connection pool). Then every family saves its basket once
(PUT /api/v1/gaf/orders/mine/, two products), `--concurrency` at a time, while the web
process's PostgreSQL connections are sampled in pg_stat_activity.

Baseline, same run, same server: as many reads of the same resource (GET
/api/v1/gaf/orders/mine/?round=<id>, each family with its token: same authentication,
throttle and database path, no write) at the same concurrency. Ratio: wall time of the saves /
of the baseline. For information, as many GET /healthz at the same concurrency (issue 9,
item 3: with Redis the health check collided on the channel layer under concurrent calls).

Issue 9 measured 45 answers 500 "too many clients" and ~73 connections for this burst before
the pool; expected now: 0 5xx, peak connections <= HUB_DB_POOL_MAX_SIZE (default 10).

Run: .venv/bin/python bench/burst.py [--families 200] [--concurrency 50]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
import requests

from hub.config import POOL_MAX_SIZE
from tests.integration.servers import (
    HubServer,
    PostgresCluster,
    RedisServer,
    hub_env,
    manage,
    run_module,
)


class PeakConnections(threading.Thread):
    def __init__(self, dsn: str, application_name: str):
        super().__init__(daemon=True)
        self.dsn, self.application_name = dsn, application_name
        self.peak = 0
        self.stopping = threading.Event()

    def run(self):
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            while not self.stopping.is_set():
                (count,) = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                    [self.application_name],
                ).fetchone()
                self.peak = max(self.peak, count)
                time.sleep(0.005)

    def stop(self) -> int:
        self.stopping.set()
        self.join(timeout=10)
        return self.peak


def burst(calls, concurrency: int) -> tuple[list, float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(lambda call: call(), calls))
    return results, time.perf_counter() - started


def classes(results: list) -> dict:
    """2xx/4xx/5xx counts, then each status (and client-side error) seen."""
    counts = Counter(
        status if isinstance(status, str) else f"{status // 100}xx" for status in results
    )
    return {key: counts.get(key, 0) for key in ("2xx", "4xx", "5xx")} | {
        "statuses": dict(Counter(str(status) for status in results))
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    arguments = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="hub-burst-"))
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
            HUB_API_USER_RATE="100000/min",
            HUB_API_ANON_RATE="100000/min",
        )
        print("migrating, seeding...", flush=True)
        manage("migrate", "--noinput", env=env, timeout=900)
        seeded = run_module(
            "tests.integration.seed_round", "--families", str(arguments.families), env=env
        )
        data = json.loads(seeded.strip().splitlines()[-1])
        hub = HubServer(env)
        hub.start(timeout=120)

        def save(token: str):
            def call():
                try:
                    return requests.put(
                        f"{hub.base}/api/v1/gaf/orders/mine/",
                        json={
                            "round": data["round"],
                            "lines": [
                                {"round_product": rp, "firm": "3"} for rp in data["round_products"]
                            ],
                        },
                        headers={"Authorization": f"Bearer {token}"},
                        timeout=60,
                    ).status_code
                except requests.RequestException as error:
                    return type(error).__name__

            return call

        def read(token: str):
            def call():
                try:
                    return requests.get(
                        f"{hub.base}/api/v1/gaf/orders/mine/",
                        params={"round": data["round"]},
                        headers={"Authorization": f"Bearer {token}"},
                        timeout=60,
                    ).status_code
                except requests.RequestException as error:
                    return type(error).__name__

            return call

        down = Counter()

        def health():
            try:
                response = requests.get(f"{hub.base}/healthz", timeout=60)
            except requests.RequestException as error:
                return type(error).__name__
            down.update(response.json().get("down", []))
            return response.status_code

        counter = PeakConnections(postgres.url("postgres"), "hub-web")
        counter.start()
        saves, saves_seconds = burst(
            [save(member["token"]) for member in data["families"]], arguments.concurrency
        )
        baseline, baseline_seconds = burst(
            [read(member["token"]) for member in data["families"]], arguments.concurrency
        )
        peak = counter.stop()
        healthz, healthz_seconds = burst([health] * len(saves), arguments.concurrency)
        (stored,) = (
            psycopg.connect(postgres.url())
            .execute(
                "SELECT count(*) FROM gaf_orderline l JOIN gaf_order o ON o.id = l.order_id "
                "WHERE o.round_id = %s AND l.firm = 3",
                [data["round"]],
            )
            .fetchone()
        )

        result = {
            "families": arguments.families,
            "concurrency": arguments.concurrency,
            "requests": len(saves),
            **classes(saves),
            "order_lines_stored": stored,
            "peak_connections": peak,
            "pool_max_size": POOL_MAX_SIZE,
            "saves_seconds": round(saves_seconds, 3),
            "saves_per_second": round(len(saves) / saves_seconds, 1),
            "baseline": "GET /api/v1/gaf/orders/mine/?round=<id>",
            "baseline_requests": len(baseline),
            "baseline_statuses": classes(baseline),
            "baseline_seconds": round(baseline_seconds, 3),
            "ratio": round(saves_seconds / baseline_seconds, 2),
            "healthz_statuses": classes(healthz),
            "healthz_seconds": round(healthz_seconds, 3),
            "healthz_down": dict(down),
        }
        print(
            f"{result['requests']} saves, {arguments.concurrency} at a time: "
            f"2xx {result['2xx']}, 4xx {result['4xx']}, 5xx {result['5xx']}; "
            f"{stored} order lines stored; peak {peak} web connections "
            f"(pool max {POOL_MAX_SIZE}); {saves_seconds:.2f} s"
        )
        print(
            f"baseline: {len(baseline)} reads of the order in {baseline_seconds:.2f} s "
            f"({result['baseline_statuses']}); ratio {result['ratio']}"
        )
        print(
            f"/healthz x{len(healthz)}: {result['healthz_statuses']} "
            f"in {healthz_seconds:.2f} s, down: {dict(down)}"
        )
        if result["5xx"]:
            errors = [
                line
                for line in hub.log().splitlines()
                if "answered 503" in line or " ERROR " in line
            ]
            print("server errors:\n" + "\n".join(errors[:20]))
        print("RESULT " + json.dumps(result))
    finally:
        if hub is not None:
            hub.stop()
        redis.stop()
        postgres.destroy()
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
