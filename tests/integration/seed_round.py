"""Seed an open GAF round with N member families, for the drills and the benchmarks.

Run against any settings (DEBUG off included): `python -m tests.integration.seed_round
--families 8`. Builds through the real services (tests/gaf/factories.py) and prints one JSON
line: the round, its products, the group's slug and the chat rooms of the group and of the
round, and per family its id, its person's id and name, an API token (verified address) and
a signed-in session key for the WebSockets.

By default the round has two products and no orders. `--products N` adds products sold by
the case, by the half kilo, with a volume discount (bench/round_fanout.py); `--ordered` has
every family order some of them first (their broadcasts dropped: nobody listens yet).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

# The seeded people never sign in with a password (each gets a session and an API token):
# a fast hasher spares each of them the production hasher's deliberate second of work.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

from allauth.account.models import EmailAddress  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from gaf import services  # noqa: E402
from gaf.models import ChatRoom, RoundProduct  # noqa: E402
from gaf.selectors.chat import person_name  # noqa: E402
from gaf.services import Tier  # noqa: E402
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
def seed(families: int, *, products_count: int = 2, ordered: bool = False) -> dict:
    now = timezone.now()
    setup = make_group()
    supplier = make_supplier(setup, name="Cascina della prova")
    products = [make_product(supplier, name=name) for name in ("Farina", "Passata")]
    products += [
        make_product(
            supplier,
            name=f"Mele {index:02d}",
            unit="kg",
            unit_price=Decimal("2.40"),
            case_size=Decimal("6"),
            multiple=Decimal("0.5"),
            tiers=[Tier(Decimal("30"), Decimal("2.10")), Tier(Decimal("60"), Decimal("1.95"))],
        )
        for index in range(max(products_count - 2, 0))
    ]
    round = make_round(
        setup,
        supplier,
        products,
        title="Giro della prova",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=2),
        open_now=now,
    )
    members, families_made = [], []
    for index in range(families):
        family, user = make_member(setup, name=f"Famiglia della prova {index:03d}")
        families_made.append((family, user))
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
    if ordered:
        multiples = dict(RoundProduct.objects.filter(round=round).values_list("pk", "multiple"))
        for index, (family, user) in enumerate(families_made):
            picked = dict.fromkeys(
                round_products[(index + step) % len(round_products)] for step in range(3)
            )
            services.order_set_quantities(
                round=round,
                family=family,
                lines=[services.LineInput(pk, multiples[pk] * 3) for pk in picked],
                by_user=user,
                now=now,
            )
        # The live pages' state after each order: nobody listens yet.
        transaction.get_connection().run_on_commit.clear()
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
    parser.add_argument("--products", type=int, default=2)
    parser.add_argument("--ordered", action="store_true")
    arguments = parser.parse_args()
    print(
        json.dumps(
            seed(arguments.families, products_count=arguments.products, ordered=arguments.ordered)
        )
    )


if __name__ == "__main__":
    main()
