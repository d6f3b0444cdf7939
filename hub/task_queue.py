"""Queueing background tasks (django-q2) after commit, and not queueing them for the demo.

Services queue their e-mails and notifications once their transaction commits, through
`enqueue_on_commit` (django-q2's `async_task`, same arguments, run by `on_commit`). Inside
`discarding()` nothing is queued: `seed_demo` creates its join requests, invitations and GAF
rounds through the same services as people do, but the demo's addresses are invented, so
none of those e-mails is sent (nor left for the task cluster to work through when the hub
starts). What counts is where the work is done: a task asked for inside the block is
dropped even if its transaction commits after the block.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

_discarding: ContextVar[bool] = ContextVar("hub_task_queue_discarding", default=False)


def enqueue_on_commit(func: str, /, **kwargs) -> None:
    """Queue `func` for the task cluster once the current transaction commits (never for a
    rolled-back change); nothing inside `discarding()`."""
    if _discarding.get():
        return

    def enqueue() -> None:
        from django_q.tasks import async_task

        async_task(func, **kwargs)

    transaction.on_commit(enqueue)


@contextmanager
def discarding() -> Iterator[None]:
    """Tasks asked for inside the block are dropped."""
    token = _discarding.set(True)
    try:
        yield
    finally:
        _discarding.reset(token)
