"""The embedded SQLite database queues a process's writers first come, first served."""

from __future__ import annotations

import threading
import time

import pytest
from django.db.utils import ConnectionHandler, OperationalError

from hub.sqlite_backend.base import FairLock

pytestmark = pytest.mark.sqlite


def _connection(path, timeout=5):
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "hub.sqlite_backend",
                "NAME": str(path),
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout},
            }
        }
    )
    return handler["default"]


def _begin(connection):
    """What transaction.atomic() does on entering its outermost block."""
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def _commit(connection):
    connection.commit()
    connection.set_autocommit(True)


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker):
    """These tests open their own database files, not the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "hub.sqlite3"
    connection = _connection(path)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE turn (who TEXT)")
    connection.close()
    return path


def test_writers_get_their_turn_in_the_order_they_asked(database):
    first = _connection(database)
    _begin(first)  # holds the write lock
    order, started = [], []

    def writer(name):
        connection = _connection(database)
        started.append(name)
        _begin(connection)
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO turn VALUES (%s)", [name])
        order.append(name)
        _commit(connection)
        connection.close()

    threads = []
    for name in ["b", "c", "d"]:
        thread = threading.Thread(target=writer, args=(name,))
        thread.start()
        threads.append(thread)
        while name not in started:
            time.sleep(0.01)
        time.sleep(0.2)  # now waiting for its turn
    assert order == []
    _commit(first)
    for thread in threads:
        thread.join(10)
    assert order == ["b", "c", "d"]
    with first.cursor() as cursor:
        cursor.execute("SELECT who FROM turn ORDER BY rowid")
        assert [row[0] for row in cursor.fetchall()] == ["b", "c", "d"]
    first.close()


def test_a_busy_writer_does_not_starve_another(database):
    """A thread that writes back to back (as a burst of requests does) lets a waiting one in
    at its next transaction; with SQLite's busy handler alone the waiter, sleeping and
    retrying, found the lock taken every time and failed after its timeout."""
    stop = threading.Event()

    def hog():
        connection = _connection(database)
        while not stop.is_set():
            _begin(connection)
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO turn VALUES ('hog')")
            time.sleep(0.02)
            _commit(connection)
        connection.close()

    thread = threading.Thread(target=hog)
    thread.start()
    time.sleep(0.1)
    victim = _connection(database, timeout=1)
    try:
        _begin(victim)
        with victim.cursor() as cursor:
            cursor.execute("INSERT INTO turn VALUES ('victim')")
        _commit(victim)
    finally:
        stop.set()
        thread.join(10)
        victim.close()


def test_a_writer_past_the_timeout_fails_and_the_turn_is_not_lost(database):
    first = _connection(database)
    _begin(first)
    waited = {}

    def late():
        connection = _connection(database, timeout=0.3)
        try:
            _begin(connection)
        except OperationalError as error:
            waited["error"] = str(error)
        finally:
            connection.close()

    thread = threading.Thread(target=late)
    thread.start()
    thread.join(10)
    assert waited == {"error": "database is locked"}
    first.rollback()  # a rollback ends the turn too
    first.set_autocommit(True)
    second = _connection(database, timeout=0.3)
    _begin(second)
    # A connection closed in the middle of a transaction gives its turn back.
    second.close()
    third = _connection(database, timeout=0.3)
    _begin(third)
    _commit(third)
    third.close()
    first.close()


def test_a_wait_running_out_as_the_lock_is_handed_over_still_owns_it():
    lock = FairLock()
    assert lock.acquire(timeout=0)
    got = []
    thread = threading.Thread(target=lambda: got.append(lock.acquire(timeout=5)))
    thread.start()
    time.sleep(0.1)
    lock.release()
    thread.join(5)
    assert got == [True]
    assert not lock.acquire(timeout=0.05)  # handed over, so still held
    lock.release()
    assert lock.acquire(timeout=0)
