"""The PostgreSQL connection pool under a real ASGI server, real threads and a real database.

Issue 9: persistent per-thread connections leaked under ASGI (200 concurrent basket saves
opened about 73 connections and got 45 answers 500 "too many clients"). Now each process has
one bounded pool: the test counts, in pg_stat_activity, the connections of the server process
(by the application_name it sets) while 200 saves run 50 at a time.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import psycopg
import pytest
import requests
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.db import OperationalError, connection
from django.db.backends.postgresql.base import DatabaseWrapper
from django.utils import timezone

from gaf.models import OrderLine, RoundProduct
from hub import services as hub_services
from hub.availability import database_unavailable
from hub.models import FamilyMember
from tests.gaf.factories import bulk_members, make_group, make_product, make_round, make_supplier
from tests.integration.servers import HubServer, hub_env

pytestmark = pytest.mark.postgres

REQUESTS = 200
CONCURRENCY = 50
POOL_MAX_SIZE = 4


def _database_url(application_name: str) -> str:
    settings = connection.settings_dict
    user = quote(settings["USER"] or "postgres")
    password = f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    return (
        f"postgres://{user}{password}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"
        f"?application_name={application_name}"
    )


class ConnectionCounter(threading.Thread):
    """Samples pg_stat_activity every few milliseconds; keeps the highest count seen."""

    def __init__(self, dsn: str, application_name: str):
        super().__init__(daemon=True)
        self.dsn, self.application_name = dsn, application_name
        self.peak = 0
        self.samples = 0
        self.stopping = threading.Event()

    def run(self):
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            while not self.stopping.is_set():
                (count,) = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                    [self.application_name],
                ).fetchone()
                self.peak = max(self.peak, count)
                self.samples += 1
                time.sleep(0.005)

    def stop(self) -> int:
        self.stopping.set()
        self.join(timeout=10)
        return self.peak


@pytest.fixture
def open_round(transactional_db):
    setup = make_group()
    supplier = make_supplier(setup)
    products = [make_product(supplier), make_product(supplier)]
    now = timezone.now()
    round = make_round(
        setup,
        supplier,
        products,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=1),
        open_now=now,
    )
    families = bulk_members(setup, REQUESTS)
    tokens = []
    for member in FamilyMember.objects.filter(family__in=families).select_related("user"):
        user = member.user
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        tokens.append(hub_services.api_token_create(user=user, name="burst")[1])
    round_products = list(RoundProduct.objects.filter(round=round).values_list("pk", flat=True))
    return round, round_products, tokens


@pytest.fixture
def pooled_server(transactional_db, tmp_path):
    application_name = f"hub-pooltest-{uuid.uuid4().hex[:8]}"
    env = hub_env(
        database_url=_database_url(application_name),
        var_dir=tmp_path,
        HUB_DB_POOL_MAX_SIZE=POOL_MAX_SIZE,
        HUB_DB_POOL_TIMEOUT=20,
        HUB_API_USER_RATE="10000/min",
        # API tokens are HMACs keyed by the secret key: the server must share the test's.
        DJANGO_SECRET_KEY=django_settings.SECRET_KEY,
    )
    server = HubServer(env, tasks=False)
    server.start()
    yield server, application_name
    server.stop()


def test_200_concurrent_saves_stay_within_the_pool(open_round, pooled_server):
    round, round_products, tokens = open_round
    server, application_name = pooled_server
    counter = ConnectionCounter(_database_url("hub-pooltest-counter"), application_name)
    counter.start()

    def save(token: str) -> int:
        response = requests.put(
            f"{server.base}/api/v1/gaf/orders/mine/",
            json={
                "round": round.pk,
                "lines": [{"round_product": rp, "firm": "2"} for rp in round_products],
            },
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        return response.status_code

    try:
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            statuses = list(pool.map(save, tokens))
            health = list(
                pool.map(
                    lambda _: requests.get(f"{server.base}/healthz", timeout=30).status_code,
                    range(20),
                )
            )
    finally:
        peak = counter.stop()
    print(
        f"\n{REQUESTS} saves, {CONCURRENCY} at a time: peak {peak} connections "
        f"(pool {POOL_MAX_SIZE}, {counter.samples} samples)"
    )
    assert statuses == [200] * REQUESTS, {s: statuses.count(s) for s in set(statuses)}
    assert health == [200] * 20
    assert 1 <= peak <= POOL_MAX_SIZE
    assert OrderLine.objects.filter(order__round=round, firm=2).count() == 2 * REQUESTS


def test_pool_timeout_is_answered_as_unavailable(db):
    """A request that waits too long for a connection gets PoolTimeout, classified as 503."""
    settings = {**connection.settings_dict}
    settings["OPTIONS"] = {
        **settings["OPTIONS"],
        "pool": {"min_size": 0, "max_size": 1, "timeout": 0.3},
    }
    holder = DatabaseWrapper(settings, alias="pool-timeout-probe")
    waiter = DatabaseWrapper(settings, alias="pool-timeout-probe")
    try:
        holder.ensure_connection()
        with pytest.raises(OperationalError) as caught:
            waiter.ensure_connection()
        assert "couldn't get a connection" in str(caught.value)
        assert database_unavailable(caught.value)
    finally:
        holder.close()
        waiter.close()
        holder.close_pool()


def _checked_out() -> int:
    stats = connection.pool.get_stats()
    return stats.get("pool_size", 0) - stats.get("pool_available", 0)


def test_health_check_gives_its_connection_back_to_the_pool(db, client):
    # The pool is the process's: other threads of this worker (a test server left by an
    # earlier test, Channels' sync thread) may take and give back connections meanwhile, and
    # the pool grows whenever a request waits, so its size says nothing about a leak. What a
    # leak leaves is a connection checked out for good: the count of those must come back to
    # where it was (a leaked connection never does, however long the test waits).
    before = _checked_out()
    for _ in range(12):
        assert client.get("/healthz").status_code == 200
    deadline = time.monotonic() + 5
    while _checked_out() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _checked_out() <= before, connection.pool.get_stats()


def test_a_forked_child_opens_its_own_pool(db):
    def backend_pid() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    parent_pid = backend_pid()
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # the child: report the backend it gets, never run the rest of pytest
        try:
            os.write(write_end, str(backend_pid()).encode())
        except BaseException as error:  # reported to the parent
            os.write(write_end, f"error {error}".encode())
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(child, 0)
    answer = os.read(read_end, 200).decode()
    os.close(read_end)
    assert answer.isdigit(), answer
    assert int(answer) != parent_pid
    # The parent's connection was neither shared nor ended by the child.
    assert backend_pid() == parent_pid
