"""Seed an open GAF round with N member families, for the drills and the burst benchmark.

Run against any settings (DEBUG off included): `python -m tests.integration.seed_round
--families 8`. Builds through the real services (tests/gaf/factories.py) and prints one JSON
line: the round, its two products, the group's slug and the chat rooms of the group and of
the round, and per family its id, its person's id and name, an API token (verified address)
and a signed-in session key for the WebSockets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

import django

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from gaf.models import ChatRoom, RoundProduct  # noqa: E402
from gaf.selectors.chat import person_name  # noqa: E402
from hub import services as hub_services  # noqa: E402
from tests.gaf.factories import (  # noqa: E402
    make_group,
    make_member,
    make_product,
    make_round,
    make_supplier,
)


def signed_in_session(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


@transaction.atomic
def seed(families: int) -> dict:
    now = timezone.now()
    setup = make_group()
    supplier = make_supplier(setup, name="Cascina della prova")
    products = [make_product(supplier, name=name) for name in ("Farina", "Passata")]
    round = make_round(
        setup,
        supplier,
        products,
        title="Giro della prova",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=2),
        open_now=now,
    )
    members = []
    for index in range(families):
        family, user = make_member(setup, name=f"Famiglia della prova {index:03d}")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        _token, secret = hub_services.api_token_create(user=user, name="prova")
        members.append(
            {
                "family": family.pk,
                "user": user.pk,
                "name": person_name(user=user),
                "token": secret,
                "session": signed_in_session(user),
            }
        )
    round_products = list(
        RoundProduct.objects.filter(round=round).order_by("pk").values_list("pk", flat=True)
    )
    return {
        "round": round.pk,
        "round_products": round_products,
        "group_slug": setup.group.slug,
        "group_room": ChatRoom.objects.get(group=setup.group, round__isnull=True).pk,
        "round_room": ChatRoom.objects.get(round=round).pk,
        "families": members,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=8)
    arguments = parser.parse_args()
    print(json.dumps(seed(arguments.families)))


if __name__ == "__main__":
    main()
