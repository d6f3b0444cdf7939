"""Test data of the Carta Famiglia: a network with its municipality, families, shops."""

from __future__ import annotations

import datetime as dt
import itertools

from carta import services
from carta.models import CardRule, Outlet, Shop, ShopOperator
from hub.models import Network
from tests.hub.factories import MunicipalityFactory, NetworkFactory, UserFactory, make_family

TODAY = dt.date(2026, 12, 6)
_vat_numbers = itertools.count(1)


def network_with_town(**rule) -> tuple[Network, object]:
    network = NetworkFactory()
    town = MunicipalityFactory()
    network.municipalities.add(town)
    if rule:
        CardRule.objects.create(network=network, **rule)
    return network, town


def family_in(town, *, birth_years=(2018,), email=None):
    user = UserFactory(**({"email": email} if email else {}))
    return user, make_family(user=user, municipality=town, birth_years=birth_years)


def card_for(family, *, today=TODAY):
    return services.card_request(family=family, today=today)


def shop_in(network, town, *, operator=None, approved=True):
    serial = next(_vat_numbers)
    shop = Shop.objects.create(
        network=network,
        business_name=f"Negozio numero {serial}",
        vat_number=f"{serial:011d}",
        status=Shop.Status.APPROVED if approved else Shop.Status.PENDING,
    )
    outlet = Outlet.objects.create(
        shop=shop, name="Centro", address="Via Roma 1", municipality=town
    )
    operator = operator or UserFactory()
    ShopOperator.objects.create(shop=shop, user=operator)
    return shop, outlet, operator
