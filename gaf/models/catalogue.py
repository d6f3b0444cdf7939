"""Suppliers and products, shared across the network, with their price tiers."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gaf.models.common import QUANTITY, UNIT_MAX_LENGTH, UNIT_PRICE, Unit, VatRate
from hub.models import Municipality, Network

# --- Suppliers and products (shared across the network) ---------------------------------------


class Supplier(models.Model):
    """An agri-food producer, shared by the groups of a network."""

    name = models.CharField(_("nome"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="gaf_suppliers", verbose_name=_("rete")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gaf_suppliers",
        verbose_name=_("comune"),
    )
    email = models.EmailField(_("e-mail per gli ordini"))
    phone = models.CharField(_("telefono"), max_length=40, blank=True)
    vat_number = models.CharField(_("partita IVA"), max_length=16, blank=True)
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    is_active = models.BooleanField(_("attivo"), default=True)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("fornitore")
        verbose_name_plural = _("fornitori")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """A product in a supplier's catalogue. Rounds copy it when they open (RoundProduct)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="products")
    code = models.CharField(_("codice"), max_length=40)
    name = models.CharField(_("nome"), max_length=200)
    category = models.CharField(_("categoria"), max_length=80, blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    unit = models.CharField(_("unità"), max_length=UNIT_MAX_LENGTH, choices=Unit.choices)
    unit_price = models.DecimalField(_("prezzo unitario (IVA inclusa)"), **UNIT_PRICE)
    vat_rate = models.PositiveSmallIntegerField(_("aliquota IVA"), choices=VatRate.choices)
    case_size = models.DecimalField(
        _("unità per collo"),
        null=True,
        blank=True,
        help_text=_("Vuoto se il prodotto non si vende a colli."),
        **QUANTITY,
    )
    min_per_family = models.DecimalField(_("minimo per famiglia"), default=Decimal("0"), **QUANTITY)
    multiple = models.DecimalField(
        _("multiplo"),
        default=Decimal("1"),
        help_text=_("Le quantità si ordinano a multipli di questo valore (es. 0,5 kg)."),
        **QUANTITY,
    )
    max_total = models.DecimalField(
        _("disponibilità massima totale"), null=True, blank=True, **QUANTITY
    )
    unit_weight_kg = models.DecimalField(
        _("peso per unità (kg)"),
        null=True,
        blank=True,
        help_text=_("Per ripartire le spese a peso; non serve per i prodotti venduti a kg o a g."),
        **QUANTITY,
    )
    is_available = models.BooleanField(_("disponibile"), default=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("prodotto")
        verbose_name_plural = _("prodotti")
        ordering = ["supplier", "category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "code"], name="gaf_product_unique_code"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="gaf_product_price_gte_0"),
            models.CheckConstraint(condition=Q(multiple__gt=0), name="gaf_product_multiple_gt_0"),
            models.CheckConstraint(
                condition=Q(case_size__isnull=True) | Q(case_size__gt=0),
                name="gaf_product_case_size_gt_0",
            ),
            models.CheckConstraint(
                condition=Q(min_per_family__gte=0), name="gaf_product_min_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(max_total__isnull=True) | Q(max_total__gt=0),
                name="gaf_product_max_total_gt_0",
            ),
            models.CheckConstraint(
                condition=Q(unit_weight_kg__isnull=True) | Q(unit_weight_kg__gte=0),
                name="gaf_product_weight_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(vat_rate__in=VatRate.values), name="gaf_product_vat_rate_valid"
            ),
            models.CheckConstraint(
                condition=Q(unit__in=Unit.values), name="gaf_product_unit_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ProductPriceTier(models.Model):
    """A volume discount: from `min_quantity` pooled by the group, `unit_price` for everyone."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_tiers")
    min_quantity = models.DecimalField(_("da quantità"), **QUANTITY)
    unit_price = models.DecimalField(_("prezzo unitario (IVA inclusa)"), **UNIT_PRICE)

    class Meta:
        verbose_name = _("scaglione di prezzo")
        verbose_name_plural = _("scaglioni di prezzo")
        ordering = ["product", "min_quantity"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "min_quantity"], name="gaf_tier_unique_threshold"
            ),
            models.CheckConstraint(condition=Q(min_quantity__gt=0), name="gaf_tier_min_gt_0"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="gaf_tier_price_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.product}: ≥ {self.min_quantity} → {self.unit_price}"
