"""Django's SQLite backend, with one queue for the writers of a process.

With transaction_mode IMMEDIATE every transaction takes SQLite's write lock at BEGIN and a
writer that finds it taken waits in SQLite's busy handler: it sleeps and tries again, every
100 ms once it has waited a while, and gets it only if it happens to be free at that moment.
With several threads writing at once (Daphne's request threads, the co-editing writer) the
lock is almost never free when a sleeper looks, so one request can wait out the whole
timeout ("database is locked") while others come and go. Here the threads of a process take
a first-come, first-served turn before BEGIN; SQLite's busy handler is left to arbitrate
between processes only (the web server and the task cluster), where writers are few.

The turn is held from BEGIN to COMMIT or ROLLBACK (or until the connection closes), and is
waited for as long as the database's "timeout" option says; past it the writer fails as
SQLite would have, with "database is locked".
"""

from __future__ import annotations

import threading
from collections import deque

from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError


class FairLock:
    """A lock handed over to its waiters in the order they asked for it."""

    def __init__(self):
        self._mutex = threading.Lock()
        self._held = False
        self._waiters: deque[threading.Lock] = deque()

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        if turn.acquire(timeout=timeout):
            return True  # handed over by release()
        with self._mutex:
            try:
                self._waiters.remove(turn)
            except ValueError:
                return True  # handed over as the wait ran out: ours all the same
            return False

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()  # still held, by the next in line
            else:
                self._held = False


_locks: dict[str, FairLock] = {}
_locks_mutex = threading.Lock()


def writers_lock(name) -> FairLock:
    """The queue of the writers to one database file, shared by the process's connections."""
    with _locks_mutex:
        return _locks.setdefault(str(name), FairLock())


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_turn: FairLock | None = None

    def _start_transaction_under_autocommit(self):
        lock = writers_lock(self.settings_dict["NAME"])
        timeout = self.settings_dict["OPTIONS"].get("timeout", 5)
        if not lock.acquire(timeout=timeout):
            raise OperationalError("database is locked")
        self._writer_turn = lock
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._end_turn()
            raise

    def _end_turn(self):
        lock, self._writer_turn = self._writer_turn, None
        if lock is not None:
            lock.release()

    def _commit(self):
        super()._commit()
        self._end_turn()

    def _rollback(self):
        try:
            super()._rollback()
        finally:
            self._end_turn()

    def _close(self):
        try:
            super()._close()
        finally:
            self._end_turn()
