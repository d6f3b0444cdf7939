"""Demo data of the Carta Famiglia (seed_demo): a card for each demo family that is eligible,
issued through the same service as a family's request; a network rule for the Lombard
network (shops see the number of minor children); one approved shop in Orbassano with an
outlet, a 10 % offer (the "Amico della famiglia" badge) and a demo operator,
negozio@example.org (the demo password). Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.utils import timezone

from carta import offer_services, services
from carta.models import CardRule, Category, Outlet, Shop, ShopOperator
from hub.models import Family, Municipality, Network, User

SHOP_OPERATOR_EMAIL = "negozio@example.org"


def load(*, admin) -> dict[str, int]:
    created = {"card rules": 0, "cards": 0, "shops": 0}
    lombard = Network.objects.filter(slug="rete-lombarda").first()
    if lombard is not None:
        _rule, was_created = CardRule.objects.get_or_create(
            network=lombard, defaults={"show_minor_children": True}
        )
        created["card rules"] += was_created

    families = Family.objects.filter(card__isnull=True).select_related("municipality")
    for family in families:
        try:
            services.card_request(family=family)
        except services.CardError:
            continue  # not eligible (e.g. only adult children)
        created["cards"] += 1

    cidis = Network.objects.filter(slug="cidis").first()
    orbassano = Municipality.objects.filter(slug="orbassano").first()
    if cidis is None or orbassano is None:
        return created
    shop, was_created = Shop.objects.get_or_create(
        network=cidis,
        vat_number="01234567897",
        defaults={
            "business_name": "Cartoleria Il Quaderno",
            "status": Shop.Status.APPROVED,
            "description": "Quaderni, zaini, libri per ragazzi e fotocopie vicino alle scuole.",
            "contact_email": SHOP_OPERATOR_EMAIL,
            "public_email": "info.quaderno@example.org",
            "phone": "011 9000000",
        },
    )
    created["shops"] += was_created
    if was_created:
        shop.categories.set(Category.objects.filter(slug="libri-cartoleria"))
        Outlet.objects.create(
            shop=shop, name="Negozio di via Roma", address="Via Roma 12", municipality=orbassano
        )
    operator, _ = User.objects.get_or_create(
        email=SHOP_OPERATOR_EMAIL,
        defaults={"full_name": "Franca Negozio", "password": admin.password},
    )
    EmailAddress.objects.get_or_create(
        user=operator, email=SHOP_OPERATOR_EMAIL, defaults={"verified": True, "primary": True}
    )
    ShopOperator.objects.get_or_create(shop=shop, user=operator)
    if was_created:
        today = timezone.localdate()
        offer_services.offer_save(
            shop=shop,
            data=offer_services.OfferData(
                title="Materiale scolastico",
                kind="percentage",
                value=Decimal("10"),
                starts_on=today,
                ends_on=today + dt.timedelta(days=180),
                conditions="Su quaderni, zaini e astucci; non cumulabile con altre promozioni.",
                outlets=tuple(shop.outlets.all()),
                categories=tuple(Category.objects.filter(slug="libri-cartoleria")),
            ),
        )
    return created
