"""Fault drills: families keep saving baskets while PostgreSQL, then Redis, stop and return.

The test starts its own PostgreSQL cluster (initdb under a temporary folder) and its own
Redis, each on a free port, migrates and seeds an open GAF round, and runs the hub as
production does (`manage.py serve`: Daphne and the django-q2 cluster, DEBUG off, REDIS_URL
set). Then, while several families save their baskets through the API and a WebSocket
listens on the round:

1. PostgreSQL stops (fast shutdown: sessions are cut) for a few seconds and starts again;
2. Redis stops for a few seconds and starts again.

Asserted: every save acknowledged with 2xx is in the database afterwards, both lines of every
save or neither (nothing half-saved), no 500 and no dropped connection (only 503 while a
service is down), and saves succeed again within 5 s of the service coming back, without
restarting the hub. The socket, reconnecting with its last id, ends with the round's last
change. The figures are printed (`pytest -s`).

Marked `drill`: CI runs the drills in its PostgreSQL run (they need the PostgreSQL server
binaries and redis-server, not DATABASE_URL); the SQLite run deselects them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import requests

from tests.integration.servers import (
    HubServer,
    PostgresCluster,
    RedisServer,
    hub_env,
    manage,
    postgres_bin_dir,
    run_module,
)
from tests.integration.ws_client import Closed, WebSocket
from tests.services import skip_or_fail

pytestmark = pytest.mark.drill

FAMILIES = 6
DOWN_SECONDS = 4
SETTLE_SECONDS = 8  # load kept running after a service returns
RECOVERY_LIMIT_SECONDS = 5
MAX_SAVES_PER_FAMILY = 2_000  # bounds the loops whatever the timings
REQUEST_TIMEOUT = 20


@pytest.fixture(scope="module")
def stack():
    if postgres_bin_dir() is None:
        skip_or_fail("the PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    if shutil.which("redis-server") is None:
        skip_or_fail("redis-server is not installed")
    var_dir = Path(tempfile.mkdtemp(prefix="hub-drill-"))
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
            # A save waiting for a connection while PostgreSQL is down gets its 503 after 2 s.
            HUB_DB_POOL_TIMEOUT=2,
            HUB_API_USER_RATE="100000/min",
        )
        manage("migrate", "--noinput", env=env, timeout=600)
        manage("collectstatic", "--noinput", env=env, timeout=600)
        seeded = run_module("tests.integration.seed_round", "--families", str(FAMILIES), env=env)
        data = json.loads(seeded.strip().splitlines()[-1])
        hub = HubServer(env)
        hub.start(timeout=120)
        yield Stack(postgres, redis, hub, data)
    finally:
        if hub is not None:
            hub.stop()
            if os.environ.get("HUB_DRILL_KEEP_LOG"):
                shutil.copy(hub.log_path, os.environ["HUB_DRILL_KEEP_LOG"])
        redis.stop()
        postgres.destroy()
        shutil.rmtree(var_dir, ignore_errors=True)


@dataclass
class Stack:
    postgres: PostgresCluster
    redis: RedisServer
    hub: HubServer
    data: dict

    def query(self, sql: str, params=()) -> list[tuple]:
        with psycopg.connect(self.postgres.url(), autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()


@dataclass
class Save:
    family: int
    quantity: int
    sent: float
    done: float
    status: int | str  # HTTP status, or the name of the client-side error


@dataclass
class Load:
    """Families saving continuously, each its quantity 1, 2, 3... on both products."""

    stack: Stack
    saves: list[Save] = field(default_factory=list)
    pages: list[Save] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def page_loop(self) -> None:
        """A visitor reading the events page (the page cache lives in Redis)."""
        for _ in range(MAX_SAVES_PER_FAMILY):
            if self.stopping.is_set():
                return
            sent = time.monotonic()
            try:
                response = requests.get(f"{self.stack.hub.base}/eventi/", timeout=REQUEST_TIMEOUT)
                status = response.status_code
                if status == 503 and not response.headers.get("Retry-After"):
                    status = "503 without Retry-After"
            except requests.RequestException as error:
                status = type(error).__name__
            self.pages.append(Save(0, 0, sent, time.monotonic(), status))
            time.sleep(0.3)

    def family_loop(self, member: dict) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {member['token']}"
        url = f"{self.stack.hub.base}/api/v1/gaf/orders/mine/"
        for quantity in range(1, MAX_SAVES_PER_FAMILY + 1):
            if self.stopping.is_set():
                return
            body = {
                "round": self.stack.data["round"],
                "lines": [
                    {"round_product": rp, "firm": str(quantity)}
                    for rp in self.stack.data["round_products"]
                ],
            }
            sent = time.monotonic()
            try:
                status = session.put(url, json=body, timeout=REQUEST_TIMEOUT).status_code
            except requests.RequestException as error:
                status = type(error).__name__
            self.saves.append(Save(member["family"], quantity, sent, time.monotonic(), status))
            time.sleep(0.05)

    def __enter__(self):
        self.threads = [
            threading.Thread(target=self.family_loop, args=(member,), daemon=True)
            for member in self.stack.data["families"]
        ]
        self.threads.append(threading.Thread(target=self.page_loop, daemon=True))
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)

    def answered_between(self, start: float, end: float, saves=None) -> list[Save]:
        """Saves whose answer came in [start, end): what the service's state decided."""
        return [
            save for save in (self.saves if saves is None else saves) if start <= save.done < end
        ]

    def sent_between(self, start: float, end: float) -> list[Save]:
        return [save for save in self.saves if start <= save.sent and save.done < end]

    def recovery_after(self, back_at: float) -> float | None:
        """Seconds from the service's return to the first save sent after it and accepted."""
        done = [s.done for s in self.saves if s.sent >= back_at and s.status == 200]
        return min(done) - back_at if done else None


