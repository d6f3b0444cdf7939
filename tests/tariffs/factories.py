from datetime import date
from decimal import Decimal

from tariffs.models import ScaleKind, Service, ServiceKind, TariffRule

CANTEEN_BANDS = [
    {"from": "0", "to": "5000", "price": "20.00"},
    {"from": "5000", "to": "15000", "price": "45.00"},
    {"from": "15000", "to": None, "price": "80.00"},
]


def canteen(municipality, *, bands=None, **rule):
    service = Service.objects.create(
        municipality=municipality, kind=ServiceKind.CANTEEN, name="Mensa scolastica"
    )
    TariffRule.objects.create(
        service=service,
        valid_from=date(2020, 1, 1),
        method=TariffRule.Method.BANDS,
        bands=bands or CANTEEN_BANDS,
        **rule,
    )
    return service


def nursery(municipality, **rule):
    service = Service.objects.create(
        municipality=municipality, kind=ServiceKind.NURSERY, name="Asilo nido", months_per_year=11
    )
    values = {
        "min_price": Decimal("100.00"),
        "max_price": Decimal("500.00"),
        "lower_threshold": Decimal("6000"),
        "upper_threshold": Decimal("30000"),
    }
    values.update(rule)
    TariffRule.objects.create(
        service=service, valid_from=date(2020, 1, 1), method=TariffRule.Method.LINEAR, **values
    )
    return service


__all__ = ["ScaleKind", "canteen", "nursery"]
