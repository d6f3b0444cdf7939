"""Factories for the purchase groups, built through the real services where it matters.

`make_group` gives a group with a coordinator family and a pickup point; `make_member`
adds a family (with one adult user); `make_round` creates a round for chosen products and
opens it; `bulk_members` adds many families in a few queries (concurrency tests, bench).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

from gaf import services
from gaf.models import (
    GroupMembership,
    OrderRound,
    PickupPoint,
    Product,
    PurchaseGroup,
    Supplier,
)
from hub.models import Family, FamilyMember, Municipality, Network, User

ROME = ZoneInfo("Europe/Rome")
_counter = count(1)


def rome(year, month, day, hour=0, minute=0, second=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=ROME)


def make_network() -> tuple[Network, Municipality]:
    n = next(_counter)
    network = Network.objects.create(
        name=f"Rete GAF {n}", slug=f"rete-gaf-{n}", kind=Network.Kind.CONSORTIUM
    )
    municipality = Municipality.objects.create(
        name=f"Bruino {n}", slug=f"bruino-{n}", istat_code=f"{800000 + n:06d}", province="TO"
    )
    network.municipalities.add(municipality)
    return network, municipality


def make_family(*, municipality: Municipality, name: str | None = None) -> tuple[Family, User]:
    n = next(_counter)
    user = User.objects.create_user(f"famiglia{n}@example.org", "password-sicura-123")
    family = Family.objects.create(name=name or f"Famiglia {n:04d}", municipality=municipality)
    FamilyMember.objects.create(family=family, user=user)
    return family, user


@dataclass
class GroupSetup:
    group: PurchaseGroup
    network: Network
    municipality: Municipality
    coordinator: User
    coordinator_family: Family
    pickup_point: PickupPoint


def make_group(*, prepaid_mode: bool = False, fund_percent=Decimal("2.00"), policy="fifo"):
    network, municipality = make_network()
    family, user = make_family(municipality=municipality, name="Famiglia Coordinatrice")
    group = services.group_create(
        name=f"GAF {municipality.name}",
        network=network,
        municipality=municipality,
        coordinator_family=family,
        default_fund_percent=fund_percent,
        allocation_policy=policy,
        prepaid_mode=prepaid_mode,
        by=user,
    )
    point = services.pickup_point_create(group=group, name="Oratorio", by=user)
    return GroupSetup(group, network, municipality, user, family, point)


def make_member(setup: GroupSetup, *, name: str | None = None) -> tuple[Family, User]:
    family, user = make_family(municipality=setup.municipality, name=name)
    GroupMembership.objects.create(group=setup.group, family=family)
    return family, user


def bulk_members(setup: GroupSetup, count_: int, *, prefix: str = "Famiglia") -> list[Family]:
    """Many member families in a few queries, each with one adult."""
    start = next(_counter) * 100_000
    users = User.objects.bulk_create(
        User(email=f"bulk{start + i}@example.org", full_name=f"{prefix} {i}") for i in range(count_)
    )
    families = Family.objects.bulk_create(
        Family(name=f"{prefix} {i:04d}", municipality=setup.municipality) for i in range(count_)
    )
    FamilyMember.objects.bulk_create(
        FamilyMember(family=family, user=user) for family, user in zip(families, users, strict=True)
    )
    GroupMembership.objects.bulk_create(
        GroupMembership(group=setup.group, family=family) for family in families
    )
    return families


def make_supplier(setup: GroupSetup, **kwargs) -> Supplier:
    return services.supplier_create(
        network=setup.network,
        name=kwargs.pop("name", f"Cascina {next(_counter)}"),
        email=kwargs.pop("email", "ordini@cascina.example.org"),
        by=setup.coordinator,
        **kwargs,
    )


def make_product(supplier: Supplier, *, by=None, **kwargs) -> Product:
    n = next(_counter)
    values = {
        "code": f"P{n}",
        "name": f"Prodotto {n}",
        "unit": "pz",
        "unit_price": Decimal("2.00"),
        "vat_rate": 4,
    }
    values.update(kwargs)
    return services.product_create(supplier=supplier, by=by, **values)


def make_orchard_catalogue(
    setup: GroupSetup, *, apple_minimum: Decimal = Decimal("0")
) -> tuple[Supplier, Product, Product]:
    """Cascina Roseleto: apples by the half kilo in cases of 6 kg with a tier from 30 kg,
    and eggs by the piece with only 10 available."""
    supplier = make_supplier(setup, name="Cascina Roseleto")
    apples = make_product(
        supplier,
        code="MELE",
        name="Mele renette",
        unit="kg",
        unit_price=Decimal("2.40"),
        case_size=Decimal("6"),
        multiple=Decimal("0.5"),
        min_per_family=apple_minimum,
        tiers=[services.Tier(Decimal("30"), Decimal("2.10"))],
    )
    eggs = make_product(
        supplier,
        code="UOVA",
        name="Uova",
        unit="pz",
        unit_price=Decimal("0.45"),
        max_total=Decimal("10"),
    )
    return supplier, apples, eggs


def make_round(
    setup: GroupSetup,
    supplier: Supplier,
    products,
    *,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    pickup_date: dt.date | None = None,
    open_now: dt.datetime | None = None,
    open_it: bool = True,
    **kwargs,
) -> OrderRound:
    """A round of `products`, opened (at `open_now`, default just after `opens_at`)."""
    opens_at = opens_at or rome(2026, 10, 20, 8)
    closes_at = closes_at or rome(2026, 10, 25, 20)
    round = services.round_create(
        group=setup.group,
        supplier=supplier,
        title=kwargs.pop("title", "Giro di prova"),
        opens_at=opens_at,
        closes_at=closes_at,
        pickup_date=pickup_date or (closes_at + dt.timedelta(days=3)).date(),
        pickup_points=[setup.pickup_point],
        products=products,
        by=setup.coordinator,
        **kwargs,
    )
    if open_it:
        round = services.round_open(
            round=round, by=setup.coordinator, now=open_now or opens_at + dt.timedelta(minutes=1)
        )
    return round
