"""Co-editing across two hub processes (issue 14): two Daphne processes on one PostgreSQL and
one Redis, people editing the same proposal through either, some switching process when they
reconnect. Updates cross processes through the channel layer (tables.coedit.rooms); everyone
ends with the same text, which is also the text a newcomer loads from the database."""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.integration.servers import (
    HubServer,
    PostgresCluster,
    RedisServer,
    hub_env,
    manage,
    postgres_bin_dir,
    run_module,
)
from tests.integration.yjs_socket import YjsPeer
from tests.services import skip_or_fail

pytestmark = pytest.mark.drill


@pytest.fixture(scope="module")
def two_processes():
    if postgres_bin_dir() is None:
        skip_or_fail("the PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    if shutil.which("redis-server") is None:
        skip_or_fail("redis-server is not installed")
    var_dir = Path(tempfile.mkdtemp(prefix="hub-coedit-"))
    postgres = PostgresCluster().init()
    redis = RedisServer()
    hubs = []
    try:
        postgres.start()
        redis.start()
        env = hub_env(database_url=postgres.create_database(), redis_url=redis.url, var_dir=var_dir)
        manage("migrate", "--noinput", env=env, timeout=600)
        seeded = json.loads(run_module("tests.integration.seed_coedit", env=env).splitlines()[-1])
        for _ in range(2):
            hub = HubServer(env, tasks=False)
            hub.start(timeout=120)
            hubs.append(hub)
        yield hubs, seeded
    finally:
        for hub in hubs:
            hub.stop()
        redis.stop()
        postgres.destroy()
        shutil.rmtree(var_dir, ignore_errors=True)


def _peer(hub, seeded, index: int) -> YjsPeer:
    session = seeded["sessions"][index % len(seeded["sessions"])]
    return YjsPeer(
        "127.0.0.1",
        hub.port,
        seeded["path"],
        headers={"Origin": hub.base, "Cookie": f"sessionid={session}"},
        seed=index,
    )


async def _edit_through_two_processes(hubs, seeded) -> None:
    rng = random.Random(14)
    peers = [_peer(hubs[index % 2], seeded, index) for index in range(6)]
    for peer in peers:
        await peer.connect()
    await asyncio.gather(*(asyncio.wait_for(peer.synced.wait(), 10) for peer in peers))
    for turn in range(40):
        for index, peer in enumerate(peers):
            if peer.socket is not None and rng.random() < 0.05:
                await peer.disconnect()
                # Back through the other process: no affinity needed.
                peer.port = hubs[1].port if peer.port == hubs[0].port else hubs[0].port
            elif peer.socket is None and rng.random() < 0.5:
                await peer.connect()
            await peer.type_somewhere(f"[{index}.{turn}]")
        await asyncio.sleep(0.05)
    for peer in peers:
        if peer.socket is None:
            await peer.connect()
    await asyncio.sleep(3)
    newcomer = _peer(hubs[0], seeded, 0)
    await newcomer.connect()
    await asyncio.wait_for(newcomer.synced.wait(), 10)
    await asyncio.sleep(0.5)
    errors = [error for peer in peers for error in peer.errors]
    texts = {peer.text() for peer in peers}
    expected = newcomer.text()
    for peer in [*peers, newcomer]:
        await peer.disconnect()
    assert errors == []
    assert texts == {expected}
    assert all(f"[{index}.39]" in expected or f"[{index}." in expected for index in range(6))


def test_people_on_two_processes_converge(two_processes):
    hubs, seeded = two_processes
    asyncio.run(_edit_through_two_processes(hubs, seeded))
    for hub in hubs:
        assert "Traceback" not in hub.log(), hub.log()[-3000:]
