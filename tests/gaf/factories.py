"""factory_boy factories for the purchase groups, built through the real services where
it matters (a group, its pickup points, suppliers, products and rounds are created by
gaf.services, so their rules and side effects are the real ones).

The `make_*` helpers are the tests' short names for them: `make_group` gives a group with
a coordinator family and a pickup point; `make_member` adds a family (with one adult
user); `make_round` creates a round for chosen products and opens it; `bulk_members` adds
many families in a few queries (concurrency tests, bench).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

import factory

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
from tests.hub.factories import FamilyFactory, MunicipalityFactory, NetworkFactory, UserFactory

ROME = ZoneInfo("Europe/Rome")
_bulk_counter = count(1)


def rome(year, month, day, hour=0, minute=0, second=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=ROME)


class GafNetworkFactory(NetworkFactory):
    name = factory.Sequence(lambda n: f"Rete GAF {n}")
    slug = factory.Sequence(lambda n: f"rete-gaf-{n}")
    kind = Network.Kind.CONSORTIUM


class GafMunicipalityFactory(MunicipalityFactory):
    name = factory.Sequence(lambda n: f"Bruino {n}")
    slug = factory.Sequence(lambda n: f"bruino-{n}")
    istat_code = factory.Sequence(lambda n: f"{800000 + n:06d}")


class AdultFactory(UserFactory):
    """The adult of a family: no name, only the e-mail."""

    class Meta:
        django_get_or_create = ()

    email = factory.Sequence(lambda n: f"famiglia{n}@example.org")
    full_name = ""


class GafFamilyFactory(FamilyFactory):
    """A family with one adult."""

    class Meta:
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Famiglia {n:04d}")
    adult = factory.RelatedFactory(
        "tests.gaf.factories.FamilyMemberFactory", factory_related_name="family"
    )


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyMember

    family = factory.SubFactory(GafFamilyFactory, adult=None)
    user = factory.SubFactory(AdultFactory)


class _ServiceFactory(factory.Factory):
    """A factory whose `create` calls a service with its declarations as arguments."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cls.service(**kwargs)


class PurchaseGroupFactory(_ServiceFactory):
    """A group created by its coordinator family (gaf.services.group_create)."""

    class Meta:
        model = PurchaseGroup

    network = factory.SubFactory(GafNetworkFactory)
    municipality = factory.SubFactory(GafMunicipalityFactory)
    name = factory.LazyAttribute(lambda o: f"GAF {o.municipality.name}")
    coordinator_family = None
    default_fund_percent = Decimal("2.00")
    allocation_policy = "fifo"
    prepaid_mode = False
    by = None
    service = staticmethod(services.group_create)


class PickupPointFactory(_ServiceFactory):
    class Meta:
        model = PickupPoint

    name = "Oratorio"
    service = staticmethod(services.pickup_point_create)


class SupplierFactory(_ServiceFactory):
    class Meta:
        model = Supplier

    name = factory.Sequence(lambda n: f"Cascina {n}")
    email = "ordini@cascina.example.org"
    service = staticmethod(services.supplier_create)


class ProductFactory(_ServiceFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"P{n}")
    name = factory.Sequence(lambda n: f"Prodotto {n}")
    unit = "pz"
    unit_price = Decimal("2.00")
    vat_rate = 4
    by = None
    service = staticmethod(services.product_create)


class RoundFactory(_ServiceFactory):
    """A draft round (gaf.services.round_create); `make_round` also opens it."""

    class Meta:
        model = OrderRound

    title = "Giro di prova"
    opens_at = factory.LazyFunction(lambda: rome(2026, 10, 20, 8))
    closes_at = factory.LazyFunction(lambda: rome(2026, 10, 25, 20))
    pickup_date = factory.LazyAttribute(lambda o: (o.closes_at + dt.timedelta(days=3)).date())
    service = staticmethod(services.round_create)


# --- The tests' short names -----------------------------------------------------------------


def make_network() -> tuple[Network, Municipality]:
    network = GafNetworkFactory()
    municipality = GafMunicipalityFactory()
    network.municipalities.add(municipality)
    return network, municipality


def make_family(*, municipality: Municipality, name: str | None = None) -> tuple[Family, User]:
    user = AdultFactory()
    extra = {} if name is None else {"name": name}
    return GafFamilyFactory(municipality=municipality, adult__user=user, **extra), user


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
    group = PurchaseGroupFactory(
        network=network,
        municipality=municipality,
        coordinator_family=family,
        default_fund_percent=fund_percent,
        allocation_policy=policy,
        prepaid_mode=prepaid_mode,
        by=user,
    )
    point = PickupPointFactory(group=group, by=user)
    return GroupSetup(group, network, municipality, user, family, point)


def make_member(setup: GroupSetup, *, name: str | None = None) -> tuple[Family, User]:
    family, user = make_family(municipality=setup.municipality, name=name)
    GroupMembership.objects.create(group=setup.group, family=family)
    return family, user


def bulk_members(setup: GroupSetup, count_: int, *, prefix: str = "Famiglia") -> list[Family]:
    """Many member families in a few queries, each with one adult."""
    start = next(_bulk_counter) * 100_000
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
    return SupplierFactory(network=setup.network, by=setup.coordinator, **kwargs)


def make_product(supplier: Supplier, *, by=None, **kwargs) -> Product:
    return ProductFactory(supplier=supplier, by=by, **kwargs)


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
    open_now: dt.datetime | None = None,
    open_it: bool = True,
    **kwargs,
) -> OrderRound:
    """A round of `products`, opened (at `open_now`, default just after `opens_at`)."""
    kwargs = {name: value for name, value in kwargs.items() if value is not None}
    round = RoundFactory(
        group=setup.group,
        supplier=supplier,
        pickup_points=[setup.pickup_point],
        products=products,
        by=setup.coordinator,
        **kwargs,
    )
    if open_it:
        round = services.round_open(
            round=round,
            by=setup.coordinator,
            now=open_now or round.opens_at + dt.timedelta(minutes=1),
        )
    return round
