"""Health checks of the backing services, each bounded in time and never raising."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from django.conf import settings
from django.db import connection


class Degraded(Exception):
    """A check's service is down but the hub still serves without it (search answers from
    the database engine while Meilisearch is away): reported, without a 503 that would take
    the whole hub out of a load balancer."""

    def __init__(self, backend: str, detail: str):
        super().__init__(detail)
        self.backend = backend
        self.detail = detail


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    backend: str
    detail: str
    latency_ms: float
    degraded: bool = False

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "degraded": self.degraded,
            "backend": self.backend,
            "detail": self.detail,
            "latency_ms": round(self.latency_ms, 1),
        }


def check_database() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor, "SELECT 1"


def check_channel_layer() -> tuple[str, str]:
    """The channel layer, checked through an instance of its own.

    Never through the shared instance that live consumers receive on: its receive() belongs
    to the server's event loop, and channels_redis refuses (and breaks) a receive from a
    second loop ("Two event loops are trying to receive() on one channel layer at once!"),
    so a health check made while sockets were open failed and killed a live socket. A
    separate instance has its own connections; the message goes to a plain channel that no
    consumer reads. The in-memory layer lives in this process: there is nothing to reach.
    """
    from channels import DEFAULT_CHANNEL_LAYER
    from channels.layers import InMemoryChannelLayer, channel_layers

    if DEFAULT_CHANNEL_LAYER not in channel_layers.configs:
        raise RuntimeError("no channel layer is configured")
    layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
    backend = type(layer).__name__
    if isinstance(layer, InMemoryChannelLayer):
        return backend, "in-process layer"
    asyncio.run(_layer_round_trip(layer))
    return backend, "send/receive round trip on its own connection"


async def _layer_round_trip(layer) -> None:
    try:
        channel = f"healthz.{uuid.uuid4().hex}"
        token = uuid.uuid4().hex
        await layer.send(channel, {"type": "healthz.ping", "token": token})
        message = await asyncio.wait_for(layer.receive(channel), timeout=1.5)
        if message.get("token") != token:
            raise RuntimeError("round trip returned another message")
    finally:
        close_pools = getattr(layer, "close_pools", None)
        if close_pools is not None:
            await close_pools()


def check_task_broker() -> tuple[str, str]:
    from django_q.brokers import get_broker

    broker = get_broker()
    if not broker.ping():
        raise RuntimeError("broker did not answer ping")
    return type(broker).__name__, "ping"


def check_search() -> tuple[str, str]:
    from search.backends import health

    state = health()
    if not state.ok:
        raise RuntimeError(state.detail)
    if state.degraded:
        raise Degraded(state.backend, state.detail)
    return state.backend, state.detail


CHECKS: dict[str, Callable[[], tuple[str, str]]] = {
    "database": check_database,
    "channel_layer": check_channel_layer,
    "task_broker": check_task_broker,
    "search": check_search,
}


def _run_one(name: str, check: Callable[[], tuple[str, str]], timeout: float) -> CheckResult:
    started = time.perf_counter()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"healthz-{name}")
    future = pool.submit(_in_thread, check)
    degraded = False
    try:
        backend, detail = future.result(timeout=timeout)
        ok = True
    except Degraded as error:
        backend, detail, ok, degraded = error.backend, error.detail[:300], False, True
    except FutureTimeout:
        backend, detail, ok = "?", f"no answer within {timeout:g} s", False
    except Exception as error:
        backend, detail, ok = "?", f"{type(error).__name__}: {error}"[:300], False
    finally:
        # Never wait for a hung check: the answer must come within the timeout.
        pool.shutdown(wait=False, cancel_futures=True)
    return CheckResult(
        name, ok, backend, detail, (time.perf_counter() - started) * 1000, degraded=degraded
    )


def _in_thread(check):
    try:
        return check()
    finally:
        # A check run in a worker thread opens its own database connection: close it.
        connection.close()


def run_checks() -> list[CheckResult]:
    timeout = settings.HUB_HEALTH_TIMEOUT_SECONDS
    return [_run_one(name, check, timeout) for name, check in CHECKS.items()]
