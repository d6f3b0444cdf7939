"""Seed a table with a proposal to co-edit, for the multi-process test and bench/coedit.py.

Run against any settings: `python -m tests.integration.seed_coedit`. Prints one JSON line:
the proposal's socket path and a signed-in session key for each of its three writers (the
author, a co-author and the coordinator).
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402

from tests.integration.seed_round import signed_in_session  # noqa: E402
from tests.tables.coedit_world import make_world, proposal_path  # noqa: E402


@transaction.atomic
def seed() -> dict:
    world = make_world(body="Una ludoteca diffusa nei sei comuni.")
    writers = [world.author, world.coauthor, world.coordinator]
    return {
        "path": proposal_path(world.proposal),
        "proposal": world.proposal.pk,
        "sessions": [signed_in_session(user) for user in writers],
    }


if __name__ == "__main__":
    print(json.dumps(seed()))
