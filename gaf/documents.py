"""The documents of a closed order round, as plain data.

The round's close (gaf.services / gaf.selectors) produces these values from the database;
gaf.exports renders them as CSV, JSON and PDF without touching the database. Every amount
is a Decimal in euro with two places, VAT included (Italian retail prices).

The invariant the tests hold: the sum of all family slips' `total` equals the supplier
order's `total` + the Fondo Solidale total + the shared costs' total, to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class SupplierOrderLine:
    product_code: str
    product_name: str
    unit: str  # "kg", "l", "pz"
    quantity: Decimal  # ordered (or delivered, once recorded)
    cases: int | None  # None for products not sold by the case
    unit_price: Decimal  # the tier price applied, VAT included
    vat_rate: Decimal  # percent: 4, 5, 10, 22
    total: Decimal


@dataclass(frozen=True)
class VatSummaryLine:
    rate: Decimal
    base: Decimal
    vat: Decimal
    gross: Decimal


@dataclass(frozen=True)
class SupplierOrder:
    round_id: int
    round_title: str
    group_name: str
    supplier_name: str
    supplier_email: str
    closes_at: datetime
    pickup_date: date
    lines: tuple[SupplierOrderLine, ...]
    vat: tuple[VatSummaryLine, ...]
    total: Decimal


@dataclass(frozen=True)
class SlipLine:
    product_name: str
    unit: str
    quantity: Decimal  # allocated, or delivered once recorded
    unit_price: Decimal
    total: Decimal


@dataclass(frozen=True)
class FamilySlip:
    family_id: int
    family_name: str
    pickup_point: str
    lines: tuple[SlipLine, ...]
    goods_total: Decimal
    fund_share: Decimal
    shared_costs: Decimal
    total: Decimal  # goods_total + fund_share + shared_costs


@dataclass(frozen=True)
class RoundDocuments:
    supplier_order: SupplierOrder
    slips: tuple[FamilySlip, ...]  # ordered by pickup point, then family name
    fund_total: Decimal
    shared_costs_total: Decimal
