"""Threads of a test on a file copy of the in-memory SQLite test database.

The in-memory test database is shared-cache, whose table locks fail at once ("database
table is locked") instead of waiting for the busy timeout; a file, with the project's own
options (IMMEDIATE transactions, timeout, WAL), is what the hub runs on. Tests in which
several threads use the database at once (a race of writers, the co-editing writer thread
beside the consumers' database thread) point new connections at a copy in a file.

Connections share their settings dict with `connections.settings`, so changing its NAME
moves every connection opened afterwards; a connection already open must be closed first
(Django ignores `close()` on an in-memory database, so that is done while NAME is the file).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.db import connection, connections

# In memory all the same where the machine has it (tmpfs): a file's locking, without the
# disk's latency, which on a busy CI machine made a first write take longer than the
# co-editing tests wait for quiet.
SHARED_MEMORY = Path("/dev/shm")


@contextmanager
def file_dir(tmp_path):
    """A directory for the copy: in /dev/shm when there is one, else `tmp_path`."""
    if SHARED_MEMORY.is_dir() and os.access(SHARED_MEMORY, os.W_OK):
        directory = Path(tempfile.mkdtemp(prefix="hub-test-", dir=SHARED_MEMORY))
        try:
            yield directory
        finally:
            shutil.rmtree(directory, ignore_errors=True)
    else:
        yield tmp_path


def copy_to(path) -> None:
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()


@contextmanager
def _connections_opening(path):
    """New connections open `path` until the block ends."""
    settings_dict = connections.settings["default"]
    in_memory = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    try:
        yield path
    finally:
        settings_dict["NAME"] = in_memory


@contextmanager
def threads_use_a_file_copy(tmp_path, name: str = "hub.sqlite3"):
    """For a sync test: new connections open a file copy (with the test data so far)."""
    with file_dir(tmp_path) as directory:
        copy_to(directory / name)
        with _connections_opening(directory / name) as path:
            yield path


@pytest.fixture
async def threads_on_a_sqlite_file(tmp_path):
    """For an async test on SQLite: its database threads (asgiref's, and the co-editing
    writer's) work on a file copy. On PostgreSQL it does nothing."""
    from tables.coedit import rooms

    if connections.settings["default"]["ENGINE"] != "hub.sqlite_backend":
        yield None
        return
    with file_dir(tmp_path) as directory:
        await sync_to_async(copy_to)(directory / "hub.sqlite3")
        with _connections_opening(directory / "hub.sqlite3") as path:
            try:
                # Connections still open on the in-memory database are closed for real now.
                await sync_to_async(connections.close_all)()
                await rooms.release_writer()
                yield path
            finally:
                await sync_to_async(connections.close_all)()
                await rooms.release_writer()