@dataclass
class Listener:
    """A round's WebSocket that reconnects (with backoff) and resumes from its last id."""

    stack: Stack
    member: dict
    last_id: int = 0
    connects: int = 0
    close_codes: Counter = field(default_factory=Counter)
    stopping: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        hub = self.stack.hub
        delay = 0.25
        for _attempt in range(200):
            if self.stopping.is_set():
                return
            try:
                socket = WebSocket(
                    "127.0.0.1",
                    hub.port,
                    f"/ws/gaf/rounds/{self.stack.data['round']}/",
                    headers={
                        "Origin": hub.base,
                        "Cookie": f"sessionid={self.member['session']}",
                    },
                )
            except (OSError, Closed) as error:
                self.close_codes[f"connect:{getattr(error, 'code', type(error).__name__)}"] += 1
                time.sleep(delay)
                delay = min(delay * 2, 2)
                continue
            self.connects += 1
            delay = 0.25
            try:
                socket.send_json({"type": "resume", "last_id": self.last_id})
                while not self.stopping.is_set():
                    message = socket.receive_json(timeout=0.5)
                    if message and message.get("type") == "state":
                        self.last_id = max(self.last_id, message["id"])
            except Closed as closed:
                self.close_codes[closed.code] += 1
            except OSError as error:
                self.close_codes[type(error).__name__] += 1
            finally:
                socket.sock.close()

    def __enter__(self):
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join(timeout=10)


def outage(load: Load, *, stop, start) -> tuple[float, float]:
    time.sleep(2)
    down_at = time.monotonic()
    stop()
    time.sleep(DOWN_SECONDS)
    start()
    back_at = time.monotonic()
    time.sleep(SETTLE_SECONDS)
    return down_at, back_at


def statuses(saves: list[Save]) -> dict:
    return dict(Counter(save.status for save in saves))


def check_database(stack: Stack, load: Load) -> dict:
    """Every acknowledged save is in the change log; every save has both lines or none."""
    round_id = stack.data["round"]
    first, second = stack.data["round_products"]
    changes = stack.query(
        "SELECT family_id, round_product_id, firm FROM gaf_orderchange WHERE round_id = %s",
        [round_id],
    )
    logged = {(family, product, int(firm)) for family, product, firm in changes}
    acknowledged = [save for save in load.saves if save.status == 200]
    missing = [
        save
        for save in acknowledged
        if (save.family, first, save.quantity) not in logged
        or (save.family, second, save.quantity) not in logged
    ]
    half_saved = {
        (family, quantity)
        for family, product, quantity in logged
        if (family, second if product == first else first, quantity) not in logged
    }
    lines = stack.query(
        "SELECT o.family_id, l.round_product_id, l.firm FROM gaf_orderline l "
        "JOIN gaf_order o ON o.id = l.order_id WHERE o.round_id = %s",
        [round_id],
    )
    final = {}
    for family, product, firm in lines:
        final.setdefault(family, {})[product] = firm
    uneven = {family: values for family, values in final.items() if len(set(values.values())) != 1}
    (last_sequence,) = stack.query(
        "SELECT last_sequence FROM gaf_orderround WHERE id = %s", [round_id]
    )[0]
    # Saves answered with an error although they were committed (the client retries them;
    # harmless for quantities, which are set, not added). Reported, not asserted.
    committed_unacknowledged = [
        save
        for save in load.saves
        if save.status != 200 and (save.family, first, save.quantity) in logged
    ]
    return {
        "acknowledged": len(acknowledged),
        "found": len(acknowledged) - len(missing),
        "committed_unacknowledged": dict(Counter(s.status for s in committed_unacknowledged)),
        "missing": missing[:5],
        "half_saved": sorted(half_saved)[:5],
        "uneven_final_lines": uneven,
        "last_sequence": last_sequence,
    }


