"""Demo purchase group of the CIdiS network, built through the same services as real ones.

The GAF Bruino (coordinated by the demo GAF referent, referente.gaf@example.org) with the
Rossi (Bruino), Ferrero (Orbassano) and Gallo (Piossasco) families, two local producers
with a catalogue that has cases, half-kilo steps and volume tiers, a past round already
delivered and settled (so the Fondo Solidale has its first contribution), and a round open
now with a few orders. Dates are relative to the day the demo is loaded. Idempotent: when
the group exists, nothing is created.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gaf import services
from gaf.models import GroupMembership, PurchaseGroup, RoundProduct
from gaf.services import LineInput, Tier
from hub.models import Family, FamilyMember, Municipality, Network, User

GROUP_SLUG = "gaf-bruino"
REFERENT_EMAIL = "referente.gaf@example.org"
D = Decimal

SUPPLIERS = [
    {
        "name": "Cascina Roseleto",
        "email": "ordini@cascinaroseleto.example.org",
        "municipality": "piossasco",
        "vat_number": "09876543210",
        "address": "Strada del Roseleto 12, Piossasco",
        "description": "Frutta e verdura di stagione coltivate ai piedi del San Giorgio.",
        "products": [
            # code, name, category, unit, price, VAT, case, multiple, minimum, maximum, tiers
            (
                "MEL-REN",
                "Mele renette",
                "Frutta",
                "kg",
                "2.40",
                4,
                "6",
                "0.5",
                "1",
                None,
                [("30", "2.10")],
            ),
            ("PER-MAD", "Pere madernassa", "Frutta", "kg", "2.80", 4, "6", "0.5", "1", None, []),
            (
                "PAT-GIA",
                "Patate gialle",
                "Verdura",
                "kg",
                "1.20",
                4,
                "10",
                "1",
                "2",
                "200",
                [("50", "1.05")],
            ),
            (
                "UOV-RUS",
                "Uova di galline ruspanti",
                "Uova",
                "pz",
                "0.45",
                10,
                "6",
                "6",
                "6",
                "180",
                [],
            ),
        ],
    },
    {
        "name": "Caseificio Val Sangone",
        "email": "ordini@caseificiovalsangone.example.org",
        "municipality": "volvera",
        "vat_number": "01234567897",
        "address": "Via Airasca 40, Volvera",
        "description": "Tome e formaggi freschi con il latte delle stalle della valle.",
        "products": [
            (
                "TOM-PIE",
                "Toma piemontese",
                "Formaggi",
                "kg",
                "14.90",
                4,
                None,
                "0.5",
                "0.5",
                None,
                [("10", "13.90")],
            ),
            ("RIC-VAC", "Ricotta vaccina", "Formaggi", "pz", "3.20", 4, None, "1", "1", "40", []),
            (
                "MIE-ACA",
                "Miele di acacia (500 g)",
                "Dispensa",
                "pz",
                "7.50",
                10,
                None,
                "1",
                "1",
                None,
                [],
            ),
        ],
    },
]


def _referent() -> tuple[User, Family]:
    """The demo GAF referent, with a household in Bruino (hub.demo creates the user)."""
    user = User.objects.get(email=REFERENT_EMAIL)
    membership = FamilyMember.objects.filter(user=user).select_related("family").first()
    if membership is not None:
        return user, membership.family
    family = Family.objects.create(
        name="Famiglia Referente", municipality=Municipality.objects.get(slug="bruino")
    )
    FamilyMember.objects.create(family=family, user=user)
    return user, family


def _family(email: str) -> tuple[User, Family]:
    membership = FamilyMember.objects.select_related("user", "family").get(user__email=email)
    return membership.user, membership.family


def _rome(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(settings.TIME_ZONE))


@transaction.atomic
def load(*, admin: User) -> dict[str, int]:
    created = {"purchase groups": 0, "order rounds": 0}
    if PurchaseGroup.objects.filter(slug=GROUP_SLUG).exists():
        return created
    network = Network.objects.get(slug="cidis")
    bruino = Municipality.objects.get(slug="bruino")
    referent, referent_family = _referent()
    group = services.group_create(
        name="GAF Bruino",
        network=network,
        municipality=bruino,
        coordinator_family=referent_family,
        description=(
            "Famiglie di Bruino e dei comuni vicini che fanno la spesa insieme dai produttori "
            "della zona: prezzi dedicati, meno imballaggi e una quota per il Fondo Solidale."
        ),
        default_fund_percent=D("2.00"),
        by=referent,
    )
    group.slug = GROUP_SLUG
    group.save(update_fields=["slug"])
    oratory = services.pickup_point_create(
        group=group,
        name="Sala polivalente",
        address="Piazza Municipio 3, Bruino",
        notes="Ingresso dal cortile.",
        by=referent,
    )
    services.pickup_point_create(
        group=group, name="Bottega del Borgo", address="Via Roma 18, Piossasco", by=referent
    )
    families = {}
    for email in (
        "famiglia.rossi@example.org",
        "famiglia.ferrero@example.org",
        "famiglia.gallo@example.org",
    ):
        user, family = _family(email)
        request = services.group_join_request(
            group=group, family=family, message="Vorremmo partecipare ai giri.", by=user
        )
        services.join_request_approve(join_request=request, by=referent)
        families[email] = (user, family)
    gallo_user, gallo = families["famiglia.gallo@example.org"]
    services.membership_set_roles(
        membership=GroupMembership.objects.get(group=group, family=gallo),
        is_coordinator=True,
        is_supplier_referent=True,
        is_treasurer=False,
        by=referent,
    )

    suppliers = []
    for spec in SUPPLIERS:
        supplier = services.supplier_create(
            network=network,
            name=spec["name"],
            email=spec["email"],
            municipality=Municipality.objects.get(slug=spec["municipality"]),
            vat_number=spec["vat_number"],
            address=spec["address"],
            description=spec["description"],
            by=referent,
        )
        for code, name, category, unit, price, vat, case, multiple, minimum, maximum, tiers in spec[
            "products"
        ]:
            services.product_create(
                supplier=supplier,
                code=code,
                name=name,
                category=category,
                unit=unit,
                unit_price=D(price),
                vat_rate=vat,
                case_size=None if case is None else D(case),
                multiple=D(multiple),
                min_per_family=D(minimum),
                max_total=None if maximum is None else D(maximum),
                tiers=[Tier(D(low), D(tier_price)) for low, tier_price in tiers],
                by=referent,
            )
        suppliers.append(supplier)
    orchard, dairy = suppliers

    today = timezone.localdate()
    _past_round(group, dairy, oratory, referent, gallo_user, families, today)
    _open_round(group, orchard, oratory, referent, families, today)
    created["order rounds"] = 2

    for _user, family in families.values():
        services.payment_record(
            group=group,
            family=family,
            amount=D("40.00"),
            method="bank_transfer",
            paid_on=today - dt.timedelta(days=10),
            reference="Ricarica GAF",
            by=referent,
        )
    services.fund_donation_record(
        network=network,
        amount=D("150.00"),
        occurred_on=today - dt.timedelta(days=30),
        description="Raccolta della Festa di primavera",
        group=group,
        by=referent,
    )
    disbursement = services.fund_disbursement_request(
        network=network,
        amount=D("60.00"),
        purpose="Buoni spesa per una famiglia in difficoltà segnalata dai servizi sociali",
        by=referent,
    )
    services.fund_disbursement_approve(disbursement=disbursement, by=referent)
    services.fund_disbursement_approve(disbursement=disbursement, by=gallo_user)
    created["purchase groups"] = 1
    return created


def _basket(round, family, user, quantities, now):
    products = {rp.code: rp for rp in RoundProduct.objects.filter(round=round)}
    services.order_set_quantities(
        round=round,
        family=family,
        lines=[
            LineInput(products[code], D(firm), D(tolerance)) for code, firm, tolerance in quantities
        ],
        by_user=user,
        now=now,
    )


def _past_round(group, supplier, point, referent, gallo_user, families, today):
    """Three weeks ago: ordered, closed, sent, delivered (the toma weighed a bit less), settled."""
    opens_at = _rome(today - dt.timedelta(days=24), 8)
    closes_at = _rome(today - dt.timedelta(days=20), 20)
    round = services.round_create(
        group=group,
        supplier=supplier,
        title="Formaggi del Val Sangone",
        opens_at=opens_at,
        closes_at=closes_at,
        pickup_date=(closes_at + dt.timedelta(days=3)).date(),
        pickup_starts_at=dt.time(17, 30),
        pickup_ends_at=dt.time(19, 0),
        pickup_points=[point],
        products=list(supplier.products.all()),
        by=referent,
    )
    services.round_open(round=round, by=referent, now=opens_at)
    services.shared_cost_add(round=round, label="Trasporto", amount=D("12.00"), by=referent)
    ordering = opens_at + dt.timedelta(days=1)
    baskets = {
        "famiglia.rossi@example.org": [("TOM-PIE", "1.5", "0"), ("RIC-VAC", "2", "0")],
        "famiglia.ferrero@example.org": [("TOM-PIE", "1", "0"), ("MIE-ACA", "1", "0")],
        "famiglia.gallo@example.org": [("TOM-PIE", "2", "0"), ("RIC-VAC", "1", "0")],
    }
    for email, quantities in baskets.items():
        user, family = families[email]
        _basket(round, family, user, quantities, ordering)
    after = closes_at + dt.timedelta(seconds=1)
    services.round_close(round=round, by=None, now=after)
    services.round_send_to_supplier(round=round, by=referent, now=after)
    rossi = families["famiglia.rossi@example.org"][1]
    toma = round.orders.get(family=rossi).lines.get(round_product__code="TOM-PIE")
    services.delivery_record(
        round=round,
        quantities={toma.pk: D("1.42")},
        by=gallo_user,
        now=closes_at + dt.timedelta(days=3),
    )
    services.round_settle(round=round, by=referent, now=closes_at + dt.timedelta(days=4))


def _open_round(group, supplier, point, referent, families, today):
    """Open now, closing in five days at 20:00, with the first orders in."""
    opens_at = _rome(today - dt.timedelta(days=1), 8)
    closes_at = _rome(today + dt.timedelta(days=5), 20)
    round = services.round_create(
        group=group,
        supplier=supplier,
        title="Frutta e verdura d'autunno",
        notes="Le mele si ordinano a mezzo chilo; la tolleranza aiuta a completare le casse.",
        opens_at=opens_at,
        closes_at=closes_at,
        pickup_date=(closes_at + dt.timedelta(days=3)).date(),
        pickup_starts_at=dt.time(17, 0),
        pickup_ends_at=dt.time(19, 0),
        pickup_points=list(group.pickup_points.all()),
        products=list(supplier.products.all()),
        by=referent,
    )
    now = timezone.now()
    services.round_open(round=round, by=referent, now=now)
    baskets = {
        "famiglia.rossi@example.org": [("MEL-REN", "4", "1"), ("UOV-RUS", "12", "0")],
        "famiglia.ferrero@example.org": [("MEL-REN", "3.5", "0"), ("PAT-GIA", "5", "0")],
        "famiglia.gallo@example.org": [
            ("MEL-REN", "2", "2"),
            ("PER-MAD", "3", "1.5"),
            ("PAT-GIA", "10", "0"),
        ],
    }
    for email, quantities in baskets.items():
        user, family = families[email]
        _basket(round, family, user, quantities, max(now, opens_at))
    return round
