"""Demo data: the default ISEE scale, the example Fattore Famiglia scale, and canteen and
nursery tariffs for Lissone (Lombard network) and Bruino (CIdiS). The tariffs are
illustrative figures in the shape of real resolutions, not the municipalities' own.

Each of the two canteens also has a draft rule for the reform simulation
(/tariffe/simulazione/, with the sample of 500 households it offers for download): Lissone
splits its four bands into six, gentler at the bottom and steeper at the top; Bruino moves
from bands to a linear tariff. Drafts are never applied by the calculator.
Idempotent: seed_demo may run again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hub.models import Municipality
from tariffs import indicators
from tariffs.models import Scale, ScaleKind, Service, ServiceKind, Status, TariffRule

START = date(2025, 9, 1)

SCALES = [
    (
        "Scala ISEE (DPCM 159/2013)",
        ScaleKind.ISEE,
        indicators.ISEE_SCALE,
        "Scala di equivalenza dell'ISEE, allegato 1 del DPCM 159/2013.",
    ),
    (
        "Fattore Famiglia — scala di esempio",
        ScaleKind.FATTORE_FAMIGLIA,
        indicators.EXAMPLE_FATTORE_FAMIGLIA,
        "Esempio documentato (tariffs/indicators.py): la scala ISEE con 0,10 per figlio e "
        "maggiorazioni più alte per famiglie numerose, bambini piccoli e disabilità.",
    ),
]

# (municipality slug, service kind, name, months a year, rule)
TARIFFS = [
    (
        "lissone",
        ServiceKind.CANTEEN,
        "Refezione scolastica",
        9,
        {
            "method": TariffRule.Method.BANDS,
            "exemption_threshold": Decimal("3000"),
            "bands": [
                {"from": "0", "to": "6000", "price": "35.00"},
                {"from": "6000", "to": "12000", "price": "55.00"},
                {"from": "12000", "to": "20000", "price": "75.00"},
                {"from": "20000", "to": None, "price": "95.00"},
            ],
        },
    ),
    (
        "lissone",
        ServiceKind.NURSERY,
        "Asilo nido comunale",
        11,
        {
            "method": TariffRule.Method.LINEAR,
            "min_price": Decimal("120.00"),
            "max_price": Decimal("520.00"),
            "lower_threshold": Decimal("5000"),
            "upper_threshold": Decimal("30000"),
            "cap": Decimal("480.00"),
        },
    ),
    (
        "bruino",
        ServiceKind.CANTEEN,
        "Mensa scolastica",
        9,
        {
            "method": TariffRule.Method.BANDS,
            "bands": [
                {"from": "0", "to": "5000", "price": "30.00"},
                {"from": "5000", "to": "10000", "price": "50.00"},
                {"from": "10000", "to": "18000", "price": "70.00"},
                {"from": "18000", "to": None, "price": "88.00"},
            ],
        },
    ),
    (
        "bruino",
        ServiceKind.NURSERY,
        "Micronido comunale",
        10,
        {
            "method": TariffRule.Method.LINEAR,
            "exemption_threshold": Decimal("4000"),
            "min_price": Decimal("90.00"),
            "max_price": Decimal("450.00"),
            "lower_threshold": Decimal("6000"),
            "upper_threshold": Decimal("28000"),
        },
    ),
]


DRAFT_START = date(2026, 9, 1)
# (municipality slug, service kind, draft rule)
DRAFTS = [
    (
        "lissone",
        ServiceKind.CANTEEN,
        {
            "method": TariffRule.Method.BANDS,
            "exemption_threshold": Decimal("3000"),
            "bands": [
                {"from": "0", "to": "4000", "price": "25.00"},
                {"from": "4000", "to": "8000", "price": "40.00"},
                {"from": "8000", "to": "12000", "price": "55.00"},
                {"from": "12000", "to": "16000", "price": "70.00"},
                {"from": "16000", "to": "24000", "price": "85.00"},
                {"from": "24000", "to": None, "price": "100.00"},
            ],
        },
    ),
    (
        "bruino",
        ServiceKind.CANTEEN,
        {
            "method": TariffRule.Method.LINEAR,
            "exemption_threshold": Decimal("2500"),
            "min_price": Decimal("25.00"),
            "max_price": Decimal("92.00"),
            "lower_threshold": Decimal("4000"),
            "upper_threshold": Decimal("22000"),
        },
    ),
]


def load(*, admin) -> dict[str, int]:
    scales = 0
    for name, kind, coefficients, notes in SCALES:
        _scale, created = Scale.objects.get_or_create(
            name=name,
            kind=kind,
            municipality=None,
            network=None,
            defaults={
                "valid_from": date(2015, 1, 1),
                "coefficients": coefficients.as_data(),
                "notes": notes,
            },
        )
        scales += created
    rules = 0
    municipalities = Municipality.objects.in_bulk(
        {slug for slug, *_rest in TARIFFS}, field_name="slug"
    )
    for slug, kind, name, months, rule in TARIFFS:
        municipality = municipalities.get(slug)
        if municipality is None:
            continue
        service, _created = Service.objects.get_or_create(
            municipality=municipality,
            kind=kind,
            defaults={"name": name, "months_per_year": months},
        )
        if not service.rules.exists():
            TariffRule(service=service, valid_from=START, **rule).full_clean()
            TariffRule.objects.create(service=service, valid_from=START, **rule)
            rules += 1
    drafts = 0
    for slug, kind, rule in DRAFTS:
        service = Service.objects.filter(municipality__slug=slug, kind=kind).first()
        if service is None or service.rules.filter(status=Status.DRAFT).exists():
            continue
        draft = TariffRule(service=service, valid_from=DRAFT_START, status=Status.DRAFT, **rule)
        draft.full_clean()
        draft.save()
        drafts += 1
    return {"tariff scales": scales, "tariff rules": rules, "draft tariff rules": drafts}
