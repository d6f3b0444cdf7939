"""GAF chat fan-out: 100 connected clients in one room, 2,000 messages, on loopback.

Starts its own PostgreSQL cluster and Redis on free ports (tests/integration/servers.py),
migrates, seeds an open GAF round with `--clients` member families (each with a signed-in
session), and runs the hub as production does (`manage.py serve --no-cluster`: Daphne, DEBUG
off), once with the in-memory channel layer (the embedded default) and once with
REDIS_URL set. Every client is a real `websockets` connection to the room's socket
(`/ws/gaf/chat/<room>/`) signed in by its session cookie; it says hello, resumes from the
room's last number and then only listens. Ten of the clients send `--messages` messages over
their sockets at `--rate` a second (open loop: the schedule does not wait for the server),
each with its own client id, as the browser does, after 100 warm-up messages that are not
measured (the first messages of a fresh process load code and fill its pools).

Measured for every (message, client) pair: the delivery latency from the send to the
receipt of the room event on that client (one clock: every client lives in this process),
messages lost (never received) and duplicated (received more than once; the clients count
raw frames and drop nothing themselves). p50/p99 over all deliveries, and p99 of the time
until the last of the clients has a message.

Baseline, same machine, same run, same clients and schedule: a bare broadcast server written
here with `websockets` (a process of its own), which numbers each message it receives and
sends the same JSON text to every connected socket (`websockets.broadcast`), nothing else:
no database, no authentication. Ratios: the hub's p50 and p99 over the bare server's (goal:
p99 <= 3x).

Then a second run per layer with 20 % of the clients (`--reconnect-share`) dropping their
socket once during the run, staying away 0.2 to 2 s and reconnecting with
{"type": "resume", "after": <last number seen>}, as the browser does: nothing may be lost or
duplicated. Lost counts what had not arrived 60 s after the last send.

Every message of the room reaches every one of its sockets, so the server writes
clients x rate frames a second (1,000 at the default 10 messages a second); on a 2-core
machine shared with the database and these clients, Daphne's per-frame cost decides how far
the rate can go before the latencies grow without bound.

`--layers redis-pubsub` adds, for comparison only, channels_redis's pub/sub layer
(bench/settings_pubsub.py), which publishes a group message once per process instead of once
per socket.

Run: .venv/bin/python bench/chat_fanout.py [--clients 100] [--messages 2000] [--rate 10]
     [--layers memory,redis] [--quick: no baseline, no reconnecting run]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

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

SENDERS = 10
WARM_UP = "warm-up"
SETTLE_SECONDS = 60  # at most, after the last send, for the last deliveries
WARM_UP_SECONDS = 180
CONNECT_BATCH = 20


# --- The bare broadcast server (a process of its own) -----------------------------------------


def bare_message(seq: int, body: str, author: int) -> dict:
    """A room event of the same shape and size as the hub's (gaf.selectors.chat)."""
    return {
        "type": "event",
        "id": seq,
        "room": 1,
        "kind": "message",
        "message": {
            "id": seq,
            "seq": seq,
            "author": {"id": author, "name": "Famiglia della prova 000"},
            "system": None,
            "system_data": None,
            "text": body,
            "parts": [{"text": body}],
            "mentions": [],
            "created_at": "2026-05-04T10:00:00.000000+00:00",
            "time": "12:00",
            "date": "4 mag",
            "when": "lunedì 4 maggio 2026, 12:00",
            "edited": False,
            "deleted": False,
            "removed_by_moderator": False,
            "pinned": False,
            "attachment": None,
        },
    }


def run_bare_server(port: int) -> None:
    from websockets.asyncio.server import broadcast, serve

    clients = set()
    state = {"seq": 0}

    async def handler(socket):
        clients.add(socket)
        try:
            await socket.send(json.dumps({"type": "hello", "last_seq": state["seq"]}))
            async for text in socket:
                frame = json.loads(text)
                if frame.get("type") == "ping":
                    await socket.send(json.dumps({"type": "pong"}))
                if frame.get("type") != "send":
                    continue
                state["seq"] += 1
                seq = state["seq"]
                await socket.send(json.dumps({"type": "ack", "client_id": frame["client_id"]}))
                broadcast(clients, json.dumps(bare_message(seq, frame["body"], 1)))
        finally:
            clients.discard(socket)

    async def main():
        async with serve(handler, "127.0.0.1", port, compression=None, max_queue=None):
            await asyncio.Future()

    asyncio.run(main())


