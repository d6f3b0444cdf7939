"""Seed the card verification benchmark: `python -m bench.card_verify_seed` against any
settings. Prints one JSON line: a card's QR token, a signed-in session of a shop operator,
the operator's API token and the shop's outlet."""

from __future__ import annotations

import json
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402
from wagtail.models import APIToken  # noqa: E402

from carta import services  # noqa: E402
from carta.models import Outlet, Shop, ShopOperator  # noqa: E402
from hub.models import Child, Family, FamilyMember, Municipality, Network, User  # noqa: E402
from tests.integration.seed_round import signed_in_session  # noqa: E402


@transaction.atomic
def seed() -> dict:
    """A CIdiS-like network, a family with a card, an approved shop and its operator."""
    network = Network.objects.create(name="CIdiS", slug="cidis-bench", kind="consortium")
    bruino, _ = Municipality.objects.get_or_create(
        istat_code="001038", defaults={"name": "Bruino", "slug": "bruino", "province": "TO"}
    )
    network.municipalities.add(bruino)
    parent = User.objects.create_user(email="famiglia@bench.example.org", password=None)
    family = Family.objects.create(name="Famiglia Rossi", municipality=bruino)
    FamilyMember.objects.create(family=family, user=parent)
    Child.objects.create(family=family, birth_year=2018)
    card = services.card_request(family=family)
    shop = Shop.objects.create(
        network=network, business_name="Cartoleria", vat_number="01234567897", status="approved"
    )
    outlet = Outlet.objects.create(
        shop=shop, name="Centro", address="Via Roma 1", municipality=bruino
    )
    operator = User.objects.create_user(email="negozio@bench.example.org", password=None)
    ShopOperator.objects.create(shop=shop, user=operator)
    _token, plaintext = APIToken.create_token(user=operator, name="bench")
    return {
        "token": services.token_of(card),
        "session": signed_in_session(operator),
        "api_token": plaintext,
        "outlet": outlet.pk,
    }


if __name__ == "__main__":
    print(json.dumps(seed()))
