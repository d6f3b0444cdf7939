"""The psycopg connection pool across fork().

Django keeps one pool per database alias per process, in a class attribute. django-q2's
cluster forks its workers, monitor and pusher from a sentinel process that has already used
the database (the scheduler runs there): a child would inherit the parent's open pool, whose
connections share their sockets with the parent and whose maintenance threads did not survive
the fork. After a fork the child forgets the inherited pools and opens its own on first use.
The inherited pool objects are kept referenced, never closed nor garbage-collected, because
closing them would end the parent's sessions on the shared sockets.
"""

from __future__ import annotations

import os

_inherited: list = []


def forget_inherited_pools() -> None:
    from django.db import connections

    for alias in connections:
        wrapper = connections[alias]
        pools = getattr(type(wrapper), "_connection_pools", None)
        if pools:
            _inherited.extend(pools.values())
            pools.clear()
        if wrapper.settings_dict.get("OPTIONS", {}).get("pool") and wrapper.connection:
            # Checked out of an inherited pool: its socket belongs to the parent too.
            _inherited.append(wrapper.connection)
            wrapper.connection = None


_registered = False


def install_fork_handler() -> None:
    global _registered
    if not _registered and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=forget_inherited_pools)
        _registered = True