# --- Clients ----------------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    url: str
    messages: int
    origin: str
    http_base: str | None = None  # the hub: HTTP catch-up beyond the socket's resume cap
    sent: dict[int, float] = field(default_factory=dict)
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    def index_of(self, text: str) -> int | None:
        prefix = f"bench {self.tag} #"
        return int(text[len(prefix) :]) if text.startswith(prefix) else None


class Client:
    def __init__(self, run: Run, number: int, session: str | None, room: int | None):
        self.run, self.number, self.session, self.room = run, number, session, room
        self.receipts: Counter = Counter()
        self.first_at: dict[int, float] = {}
        self.last_seq = 0
        self.socket = None
        self.ready = asyncio.Event()
        self.away: float | None = None  # seconds offline when dropped on purpose
        self.reconnects = 0
        self.http_catch_ups = 0
        self.warmed = 0
        self.task: asyncio.Task | None = None

    @property
    def headers(self) -> dict:
        return {"Cookie": f"sessionid={self.session}"} if self.session else {}

    def record(self, frame: dict, at: float) -> None:
        if frame.get("type") != "event":
            return
        self.last_seq = max(self.last_seq, frame["id"])
        text = frame["message"]["text"]
        if text.startswith(WARM_UP):
            self.warmed += 1
            return
        index = self.run.index_of(text)
        if index is None:
            return
        self.receipts[index] += 1
        self.first_at.setdefault(index, at)

    async def open(self, *, resume_after: int | None) -> None:
        self.socket = await connect(
            self.run.url,
            additional_headers=self.headers,
            origin=self.run.origin,
            compression=None,
            max_queue=None,
            ping_interval=None,
            open_timeout=60,
        )
        hello = json.loads(await self.socket.recv())
        assert hello["type"] == "hello", hello
        if resume_after is None:
            resume_after = hello["last_seq"]
        self.last_seq = max(self.last_seq, resume_after)
        await self.socket.send(json.dumps({"type": "resume", "after": resume_after}))

    async def listen(self) -> None:
        while True:
            try:
                async for text in self.socket:
                    at = time.perf_counter()
                    frame = json.loads(text)
                    if frame.get("type") == "pong":
                        self.ready.set()
                    elif frame.get("type") == "resume_too_far":
                        await self.catch_up_over_http()
                    else:
                        self.record(frame, at)
            except ConnectionClosed:
                pass
            if self.away is None:
                return
            await asyncio.sleep(self.away)
            self.away = None
            self.reconnects += 1
            await self.open(resume_after=self.last_seq)

    async def catch_up_over_http(self) -> None:
        """What the browser does beyond the resume cap: read the events over HTTP."""
        self.http_catch_ups += 1
        base = f"{self.run.http_base}/gaf/chat/{self.room}/messaggi/"
        more = True
        while more:
            answer = await asyncio.to_thread(
                lambda: requests.get(
                    base,
                    params={"after": self.last_seq},
                    cookies={"sessionid": self.session},
                    headers={"Accept": "application/json"},
                    timeout=60,
                ).json()
            )
            at = time.perf_counter()
            for event in answer["events"]:
                self.record(event, at)
            more = answer["has_more"]
        await self.socket.send(json.dumps({"type": "resume", "after": self.last_seq}))

    async def drop(self, away: float) -> None:
        self.away = away
        await self.socket.close()


