"""Writes for the network's suppliers and their products (with volume tiers).

The catalogue can always change: rounds copy a product's terms when they open
(RoundProduct), so a change reaches only drafts and rounds opened afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import formats
from django.utils.text import slugify
from django.utils.translation import gettext as _

from gaf import units
from gaf.models import Product, ProductPriceTier, Supplier, Unit, VatRate
from gaf.rounds import is_multiple
from hub.models import Municipality, Network

SUPPLIER_FIELDS = (
    "name",
    "email",
    "municipality",
    "phone",
    "vat_number",
    "address",
    "description",
    "is_active",
)
PRODUCT_FIELDS = (
    "code",
    "name",
    "category",
    "description",
    "unit",
    "unit_price",
    "vat_rate",
    "case_size",
    "min_per_family",
    "multiple",
    "max_total",
    "unit_weight_kg",
    "is_available",
)
DECIMAL_FIELDS = (
    "unit_price",
    "case_size",
    "min_per_family",
    "multiple",
    "max_total",
    "unit_weight_kg",
)


@dataclass(frozen=True)
class Tier:
    """A volume discount: from `min_quantity` pooled, `unit_price` for everyone."""

    min_quantity: Decimal
    unit_price: Decimal


# --- Suppliers ------------------------------------------------------------------------------


def _unique_supplier_slug(name: str) -> str:
    base = slugify(name)[:140] or "fornitore"
    slug, counter = base, 2
    while Supplier.objects.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug


def _clean_supplier(values: dict) -> dict:
    errors = {}
    if "name" in values:
        values["name"] = values["name"].strip()
        if not values["name"]:
            errors["name"] = _("Indica il nome del fornitore.")
    if "email" in values:
        values["email"] = values["email"].strip().lower()
        try:
            validate_email(values["email"])
        except ValidationError:
            errors["email"] = _("Indica un indirizzo e-mail valido: gli ordini vengono inviati lì.")
    for field in ("phone", "vat_number", "address", "description"):
        if field in values:
            values[field] = values[field].strip()
    if values.get("vat_number") and not (
        values["vat_number"].isdigit() and len(values["vat_number"]) == 11
    ):
        errors["vat_number"] = _("La partita IVA è composta da 11 cifre.")
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def supplier_create(
    *,
    network: Network,
    name: str,
    email: str,
    municipality: Municipality | None = None,
    phone: str = "",
    vat_number: str = "",
    address: str = "",
    description: str = "",
    by,
) -> Supplier:
    values = _clean_supplier(
        {
            "name": name,
            "email": email,
            "phone": phone,
            "vat_number": vat_number,
            "address": address,
            "description": description,
        }
    )
    return Supplier.objects.create(
        network=network,
        municipality=municipality,
        slug=_unique_supplier_slug(values["name"]),
        **values,
    )


@transaction.atomic
def supplier_update(*, supplier: Supplier, by, **changes) -> Supplier:
    """Change some of SUPPLIER_FIELDS."""
    unknown = set(changes) - set(SUPPLIER_FIELDS)
    if unknown:
        raise TypeError(f"supplier_update: unknown fields {sorted(unknown)}")
    values = _clean_supplier(dict(changes))
    for field, value in values.items():
        setattr(supplier, field, value)
    if values:
        supplier.save(update_fields=list(values))
    return supplier


# --- Products -------------------------------------------------------------------------------


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise TypeError("use Decimal or str for quantities and prices, not float")
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def product_errors(values: dict, tiers: Iterable[Tier] = ()) -> dict[str, str]:
    """What is wrong with a product's terms, field by field (empty: nothing).

    Pure (no database), so the price-list import reports every row's errors the same way.
    `values` holds PRODUCT_FIELDS; numbers may be Decimal, int or text ("2,10").
    """
    errors: dict[str, str] = {}
    numbers: dict[str, Decimal | None] = {}
    for field in DECIMAL_FIELDS:
        if field not in values:
            continue
        try:
            numbers[field] = _decimal(values[field])
        except ValueError:
            errors[field] = _("«%(value)s» non è un numero.") % {"value": values[field]}
    if "code" in values and not str(values["code"]).strip():
        errors["code"] = _("Indica il codice del prodotto.")
    if "name" in values and not str(values["name"]).strip():
        errors["name"] = _("Indica il nome del prodotto.")
    if "unit" in values and values["unit"] not in Unit.values:
        errors["unit"] = _("Unità sconosciuta «%(value)s»: usa una di queste: %(units)s.") % {
            "value": values["unit"],
            "units": units.codes_text(),
        }
    if "vat_rate" in values:
        try:
            rate = int(Decimal(str(values["vat_rate"]).strip().rstrip("%").replace(",", ".")))
        except (InvalidOperation, ValueError):
            rate = None
        if rate not in VatRate.values:
            errors["vat_rate"] = _("Aliquota IVA «%(value)s» non valida: usa 4, 5, 10 o 22.") % {
                "value": values["vat_rate"]
            }
    if "unit_price" in numbers and "unit_price" not in errors:
        price = numbers["unit_price"]
        if price is None:
            errors["unit_price"] = _("Indica il prezzo.")
        elif price < 0:
            errors["unit_price"] = _("Il prezzo non può essere negativo.")
        elif price != price.quantize(Decimal("0.0001")):
            errors["unit_price"] = _("Il prezzo ha al massimo 4 decimali.")
    multiple = numbers.get("multiple")
    if "multiple" in numbers and "multiple" not in errors and (multiple is None or multiple <= 0):
        errors["multiple"] = _("Il multiplo deve essere maggiore di zero.")
    step = multiple if multiple is not None and multiple > 0 else None
    for field, label in (
        ("case_size", _("La dimensione del collo")),
        ("min_per_family", _("Il minimo per famiglia")),
    ):
        value = numbers.get(field)
        if field in errors or value is None:
            continue
        if value < 0 or (field == "case_size" and value == 0):
            errors[field] = _("%(label)s deve essere maggiore di zero.") % {"label": label}
        elif step is not None and not is_multiple(value, step):
            errors[field] = _("%(label)s deve essere un multiplo di %(multiple)s.") % {
                "label": label,
                "multiple": formats.number_format(step.normalize(), use_l10n=True),
            }
    max_total = numbers.get("max_total")
    if "max_total" not in errors and max_total is not None and max_total <= 0:
        errors["max_total"] = _("La disponibilità massima deve essere maggiore di zero.")
    weight = numbers.get("unit_weight_kg")
    if "unit_weight_kg" not in errors and weight is not None and weight < 0:
        errors["unit_weight_kg"] = _("Il peso non può essere negativo.")
    for field in ("case_size", "min_per_family", "multiple", "max_total", "unit_weight_kg"):
        value = numbers.get(field)
        if field not in errors and value is not None and value != value.quantize(Decimal("0.001")):
            errors[field] = _("Le quantità hanno al massimo 3 decimali.")
    tier_errors = _tier_errors(list(tiers))
    if tier_errors:
        errors["tiers"] = tier_errors
    return errors


def _tier_errors(tiers: list[Tier]) -> str:
    thresholds = [tier.min_quantity for tier in tiers]
    if any(t.min_quantity is None or t.min_quantity <= 0 for t in tiers):
        return _("La soglia di uno scaglione deve essere maggiore di zero.")
    if any(t.unit_price is None or t.unit_price < 0 for t in tiers):
        return _("Il prezzo di uno scaglione non può essere negativo.")
    if len(set(thresholds)) != len(thresholds):
        return _("Due scaglioni di prezzo hanno la stessa soglia.")
    return ""


def _normalise(values: dict) -> dict:
    for field in DECIMAL_FIELDS:
        if field in values:
            values[field] = _decimal(values[field])
    if "vat_rate" in values:
        values["vat_rate"] = int(
            Decimal(str(values["vat_rate"]).strip().rstrip("%").replace(",", "."))
        )
    for field in ("code", "name", "category", "description"):
        if field in values:
            values[field] = str(values[field]).strip()
    if values.get("min_per_family", Decimal(0)) is None:
        values["min_per_family"] = Decimal(0)
    return values


def _set_tiers(product: Product, tiers: Iterable[Tier]) -> None:
    product.price_tiers.all().delete()
    ProductPriceTier.objects.bulk_create(
        ProductPriceTier(
            product=product,
            min_quantity=_decimal(tier.min_quantity),
            unit_price=_decimal(tier.unit_price),
        )
        for tier in tiers
    )


@transaction.atomic
def product_create(
    *,
    supplier: Supplier,
    code: str,
    name: str,
    unit: str,
    unit_price: Decimal,
    vat_rate: int,
    category: str = "",
    description: str = "",
    case_size: Decimal | None = None,
    min_per_family: Decimal = Decimal(0),
    multiple: Decimal = Decimal(1),
    max_total: Decimal | None = None,
    unit_weight_kg: Decimal | None = None,
    is_available: bool = True,
    tiers: Iterable[Tier] = (),
    by,
) -> Product:
    tiers = list(tiers)
    values = {
        "code": code,
        "name": name,
        "category": category,
        "description": description,
        "unit": unit,
        "unit_price": unit_price,
        "vat_rate": vat_rate,
        "case_size": case_size,
        "min_per_family": min_per_family,
        "multiple": multiple,
        "max_total": max_total,
        "unit_weight_kg": unit_weight_kg,
    }
    errors = product_errors(values, tiers)
    values = _normalise(values) if not errors else values
    if not errors and supplier.products.filter(code__iexact=values["code"]).exists():
        errors["code"] = _("Il fornitore ha già un prodotto con il codice %(code)s.") % {
            "code": values["code"]
        }
    if errors:
        raise ValidationError(errors)
    product = Product.objects.create(supplier=supplier, is_available=is_available, **values)
    _set_tiers(product, tiers)
    return product


@transaction.atomic
def product_update(
    *, product: Product, by, tiers: Iterable[Tier] | None = None, **changes
) -> Product:
    """Change some of PRODUCT_FIELDS and, when `tiers` is given, replace the tiers.

    Checks the product as it will be (a new multiple must still divide the case size).
    Rounds already open keep the terms they froze.
    """
    unknown = set(changes) - set(PRODUCT_FIELDS)
    if unknown:
        raise TypeError(f"product_update: unknown fields {sorted(unknown)}")
    product = Product.objects.select_for_update().get(pk=product.pk)
    merged = {field: getattr(product, field) for field in PRODUCT_FIELDS if field != "is_available"}
    merged.update({k: v for k, v in changes.items() if k != "is_available"})
    tier_list = list(tiers) if tiers is not None else []
    errors = product_errors(merged, tier_list)
    if not errors and "code" in changes:
        clash = product.supplier.products.filter(code__iexact=str(changes["code"]).strip())
        if clash.exclude(pk=product.pk).exists():
            errors["code"] = _("Il fornitore ha già un prodotto con il codice %(code)s.") % {
                "code": changes["code"]
            }
    if errors:
        raise ValidationError(errors)
    values = _normalise(dict(changes))
    for field, value in values.items():
        setattr(product, field, value)
    if values:
        product.save(update_fields=[*values, "updated_at"])
    if tiers is not None:
        _set_tiers(product, tier_list)
    return product


# --- Price-list import ----------------------------------------------------------------------


class PriceListRejected(ValidationError):
    """The price list has errors; `errors` lists them all (gaf.pricelist.RowError)."""

    def __init__(self, errors):
        self.row_errors = tuple(errors)
        super().__init__(
            [
                _("Riga %(row)s, colonna «%(column)s»: %(message)s")
                % {"row": error.row, "column": error.column, "message": error.message}
                if error.row and error.column
                else _("Riga %(row)s: %(message)s") % {"row": error.row, "message": error.message}
                if error.row
                else error.message
                for error in self.row_errors
            ],
            code="price_list",
        )


# How gaf.pricelist names the columns, for errors found by product_errors.
PRICE_LIST_COLUMNS = {
    "code": "codice",
    "name": "nome",
    "category": "categoria",
    "unit": "unità",
    "unit_price": "prezzo",
    "vat_rate": "iva",
    "case_size": "confezione",
    "min_per_family": "minimo",
    "multiple": "multiplo",
    "max_total": "massimo",
    "tiers": "scaglioni",
}


@dataclass(frozen=True)
class PriceListImport:
    created: int
    updated: int
    ignored_columns: tuple[str, ...]


@transaction.atomic
def price_list_import(*, supplier: Supplier, data: bytes, by) -> PriceListImport:
    """Create or update the supplier's products from a CSV (gaf.pricelist), matched by code.

    All rows or none: any error in any row raises PriceListRejected with every error, each
    with its row and column, and nothing is saved.
    """
    from gaf.pricelist import RowError, parse_price_list

    parsed = parse_price_list(data)
    errors = list(parsed.errors)
    values_by_row = {}
    for row in parsed.rows:
        values = {
            "code": row.code,
            "name": row.name,
            "category": row.category,
            "unit": row.unit,
            "unit_price": row.unit_price,
            "vat_rate": int(row.vat_rate),
            "case_size": row.case_size,
            "min_per_family": row.minimum or 0,
            "multiple": row.multiple or 1,
            "max_total": row.maximum,
        }
        tiers = [Tier(Decimal(tier.min_quantity), tier.unit_price) for tier in row.tiers]
        row_errors = product_errors(values, tiers)
        errors += [
            RowError(row.row, PRICE_LIST_COLUMNS[field], message)
            for field, message in row_errors.items()
        ]
        values_by_row[row.row] = (values, tiers, row.available)
    if errors:
        raise PriceListRejected(
            sorted(errors, key=lambda error: (error.row or 0, error.column or ""))
        )
    existing = {product.code.lower(): product for product in supplier.products.all()}
    created = updated = 0
    for values, tiers, available in values_by_row.values():
        values = _normalise(values)
        product = existing.get(values["code"].lower())
        if product is None:
            product = Product.objects.create(supplier=supplier, is_available=available, **values)
            created += 1
        else:
            for field, value in values.items():
                setattr(product, field, value)
            product.is_available = available
            product.save()
            updated += 1
        _set_tiers(product, tiers)
    return PriceListImport(created=created, updated=updated, ignored_columns=parsed.ignored_columns)
