"""Scale-out: two real hub processes on one PostgreSQL and one Redis share the chat rooms and
the bells, and the task cluster's broadcasts reach the browsers.

The test starts its own PostgreSQL cluster and its own Redis on free ports (the helpers of
the fault drills, tests/integration/servers.py), migrates, seeds an open GAF round with three
member families (tests/integration/seed_round.py) and runs the hub twice as production does,
DEBUG off and REDIS_URL set: process 1 with its django-q2 cluster (`manage.py serve`),
process 2 Daphne alone. Every socket is signed in by its session cookie.

Asserted:
- a chat message sent through process 1, over the WebSocket and over the HTTP fallback (POST
  with the browser's client id), reaches a socket on process 2 exactly once, in the room's
  order, and a resend of the same client id (by either path) adds nothing;
- the @mention in it moves the mentioned person's bell on process 2;
- a notification created by a django-q2 task (queued from a third process, run by process
  1's cluster) reaches the bell socket on process 2, and nothing goes through the embedded
  mode's outbox.

Without a shared layer (two processes with the in-memory layer) each assertion on process 2
waits in vain and fails. Marked `drill` (its own PostgreSQL cluster and Redis: CI's
PostgreSQL run).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
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
from tests.integration.ws_client import WebSocket
from tests.services import skip_or_fail

pytestmark = pytest.mark.drill

FAMILIES = 3
WAIT_SECONDS = 20  # bound on every wait for a frame; never a measured time


@dataclass
class Stack:
    postgres: PostgresCluster
    web_and_tasks: HubServer  # process 1: Daphne + the django-q2 cluster
    web: HubServer  # process 2: Daphne alone
    env: dict
    data: dict

    def query(self, sql: str, params=()) -> list[tuple]:
        with psycopg.connect(self.postgres.url(), autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def stack():
    if postgres_bin_dir() is None:
        skip_or_fail("the PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    if shutil.which("redis-server") is None:
        skip_or_fail("redis-server is not installed")
    var_dir = Path(tempfile.mkdtemp(prefix="hub-scale-out-"))
    postgres = PostgresCluster().init()
    redis = RedisServer()
    servers: list[HubServer] = []
    try:
        postgres.start()
        redis.start()
        env = hub_env(
            database_url=postgres.create_database(),
            redis_url=redis.url,
            var_dir=var_dir,
            HUB_CHAT_SEND_RATE="1000/1m",
        )
        manage("migrate", "--noinput", env=env, timeout=600)
        manage("collectstatic", "--noinput", env=env, timeout=600)
        seeded = run_module("tests.integration.seed_round", "--families", str(FAMILIES), env=env)
        data = json.loads(seeded.strip().splitlines()[-1])
        servers = [HubServer(env, tasks=True), HubServer(env, tasks=False)]
        for server in servers:
            server.start(timeout=120)
        yield Stack(postgres, servers[0], servers[1], env, data)
    finally:
        for server in servers:
            server.stop()
        redis.stop()
        postgres.destroy()
        shutil.rmtree(var_dir, ignore_errors=True)


def open_socket(hub: HubServer, member: dict, path: str) -> WebSocket:
    return WebSocket(
        "127.0.0.1",
        hub.port,
        path,
        headers={"Origin": hub.base, "Cookie": f"sessionid={member['session']}"},
        timeout=WAIT_SECONDS,
    )


def frames_until(socket: WebSocket, done, *, what: str) -> list[dict]:
    """The frames received up to and including the first for which `done(frame)` holds."""
    frames = []
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        frame = socket.receive_json(timeout=max(0.1, deadline - time.monotonic()))
        if frame is None:
            continue
        frames.append(frame)
        if done(frame):
            return frames
    raise AssertionError(f"{what}: not received within {WAIT_SECONDS} s; got {frames}")


def chat_socket(hub: HubServer, member: dict, room: int) -> tuple[WebSocket, int]:
    """A chat socket live from the room's last event (hello, resume, and a ping whose pong
    says the resume was handled: the consumer takes frames in order)."""
    socket = open_socket(hub, member, f"/ws/gaf/chat/{room}/")
    (hello,) = frames_until(socket, lambda f: f["type"] == "hello", what="hello")
    socket.send_json({"type": "resume", "after": hello["last_seq"]})
    socket.send_json({"type": "ping"})
    frames_until(socket, lambda f: f["type"] == "pong", what="pong after the resume")
    return socket, hello["last_seq"]


def bell_socket(hub: HubServer, member: dict) -> tuple[WebSocket, int]:
    socket = open_socket(hub, member, "/ws/notifications/")
    (hello,) = frames_until(socket, lambda f: f["type"] == "hello", what="bell hello")
    return socket, hello["unread"]


def post_message(
    hub: HubServer, member: dict, room: int, *, slug: str, body: str, client_id: str
) -> dict:
    """The HTTP fallback as the browser uses it: the room's page gives the CSRF token, the
    message goes by POST with the browser's client id, and the answer is JSON."""
    page = requests.get(
        f"{hub.base}/gaf/{slug}/chat/",
        cookies={"sessionid": member["session"]},
        timeout=WAIT_SECONDS,
    )
    assert page.status_code == 200, page.text[:500]
    token = page.cookies["csrftoken"]
    response = requests.post(
        f"{hub.base}/gaf/chat/{room}/messaggi/",
        data={"body": body, "client_id": client_id},
        cookies={"sessionid": member["session"], "csrftoken": token},
        headers={"Accept": "application/json", "X-CSRFToken": token},
        timeout=WAIT_SECONDS,
    )
    assert response.status_code in {200, 201}, response.text[:500]
    return response.json()["message"]