async def drive(
    run: Run, clients: list[Client], *, rate: float, reconnect_share: float, warmup: int
) -> dict:
    for start in range(0, len(clients), CONNECT_BATCH):
        batch = clients[start : start + CONNECT_BATCH]
        await asyncio.gather(*(client.open(resume_after=None) for client in batch))
    for client in clients:
        client.task = asyncio.create_task(client.listen())
    # Every client's resume is handled once its ping is answered (frames are taken in order).
    for client in clients:
        await client.socket.send(json.dumps({"type": "ping"}))
    await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in clients)), 60)
    senders = clients[:SENDERS]
    # Warm-up, not measured: the server's first messages load code and fill its pools.
    for index in range(warmup):
        await asyncio.sleep(1 / rate)
        frame = {"type": "send", "client_id": str(uuid.uuid4()), "body": f"{WARM_UP} {index}"}
        await senders[index % len(senders)].socket.send(json.dumps(frame))
    warmed = await wait_until(lambda: all(c.warmed >= warmup for c in clients), WARM_UP_SECONDS)
    if not warmed:
        print(f"{run.name}: the warm-up was not delivered within {WARM_UP_SECONDS} s", flush=True)

    movers = [c for c in clients[SENDERS:]][: round(len(clients) * reconnect_share)]
    duration = run.messages / rate
    chooser = random.Random(7)
    drops = sorted(
        (duration * chooser.uniform(0.15, 0.8), chooser.uniform(0.2, 2.0), client)
        for client in movers
    )

    loop = asyncio.get_running_loop()
    began = loop.time()

    async def dropper():
        for at, away, client in drops:
            await asyncio.sleep(max(0, began + at - loop.time()))
            await client.drop(away)

    dropping = asyncio.create_task(dropper())
    for index in range(run.messages):
        await asyncio.sleep(max(0, began + index / rate - loop.time()))
        sender = senders[index % len(senders)]
        frame = {
            "type": "send",
            "client_id": str(uuid.uuid4()),
            "body": f"bench {run.tag} #{index}",
        }
        run.sent[index] = time.perf_counter()
        await sender.socket.send(json.dumps(frame))
    await dropping
    sending_seconds = loop.time() - began

    await wait_until(lambda: all(len(c.receipts) == run.messages for c in clients), SETTLE_SECONDS)
    for client in clients:
        client.away = None
        await client.socket.close()
    await asyncio.gather(*(c.task for c in clients), return_exceptions=True)
    return summarize(run, clients, sending_seconds)


async def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.1)
    return True


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summarize(run: Run, clients: list[Client], sending_seconds: float) -> dict:
    latencies = []
    last_client = {}
    lost = duplicated = 0
    for client in clients:
        lost += run.messages - len(client.receipts)
        duplicated += sum(count - 1 for count in client.receipts.values())
        for index, at in client.first_at.items():
            latency = (at - run.sent[index]) * 1000
            latencies.append(latency)
            last_client[index] = max(last_client.get(index, 0), latency)
    return {
        "clients": len(clients),
        "messages": run.messages,
        "deliveries": len(latencies),
        "sending_seconds": round(sending_seconds, 2),
        "p50_ms": round(statistics.median(latencies), 2) if latencies else None,
        "p99_ms": round(percentile(latencies, 0.99), 2) if latencies else None,
        "max_ms": round(max(latencies), 2) if latencies else None,
        "p99_all_clients_ms": round(percentile(list(last_client.values()), 0.99), 2)
        if last_client
        else None,
        "lost": lost,
        "duplicated": duplicated,
        "reconnects": sum(c.reconnects for c in clients),
        "http_catch_ups": sum(c.http_catch_ups for c in clients),
    }


def measure(
    run: Run, members: list[dict | None], room, *, rate, reconnect_share, warmup=100
) -> dict:
    clients = [
        Client(run, number, member["session"] if member else None, room)
        for number, member in enumerate(members)
    ]
    figures = asyncio.run(
        drive(run, clients, rate=rate, reconnect_share=reconnect_share, warmup=warmup)
    )
    print(
        f"{run.name:>18}: p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms "
        f"(all clients p99 {figures['p99_all_clients_ms']} ms, max {figures['max_ms']} ms), "
        f"lost {figures['lost']}, duplicated {figures['duplicated']}, "
        f"reconnects {figures['reconnects']}, http catch-ups {figures['http_catch_ups']}, "
        f"sent in {figures['sending_seconds']} s",
        flush=True,
    )
    return figures


def bare_figures(arguments, members) -> dict:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--bare-server", str(port)], cwd=Path(__file__).parent
    )
    try:
        wait_for(lambda: port_open(port), timeout=30, what="the bare server listening")
        run = Run("bare websockets", f"ws://127.0.0.1:{port}/", arguments.messages, "")
        return measure(run, [None] * len(members), None, rate=arguments.rate, reconnect_share=0)
    finally:
        server.terminate()
        server.wait(timeout=10)


def hub_figures(env: dict, data: dict, arguments, layer: str) -> tuple[dict, dict]:
    hub = HubServer(env, tasks=False)
    hub.start(timeout=120)
    room = data["group_room"]
    url = f"ws://127.0.0.1:{hub.port}/ws/gaf/chat/{room}/"
    try:
        steady = measure(
            Run(f"hub {layer}", url, arguments.messages, hub.base, hub.base),
            data["families"],
            room,
            rate=arguments.rate,
            reconnect_share=0,
        )
        reconnecting = steady
        if not arguments.quick:
            reconnecting = measure(
                Run(f"hub {layer} + drops", url, arguments.messages, hub.base, hub.base),
                data["families"],
                room,
                rate=arguments.rate,
                reconnect_share=arguments.reconnect_share,
            )
    finally:
        hub.stop()
    log = hub.log()
    errors = [line for line in log.splitlines() if "Traceback" in line or "ERROR" in line]
    if errors:
        Path(tempfile.gettempdir(), f"chat_fanout_{layer}.log").write_text(log)
        print(f"hub {layer}: {len(errors)} error lines in its log, e.g. {errors[:3]}")
    return steady, reconnecting


