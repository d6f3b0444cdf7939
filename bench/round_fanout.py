"""Live totals fan-out: how long one basket save takes to reach the last of N open order pages
of a round (issue 12, item 6), with the embedded (in-memory) and the Redis channel layer.

Starts its own PostgreSQL cluster and Redis on free ports (tests/integration/servers.py),
migrates, and seeds an open round of 12 products (cases, half kilos, volume tiers) with
max(--sizes) member families, each of which has ordered a few products already. Then, for
each layer, the hub's web process (`python -m hub.serve --no-cluster`: Daphne, DEBUG off)
serves the round; N pages listen on its socket (`websockets` clients in this process, each
signed in as its own family, resumed at the round's change number); one family saves its
basket (PUT /api/v1/gaf/orders/mine/, one product changed), `--saves` times in turn, and
each page records when the round's new state reaches it. A save's latency for a page is
from the moment the request leaves to the state's arrival; its "last" latency is the
slowest page's. Figures: p50 and p99 over the saves of the last page's latency (the issue's
goal: 100 pages within 0.5 s, 1000 within 1 s at p99), and of the first page's.

Baseline, same run, same data, same clients: the code before this change (each socket
re-rendered its page's HTML with its own queries on every change), taken from git (the
parent of the last commit that changed `render_to_string` in gaf/consumers/round_pool.py,
or --baseline-ref) with `git archive` into a temporary folder and served the same way, at
--baseline-sizes (default 100: at 1000 pages a single save took tens of seconds). Ratios:
baseline / live, for the last page's p50 and p99.

Run: .venv/bin/python bench/round_fanout.py [--sizes 100 1000] [--saves 20]
     [--layers embedded redis] [--baseline-sizes 100] [--baseline-saves 5]
     [--redis-url redis://127.0.0.1:6379/<db>]   (a database of its own: it is flushed)
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
import redis
import requests
import websockets

from tests.integration.servers import (
    PostgresCluster,
    RedisServer,
    free_port,
    hub_env,
    manage,
    run_module,
    wait_for,
)

ROOT = Path(__file__).resolve().parent.parent
PRODUCTS = 12
CONNECT_AT_ONCE = 25
# Numbers the saves of the whole run: each sets a quantity never set before.
SAVES = itertools.count()
ID = re.compile(r'"id":\s*(\d+)')


# --- The code before this change --------------------------------------------------------------


def baseline_ref() -> str:
    """The commit before the one that stopped rendering HTML in the round's consumer."""
    changed = subprocess.run(
        [
            "git",
            "log",
            "-1",
            "--format=%H",
            "-G",
            "render_to_string",
            "--",
            "gaf/consumers/round_pool.py",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not changed:
        raise SystemExit("no commit changed render_to_string in gaf/consumers/round_pool.py")
    return f"{changed}^"


def export_tree(ref: str, folder: Path) -> Path:
    folder.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref], cwd=ROOT, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


# --- The hub's web process --------------------------------------------------------------------


class WebProcess:
    """`python -m hub.serve --no-cluster` (Daphne) from the code in `tree`."""

    def __init__(self, tree: Path, env: dict, log: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**env, "PYTHONPATH": str(tree), "HUB_BASE_URL": self.base}
        self.tree, self.log_path = tree, log

    def start(self) -> None:
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hub.serve", "--no-cluster", "--port", str(self.port)],
            cwd=self.tree,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def answering() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub stopped:\n{self.log_path.read_text()[-3000:]}")
            try:
                return requests.get(f"{self.base}/healthz", timeout=2).status_code in {200, 503}
            except requests.RequestException:
                return False

        wait_for(answering, timeout=90, interval=0.3, what="the hub answering")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


# --- The pages --------------------------------------------------------------------------------


class Watch:
    """Which pages have had a state newer than `before`; `done` once all have."""

    def __init__(self) -> None:
        self.before = 0
        self.pending = 0
        self.done = asyncio.Event()

    def expect(self, before: int, pages: int) -> None:
        self.before, self.pending = before, pages
        self.done.clear()


@dataclass
class Page:
    """One order page's socket: when each change number first reached it."""

    session: str
    watch: Watch
    arrivals: dict[int, float] = field(default_factory=dict)
    newest: int = 0
    task: asyncio.Task | None = None

    async def listen(self, base: str, round_id: int, ready: asyncio.Event):
        # No resume: the page hears the changes from its connection on. (The code before
        # this change rendered a whole page for each resume, which would only slow the
        # set-up of the baseline.)
        url = base.replace("http://", "ws://") + f"/ws/gaf/rounds/{round_id}/"
        headers = {"Origin": base, "Cookie": f"sessionid={self.session}"}
        async with websockets.connect(
            url, additional_headers=headers, max_size=None, compression=None, open_timeout=60
        ) as socket:
            ready.set()
            async for frame in socket:
                now = time.perf_counter()
                found = ID.search(frame[:80])
                if not found:
                    continue
                number = int(found.group(1))
                if number > self.newest:
                    watch = self.watch
                    if self.newest <= watch.before < number:
                        watch.pending -= 1
                        if watch.pending == 0:
                            watch.done.set()
                    self.newest = number
                    self.arrivals[number] = now


async def open_pages(pages: list[Page], base: str, round_id: int) -> None:
    for start in range(0, len(pages), CONNECT_AT_ONCE):
        batch = pages[start : start + CONNECT_AT_ONCE]
        ready = [asyncio.Event() for _ in batch]
        for page, event in zip(batch, ready, strict=True):
            page.task = asyncio.create_task(page.listen(base, round_id, event))
        waits = [asyncio.create_task(event.wait()) for event in ready]
        done, _pending = await asyncio.wait(waits, timeout=120)
        failed = [page.task for page in batch if page.task.done() and page.task.exception()]
        if failed or len(done) != len(batch):
            raise RuntimeError(f"pages failed to connect: {failed[:1] or 'timeout'}")


async def close_pages(pages: list[Page]) -> None:
    for page in pages:
        if page.task is not None:
            page.task.cancel()
    await asyncio.gather(*(page.task for page in pages if page.task), return_exceptions=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


async def measure_saves(
    pages: list[Page],
    watch: Watch,
    base: str,
    seeded: dict,
    saves: int,
    version: int,
    timeout: float,
) -> tuple[dict, int]:
    """`saves` basket saves, one at a time; each page's latency to the new state."""
    loop = asyncio.get_running_loop()
    firsts, lasts, all_pages, requests_seconds = [], [], [], []
    products = seeded["round_products"]
    for _save in range(saves):
        # A family and a product in turn, set to a quantity never set before: one change.
        index = next(SAVES)
        member = seeded["families"][index % len(seeded["families"])]
        product = products[(index * 7 + 5) % len(products)]
        firm = str(10 + index)
        body = {"round": seeded["round"], "lines": [{"round_product": product, "firm": firm}]}

        def put(member=member, body=body):
            started = time.perf_counter()
            response = requests.put(
                f"{base}/api/v1/gaf/orders/mine/",
                json=body,
                headers={"Authorization": f"Bearer {member['token']}"},
                timeout=120,
            )
            return started, time.perf_counter() - started, response.status_code

        watch.expect(version, len(pages))
        started, seconds, status = await loop.run_in_executor(None, put)
        if status != 200:
            raise RuntimeError(f"the save answered {status}")
        requests_seconds.append(seconds)
        try:
            await asyncio.wait_for(watch.done.wait(), timeout)
        except TimeoutError:
            raise RuntimeError(
                f"{watch.pending} pages had no new state after {timeout} s"
            ) from None
        latencies = [
            min(at for number, at in page.arrivals.items() if number > version) - started
            for page in pages
        ]
        version = max(page.newest for page in pages)
        firsts.append(min(latencies))
        lasts.append(max(latencies))
        all_pages.extend(latencies)
        await asyncio.sleep(0.3)  # quiet between saves
    figures = {
        "saves": saves,
        "last_p50": round(statistics.median(lasts), 3),
        "last_p99": round(percentile(lasts, 0.99), 3),
        "first_p50": round(statistics.median(firsts), 3),
        "first_p99": round(percentile(firsts, 0.99), 3),
        "page_p50": round(statistics.median(all_pages), 3),
        "page_p99": round(percentile(all_pages, 0.99), 3),
        "request_p50": round(statistics.median(requests_seconds), 3),
    }
    return figures, version


def current_version(database_url: str, round_id: int) -> int:
    with psycopg.connect(database_url) as connection:
        (version,) = connection.execute(
            "SELECT last_sequence FROM gaf_orderround WHERE id = %s", [round_id]
        ).fetchone()
    return version


async def run_server(
    label: str,
    tree: Path,
    env: dict,
    var_dir: Path,
    seeded: dict,
    sizes: list[int],
    saves: int,
    database_url: str,
) -> dict:
    server = WebProcess(tree, env, var_dir / f"{label}.log")
    server.start()
    results, pages, watch = {}, [], Watch()
    try:
        for size in sizes:
            version = current_version(database_url, seeded["round"])
            members = seeded["families"][len(pages) : size]
            new = [Page(member["session"], watch) for member in members]
            await open_pages(new, server.base, seeded["round"])
            pages += new
            await asyncio.sleep(1)
            for page in pages:
                page.newest = max(page.newest, version)
            figures, _version = await measure_saves(
                pages, watch, server.base, seeded, saves, version, timeout=max(60, size * 0.2)
            )
            results[size] = figures
            print(
                f"  {label:>20} {size:5d} pages: last p50 {figures['last_p50']:.3f} s, "
                f"p99 {figures['last_p99']:.3f} s; first p50 {figures['first_p50']:.3f} s; "
                f"request p50 {figures['request_p50']:.3f} s ({saves} saves)",
                flush=True,
            )
    finally:
        await close_pages(pages)
        server.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--layers", nargs="+", default=["embedded", "redis"])
    parser.add_argument("--baseline-sizes", type=int, nargs="*", default=[100])
    parser.add_argument("--baseline-saves", type=int, default=5)
    parser.add_argument("--baseline-ref", default=None)
    parser.add_argument("--redis-url", default=None)
    arguments = parser.parse_args()
    sizes = sorted(arguments.sizes)
    # A thousand sockets here and a thousand in the server (which inherits the limit).
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))

    var_dir = Path(tempfile.mkdtemp(prefix="hub-fanout-"))
    postgres = PostgresCluster(max_connections=200).init()
    own_redis = (
        RedisServer() if arguments.redis_url is None and "redis" in arguments.layers else None
    )
    try:
        postgres.start()
        if own_redis is not None:
            own_redis.start()
        redis_url = arguments.redis_url or (own_redis.url if own_redis else None)
        database_url = postgres.create_database()
        env = hub_env(
            database_url=database_url,
            var_dir=var_dir,
            HUB_API_USER_RATE="100000/min",
            HUB_API_ANON_RATE="100000/min",
        )
        ref = arguments.baseline_ref or baseline_ref()
        tree = export_tree(ref, var_dir / "baseline")
        print(f"baseline: {ref}")
        print("migrating, seeding...", flush=True)
        manage("migrate", "--noinput", env=env, timeout=900)
        seeded = json.loads(
            run_module(
                "tests.integration.seed_round",
                "--families",
                str(max(sizes)),
                "--products",
                str(PRODUCTS),
                "--ordered",
                env=env,
                timeout=1800,
            )
            .strip()
            .splitlines()[-1]
        )
        result = {"products": PRODUCTS, "families": max(sizes), "baseline_ref": ref, "layers": {}}
        for layer in arguments.layers:
            layer_env = dict(env)
            if layer == "redis":
                redis.Redis.from_url(redis_url).flushdb()
                layer_env["REDIS_URL"] = redis_url
            print(f"{layer} layer:", flush=True)
            live = asyncio.run(
                run_server(
                    f"{layer}-live",
                    ROOT,
                    layer_env,
                    var_dir,
                    seeded,
                    sizes,
                    arguments.saves,
                    database_url,
                )
            )
            if layer == "redis":
                redis.Redis.from_url(redis_url).flushdb()
            baseline = {}
            if arguments.baseline_sizes:
                baseline = asyncio.run(
                    run_server(
                        f"{layer}-baseline",
                        tree,
                        layer_env,
                        var_dir,
                        seeded,
                        sorted(arguments.baseline_sizes),
                        arguments.baseline_saves,
                        database_url,
                    )
                )
            figures = {}
            for size in sizes:
                entry = {"live": live[size]}
                if size in baseline:
                    entry["baseline"] = baseline[size]
                    entry["ratio_last_p50"] = round(
                        baseline[size]["last_p50"] / live[size]["last_p50"], 1
                    )
                    entry["ratio_last_p99"] = round(
                        baseline[size]["last_p99"] / live[size]["last_p99"], 1
                    )
                figures[str(size)] = entry
            result["layers"][layer] = figures
        for layer, figures in result["layers"].items():
            for size, entry in figures.items():
                line = (
                    f"{layer} {size} pages: last page p50 {entry['live']['last_p50']:.3f} s, "
                    f"p99 {entry['live']['last_p99']:.3f} s"
                )
                if "baseline" in entry:
                    line += (
                        f" (baseline {entry['baseline']['last_p50']:.3f}/"
                        f"{entry['baseline']['last_p99']:.3f} s; x{entry['ratio_last_p50']} p50, "
                        f"x{entry['ratio_last_p99']} p99)"
                    )
                print(line)
        print("RESULT " + json.dumps(result, sort_keys=True))
    finally:
        if own_redis is not None:
            own_redis.stop()
        postgres.destroy()
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
