"""Co-editing: 10 clients typing into one proposal, 10 updates a second each, for 60 s, on
loopback, through the hub's co-editing socket and through the reference y-websocket server.

The hub runs as production does (`manage.py serve --no-cluster`: Daphne, DEBUG off) on its own
PostgreSQL cluster and Redis (tests/integration/servers.py), so every update is checked,
stored in PostgreSQL before it is acknowledged or sent on, and published on the Redis channel
layer for other processes. The baseline, in the same run with the same clients and workload,
is the reference server of the Yjs project (`@y/websocket-server`, npm, pinned in
bench/yjs-reference/package.json: `npm ci` there first): a relay with an in-memory document,
no authentication, no storage.

Each client (tests/integration/yjs_socket.py: a pycrdt document speaking the y-websocket
protocol) inserts a character at a random place every 1/rate s, phases spread. Figures:
- latency: for each update, from its send to its arrival at the last of the other clients
  (p50, p99, max), and how many never arrived;
- convergence: after a settling pause, the share of clients whose text equals what a
  newcomer loads from the server (must be 100 %);
- server CPU (user + system seconds over the run, and as % of one core) and peak RSS,
  summed over the server's process and its descendants.

RESULT: both servers' figures and the ratio of the hub's p99 to the reference's (goal <= 2).

Run: .venv/bin/python bench/coedit.py [--clients 10] [--rate 10] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

from tests.integration.servers import (
    HubServer,
    PostgresCluster,
    RedisServer,
    free_port,
    hub_env,
    manage,
    port_open,
    run_module,
    wait_for,
)
from tests.integration.yjs_socket import YjsPeer

REFERENCE = Path(__file__).resolve().parent / "yjs-reference"
REFERENCE_SERVER = REFERENCE / "node_modules" / "@y" / "websocket-server" / "src" / "server.js"
SETTLE_SECONDS = 3.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class ProcessTreeSampler(threading.Thread):
    """CPU seconds and peak RSS of a process and all its descendants (from /proc): the hub's
    launcher starts Daphne in a session of its own."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root = root
        self.peak_rss = 0
        self.stopping = threading.Event()

    def _members(self):
        stats, children = {}, {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            stats[int(entry)] = fields
            children.setdefault(int(fields[1]), []).append(int(entry))
        todo = [self.root]
        while todo:
            pid = todo.pop()
            if pid in stats:
                yield pid, stats[pid]
            todo.extend(children.get(pid, []))

    def cpu_seconds(self) -> float:
        return sum(int(f[11]) + int(f[12]) for _pid, f in self._members()) / CLOCK_TICKS

    def rss(self) -> int:
        total = 0
        for pid, _fields in self._members():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except OSError:
                continue
        return total

    def run(self):
        while not self.stopping.is_set():
            self.peak_rss = max(self.peak_rss, self.rss())
            time.sleep(0.5)

    def stop(self):
        self.stopping.set()
        self.join(timeout=5)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def workload(make_peer, *, clients: int, rate: float, seconds: float, sampler) -> dict:
    peers = [make_peer(index) for index in range(clients)]
    for peer in peers:
        await peer.connect()
    await asyncio.gather(*(asyncio.wait_for(peer.synced.wait(), 30) for peer in peers))
    await asyncio.sleep(0.5)
    sends: dict = {}
    loop = asyncio.get_running_loop()
    count = int(rate * seconds)
    interval = 1 / rate
    letters = string.ascii_letters

    async def typist(index: int, peer: YjsPeer):
        start = loop.time() + index * interval / clients
        for number in range(count):
            await asyncio.sleep(max(0.0, start + number * interval - loop.time()))
            key, sent = await peer.type_somewhere(letters[(index + number) % len(letters)])
            if key is not None:
                sends[key] = (index, sent)

    cpu_before = sampler.cpu_seconds()
    started = time.perf_counter()
    await asyncio.gather(*(typist(index, peer) for index, peer in enumerate(peers)))
    await asyncio.sleep(SETTLE_SECONDS)
    wall = time.perf_counter() - started
    cpu = sampler.cpu_seconds() - cpu_before
    latencies, missing = [], 0
    for key, (sender, sent) in sends.items():
        arrivals = [peer.arrivals.get(key) for index, peer in enumerate(peers) if index != sender]
        if any(arrival is None for arrival in arrivals):
            missing += 1
        else:
            latencies.append((max(arrivals) - sent) * 1000)
    newcomer = make_peer(0)
    await newcomer.connect()
    await asyncio.wait_for(newcomer.synced.wait(), 30)
    await asyncio.sleep(0.5)
    expected = newcomer.text()
    converged = sum(peer.text() == expected for peer in peers)
    errors = sum(len(peer.errors) for peer in peers)
    for peer in [*peers, newcomer]:
        await peer.disconnect()
    return {
        "updates": len(sends),
        "p50_ms": round(statistics.median(latencies), 2) if latencies else None,
        "p99_ms": round(percentile(latencies, 0.99), 2) if latencies else None,
        "max_ms": round(max(latencies), 2) if latencies else None,
        "never_arrived": missing,
        "convergence_pct": round(100 * converged / clients, 1),
        "error_frames": errors,
        "text_chars": len(expected),
        "server_cpu_s": round(cpu, 2),
        "server_cpu_pct_of_core": round(100 * cpu / wall, 1),
        "server_peak_rss_mb": round(sampler.peak_rss / 2**20, 1),
    }


def run_workload(make_peer, pgid: int, args) -> dict:
    sampler = ProcessTreeSampler(pgid)
    sampler.start()
    try:
        return asyncio.run(
            workload(
                make_peer,
                clients=args.clients,
                rate=args.rate,
                seconds=args.seconds,
                sampler=sampler,
            )
        )
    finally:
        sampler.stop()


def reference_run(args) -> dict:
    node = shutil.which("node")
    if node is None or not REFERENCE_SERVER.exists():
        raise SystemExit("the reference server is missing: run `npm ci` in bench/yjs-reference")
    port = free_port()
    process = subprocess.Popen(
        [node, str(REFERENCE_SERVER)],
        env={**os.environ, "HOST": "127.0.0.1", "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for(lambda: port_open(port), timeout=30, what="the reference server")
        return run_workload(
            lambda index: YjsPeer("127.0.0.1", port, "/bench-proposal", seed=index),
            process.pid,
            args,
        )
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def hub_run(args) -> dict:
    var_dir = Path(tempfile.mkdtemp(prefix="hub-bench-coedit-"))
    postgres = PostgresCluster().init()
    redis = RedisServer()
    hub = None
    try:
        postgres.start()
        redis.start()
        env = hub_env(database_url=postgres.create_database(), redis_url=redis.url, var_dir=var_dir)
        print("migrating, seeding...", flush=True)
        manage("migrate", "--noinput", env=env, timeout=600)
        seeded = json.loads(run_module("tests.integration.seed_coedit", env=env).splitlines()[-1])
        hub = HubServer(env, tasks=False)
        hub.start(timeout=120)

        def make_peer(index: int) -> YjsPeer:
            session = seeded["sessions"][index % len(seeded["sessions"])]
            return YjsPeer(
                "127.0.0.1",
                hub.port,
                seeded["path"],
                headers={"Origin": hub.base, "Cookie": f"sessionid={session}"},
                seed=index,
            )

        figures = run_workload(make_peer, hub.process.pid, args)
        with_psql = subprocess.run(
            [
                f"{postgres.bin}/psql",
                postgres.url(),
                "-At",
                "-c",
                "SELECT count(*) FROM tables_coeditupdate",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        figures["stored_updates"] = (
            int(with_psql.stdout.strip()) if with_psql.returncode == 0 else None
        )
        return figures
    finally:
        if hub is not None:
            hub.stop()
        redis.stop()
        postgres.destroy()
        shutil.rmtree(var_dir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    print(
        f"{args.clients} clients x {args.rate:g} updates/s x {args.seconds:g} s on loopback",
        flush=True,
    )
    reference = reference_run(args)
    print("reference y-websocket server:", json.dumps(reference), flush=True)
    hub = hub_run(args)
    print("hub co-editing socket:      ", json.dumps(hub), flush=True)
    ratio = (
        round(hub["p99_ms"] / reference["p99_ms"], 2)
        if hub["p99_ms"] and reference["p99_ms"]
        else None
    )
    print(f"p99 ratio hub / reference: {ratio} (goal <= 2)")
    print(
        "RESULT "
        + json.dumps(
            {
                "bench": "coedit",
                "clients": args.clients,
                "rate_per_client": args.rate,
                "seconds": args.seconds,
                "hub": hub,
                "baseline_reference_y_websocket": reference,
                "p99_ratio": ratio,
            }
        )
    )


if __name__ == "__main__":
    main()