def ratio(hub: float | None, bare: float | None) -> float | None:
    return round(hub / bare, 2) if hub and bare else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=10, help="messages per second")
    parser.add_argument("--reconnect-share", type=float, default=0.2)
    parser.add_argument(
        "--layers", default="memory,redis", help="memory, redis, and for comparison redis-pubsub"
    )
    parser.add_argument(
        "--quick", action="store_true", help="no baseline, no reconnecting run (for profiling)"
    )
    parser.add_argument("--bare-server", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.bare_server:
        run_bare_server(arguments.bare_server)
        return

    var_dir = Path(tempfile.mkdtemp(prefix="hub-fanout-"))
    postgres = PostgresCluster().init()
    redis = RedisServer()
    try:
        postgres.start()
        redis.start()
        base_env = hub_env(
            database_url=postgres.create_database(),
            var_dir=var_dir,
            HUB_CHAT_SEND_RATE="100000/1m",
        )
        print("migrating, seeding...", flush=True)
        manage("migrate", "--noinput", env=base_env, timeout=900)
        seeded = run_module(
            "tests.integration.seed_round",
            "--families",
            str(arguments.clients),
            env=base_env,
            timeout=1800,
        )
        data = json.loads(seeded.strip().splitlines()[-1])
        print(
            f"{arguments.clients} clients, {arguments.messages} messages at "
            f"{arguments.rate:g}/s from {SENDERS} senders",
            flush=True,
        )
        result = {
            "clients": arguments.clients,
            "messages": arguments.messages,
            "rate_per_second": arguments.rate,
            "reconnect_share": arguments.reconnect_share,
            "baseline": "bare websockets broadcast server (same clients, same schedule)",
        }
        bare = (
            {"p50_ms": None, "p99_ms": None, "lost": None, "duplicated": None}
            if arguments.quick
            else bare_figures(arguments, data["families"])
        )
        result.update(
            {
                "p50_ms_bare": bare["p50_ms"],
                "p99_ms_bare": bare["p99_ms"],
                "lost_bare": bare["lost"],
                "duplicated_bare": bare["duplicated"],
            }
        )
        for layer in arguments.layers.split(","):
            env = base_env
            if layer.startswith("redis"):
                env = {**base_env, "REDIS_URL": redis.url}
            if layer == "redis-pubsub":
                env["DJANGO_SETTINGS_MODULE"] = "bench.settings_pubsub"
            steady, reconnecting = hub_figures(env, data, arguments, layer)
            result.update(layer_figures(layer.replace("-", "_"), steady, reconnecting, bare))
        print("RESULT " + json.dumps(result))
    finally:
        redis.stop()
        postgres.destroy()
        shutil.rmtree(var_dir, ignore_errors=True)


def layer_figures(name: str, steady: dict, reconnecting: dict, bare: dict) -> dict:
    """The RESULT keys of one layer's two runs."""
    return {
        f"p50_ms_{name}": steady["p50_ms"],
        f"p99_ms_{name}": steady["p99_ms"],
        f"p99_all_clients_ms_{name}": steady["p99_all_clients_ms"],
        f"ratio_p50_{name}": ratio(steady["p50_ms"], bare["p50_ms"]),
        f"ratio_p99_{name}": ratio(steady["p99_ms"], bare["p99_ms"]),
        f"lost_{name}": steady["lost"],
        f"duplicated_{name}": steady["duplicated"],
        f"p50_ms_{name}_reconnecting": reconnecting["p50_ms"],
        f"p99_ms_{name}_reconnecting": reconnecting["p99_ms"],
        f"lost_{name}_reconnecting": reconnecting["lost"],
        f"duplicated_{name}_reconnecting": reconnecting["duplicated"],
        f"reconnects_{name}": reconnecting["reconnects"],
        f"http_catch_ups_{name}_reconnecting": reconnecting["http_catch_ups"],
    }


if __name__ == "__main__":
    main()