def test_a_message_through_one_process_reaches_the_other_once(stack):
    sender, reader = stack.data["families"][:2]
    room = stack.data["group_room"]
    on_first, _ = chat_socket(stack.web_and_tasks, sender, room)
    on_second, start = chat_socket(stack.web, reader, room)
    bell, unread = bell_socket(stack.web, reader)

    # Over the WebSocket of process 1, mentioning the reader; then the same frame again, as
    # a client resends after a reconnection.
    first_id = str(uuid.uuid4())
    send = {"type": "send", "client_id": first_id, "body": f"Ciao @{reader['name']}, porto io"}
    on_first.send_json(send)
    ack = frames_until(on_first, lambda f: f["type"] == "ack", what="ack")[-1]
    assert ack["created"] is True
    on_first.send_json(send)
    again = frames_until(on_first, lambda f: f["type"] == "ack", what="second ack")[-1]
    assert (again["message_id"], again["created"]) == (ack["message_id"], False)

    # Over the HTTP fallback of process 1, twice with the same client id.
    second_id = str(uuid.uuid4())
    slug = stack.data["group_slug"]
    posted = post_message(
        stack.web_and_tasks, sender, room, slug=slug, body="Mandato per POST", client_id=second_id
    )
    reposted = post_message(
        stack.web_and_tasks, sender, room, slug=slug, body="Mandato per POST", client_id=second_id
    )
    assert reposted["id"] == posted["id"]

    # A last message closes the window: the layer delivers a channel's messages in order,
    # so any duplicate of the earlier ones would arrive before it.
    on_first.send_json({"type": "send", "client_id": str(uuid.uuid4()), "body": "Fine"})
    frames = frames_until(
        on_second,
        lambda f: f["type"] == "event" and f["message"]["text"] == "Fine",
        what="the messages on process 2",
    )
    events = [frame for frame in frames if frame["type"] == "event"]
    assert [event["id"] for event in events] == [start + 1, start + 2, start + 3]
    assert Counter(event["message"]["id"] for event in events) == {
        ack["message_id"]: 1,
        posted["id"]: 1,
        events[-1]["message"]["id"]: 1,
    }
    assert events[0]["message"]["mentions"] == [reader["user"]]
    assert events[1]["message"]["text"] == "Mandato per POST"
    (stored,) = stack.query(
        "SELECT count(*) FROM gaf_chatmessage WHERE room_id = %s AND seq > %s", [room, start]
    )[0]
    assert stored == 3

    # The mention moved the reader's bell, whose socket is on process 2 too.
    notified = frames_until(bell, lambda f: f["type"] == "notification", what="mention")[-1]
    assert notified["kind"] == "gaf.mention"
    assert notified["unread"] == unread + 1
    for socket in (on_first, on_second, bell):
        socket.close()


def test_a_task_notification_reaches_the_bell_on_the_other_process(stack):
    member = stack.data["families"][2]
    bell, unread = bell_socket(stack.web, member)
    round_id = stack.data["round"]
    # Queued from a process of its own (the broker is Redis); process 1's cluster runs it.
    manage(
        "shell",
        "-c",
        "from django_q.tasks import async_task; "
        f"async_task('gaf.tasks.remind_round', {round_id}, 'closing_24h')",
        env=stack.env,
    )
    notified = frames_until(bell, lambda f: f["type"] == "notification", what="task notification")
    assert notified[-1]["kind"] == "gaf.closing_24h"
    assert notified[-1]["unread"] == unread + 1
    (done,) = stack.query(
        "SELECT count(*) FROM django_q_task WHERE func = 'gaf.tasks.remind_round' AND success"
    )[0]
    assert done == 1
    # With REDIS_URL the task's broadcast goes through the shared layer, not the outbox.
    assert stack.query("SELECT count(*) FROM hub_broadcastoutbox")[0][0] == 0
    bell.close()