def test_saves_survive_postgresql_and_redis_restarts(stack):
    member = stack.data["families"][0]
    with Listener(stack, member) as listener, Load(stack) as load:
        pg_down, pg_back = outage(load, stop=stack.postgres.stop, start=stack.postgres.start)
        redis_down, redis_back = outage(load, stop=stack.redis.stop, start=stack.redis.start)
    ended = time.monotonic()
    # The socket catches up with the round's last change (bounded wait).
    database = check_database(stack, load)
    deadline = time.monotonic() + 10
    with Listener(stack, member) as late:
        late.last_id = listener.last_id
        while late.last_id < database["last_sequence"] and time.monotonic() < deadline:
            time.sleep(0.2)
    hub_alive = stack.hub.process.poll() is None
    tasks_done = stack.query("SELECT count(*) FROM django_q_task WHERE success")[0][0]

    grace = RECOVERY_LIMIT_SECONDS
    figures = {
        "saves": len(load.saves),
        "acknowledged": database["acknowledged"],
        "found_in_database": database["found"],
        "committed_but_answered_error": database["committed_unacknowledged"],
        "postgres": {
            # Answered while down or in the 5 s allowed for recovery: 200 or 503 only.
            "during_outage": statuses(load.answered_between(pg_down, pg_back + grace)),
            # Sent after the recovery limit and answered before Redis stopped: all 200.
            "after_return": statuses(load.sent_between(pg_back + grace, redis_down)),
            "recovery_seconds": load.recovery_after(pg_back),
        },
        "redis": {
            "during_outage": statuses(load.answered_between(redis_down, redis_back + grace)),
            "after_return": statuses(load.sent_between(redis_back + grace, ended)),
            "recovery_seconds": load.recovery_after(redis_back),
        },
        "all_statuses": statuses(load.saves),
        "pages": {
            "postgres_outage": statuses(load.answered_between(pg_down, pg_back, load.pages)),
            "redis_outage": statuses(load.answered_between(redis_down, redis_back, load.pages)),
            "all": statuses(load.pages),
        },
        "socket": {
            "connects": listener.connects,
            "closes": {str(code): count for code, count in listener.close_codes.items()},
            "last_id": late.last_id,
            "round_last_sequence": database["last_sequence"],
        },
        "tasks_done_by_cluster": tasks_done,
    }
    print("\nDRILL " + json.dumps(figures, default=str))
    errors = Counter(re.findall(r"^([\w.]+(?:Error|Exception|Timeout)): ", stack.hub.log(), re.M))
    print("DRILL hub log exceptions: " + json.dumps(errors.most_common(10)))
    if not hub_alive:
        print(stack.hub.log()[-5000:])

    # PostgreSQL part: nothing lost, nothing half-saved, only 503 while down, quick recovery.
    assert hub_alive
    assert database["missing"] == [], database["missing"]
    assert database["half_saved"] == []
    assert database["uneven_final_lines"] == {}
    assert figures["acknowledged"] > 0
    assert set(figures["postgres"]["during_outage"]) <= {200, 503}
    assert set(figures["pages"]["postgres_outage"]) <= {200, 503}
    assert 503 in figures["postgres"]["during_outage"]
    assert figures["postgres"]["recovery_seconds"] is not None
    assert figures["postgres"]["recovery_seconds"] < RECOVERY_LIMIT_SECONDS
    assert set(figures["postgres"]["after_return"]) == {200}
    # The task cluster worked with its pools (the round's opening notification task).
    assert tasks_done >= 1

    # The socket, reconnecting and resuming by last id, ends up with the round's last change.
    assert late.last_id >= database["last_sequence"]

    # Redis part.
    assert figures["redis"]["recovery_seconds"] is not None
    assert figures["redis"]["recovery_seconds"] < RECOVERY_LIMIT_SECONDS
    assert set(figures["redis"]["after_return"]) == {200}
    assert set(figures["pages"]["all"]) <= {200, 503}
    # With Redis stopped, saves still answer 200 (the API throttles fail open for signed-in
    # callers, hub.throttling; a broadcast failing after commit is logged, hub.websocket).
    assert set(figures["redis"]["during_outage"]) <= {200, 503}
    assert set(figures["all_statuses"]) <= {200, 503}
    # A socket that meets a stopped service is closed with 1013 "try again later" (through
    # Daphne, hub.daphne_close_codes), and no handshake is refused with an HTTP error.
    closes = figures["socket"]["closes"]
    assert "1013" in closes, closes
    assert not [code for code in closes if code.startswith("connect:")], closes
