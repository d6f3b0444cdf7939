"""Order rounds, their products, the families' orders and the round's shared costs."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gaf.models.catalogue import Product, Supplier
from gaf.models.common import (
    AMOUNT,
    PERCENT,
    QUANTITY,
    UNIT_MAX_LENGTH,
    UNIT_PRICE,
    AllocationPolicy,
    Unit,
    VatRate,
    _percent_range,
)
from gaf.models.groups import PickupPoint, PurchaseGroup
from hub.models import Family

# --- Order rounds -------------------------------------------------------------------------------


class RoundState(models.TextChoices):
    DRAFT = "draft", _("bozza")
    OPEN = "open", _("aperto")
    CLOSED = "closed", _("chiuso")
    SENT = "sent", _("inviato al fornitore")
    DELIVERED = "delivered", _("consegnato")
    SETTLED = "settled", _("saldato")
    CANCELLED = "cancelled", _("annullato")


class SplitBasis(models.TextChoices):
    WEIGHT = "weight", _("a peso")
    VALUE = "value", _("a valore")


class OrderRound(models.Model):
    """A joint order from one supplier, open for orders between two instants (Europe/Rome).

    `last_sequence` numbers the round's order changes without gaps: it is incremented with
    the round row locked, in the transaction that writes the change.
    """

    State = RoundState

    group = models.ForeignKey(PurchaseGroup, on_delete=models.CASCADE, related_name="rounds")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(_("titolo"), max_length=200)
    notes = models.TextField(_("note per le famiglie"), blank=True)
    state = models.CharField(
        _("stato"), max_length=10, choices=RoundState.choices, default=RoundState.DRAFT
    )
    opens_at = models.DateTimeField(_("apertura ordini"))
    closes_at = models.DateTimeField(_("chiusura ordini"))
    pickup_date = models.DateField(_("giorno di ritiro"))
    pickup_starts_at = models.TimeField(_("ritiro dalle"), null=True, blank=True)
    pickup_ends_at = models.TimeField(_("ritiro fino alle"), null=True, blank=True)
    pickup_points = models.ManyToManyField(
        PickupPoint, related_name="rounds", verbose_name=_("punti di ritiro")
    )
    fund_percent = models.DecimalField(_("quota per il Fondo Solidale (%)"), **PERCENT)
    allocation_policy = models.CharField(
        _("criterio di ripartizione"),
        max_length=20,
        choices=AllocationPolicy.choices,
        default=AllocationPolicy.FIFO,
    )
    send_on_close = models.BooleanField(
        _("invia l'ordine al fornitore alla chiusura"), default=False
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referente del giro"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_sequence = models.PositiveIntegerField(default=0, editable=False)
    revision = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text=_("Cresce a ogni modifica di date o stato (SEQUENCE nei calendari)."),
    )
    revised_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("Ultima modifica di date o stato (LAST-MODIFIED nei calendari)."),
    )
    cancellation_reason = models.TextField(_("motivo dell'annullamento"), blank=True)
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(null=True, blank=True, editable=False)
    settled_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_24h_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_2h_at = models.DateTimeField(null=True, blank=True, editable=False)
    delivery_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("giro d'ordine")
        verbose_name_plural = _("giri d'ordine")
        ordering = ["-closes_at"]
        indexes = [models.Index(fields=["state", "closes_at"], name="gaf_round_state_closes")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="gaf_round_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=_percent_range("fund_percent"), name="gaf_round_fund_percent_range"
            ),
            models.CheckConstraint(
                condition=Q(state__in=RoundState.values), name="gaf_round_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RoundProduct(models.Model):
    """A product offered in a round: the catalogue's terms frozen at opening, and its results.

    While the round is a draft the terms follow the catalogue (they are copied again when it
    opens); afterwards they never change. `price_tiers` holds `[[min_quantity, unit_price],
    ...]` as strings (exact decimals). The results are filled by the close and the delivery.
    """

    round = models.ForeignKey(OrderRound, on_delete=models.CASCADE, related_name="products")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="round_products")
    position = models.PositiveIntegerField(_("posizione"), default=0)
    code = models.CharField(_("codice"), max_length=40)
    name = models.CharField(_("nome"), max_length=200)
    category = models.CharField(_("categoria"), max_length=80, blank=True)
    unit = models.CharField(_("unità"), max_length=UNIT_MAX_LENGTH, choices=Unit.choices)
    unit_price = models.DecimalField(_("prezzo unitario (IVA inclusa)"), **UNIT_PRICE)
    vat_rate = models.PositiveSmallIntegerField(_("aliquota IVA"), choices=VatRate.choices)
    case_size = models.DecimalField(_("unità per collo"), null=True, blank=True, **QUANTITY)
    min_per_family = models.DecimalField(_("minimo per famiglia"), default=Decimal("0"), **QUANTITY)
    multiple = models.DecimalField(_("multiplo"), default=Decimal("1"), **QUANTITY)
    max_total = models.DecimalField(
        _("disponibilità massima totale"), null=True, blank=True, **QUANTITY
    )
    unit_weight_kg = models.DecimalField(
        _("peso per unità (kg)"), null=True, blank=True, **QUANTITY
    )
    price_tiers = models.JSONField(_("scaglioni di prezzo"), default=list, blank=True)
    frozen_at = models.DateTimeField(_("prezzi congelati il"), null=True, blank=True)
    # Results of the close (and of the delivery, for delivered_total and total).
    allocated_total = models.DecimalField(
        _("quantità assegnata"), null=True, blank=True, **QUANTITY
    )
    cases = models.PositiveIntegerField(_("colli"), null=True, blank=True)
    applied_unit_price = models.DecimalField(
        _("prezzo applicato"), null=True, blank=True, **UNIT_PRICE
    )
    delivered_total = models.DecimalField(
        _("quantità consegnata"), null=True, blank=True, **QUANTITY
    )
    total = models.DecimalField(_("totale"), null=True, blank=True, **AMOUNT)

    class Meta:
        verbose_name = _("prodotto del giro")
        verbose_name_plural = _("prodotti del giro")
        ordering = ["round", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "product"], name="gaf_round_product_unique"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="gaf_round_product_price_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(multiple__gt=0), name="gaf_round_product_multiple_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(case_size__isnull=True) | Q(case_size__gt=0),
                name="gaf_round_product_case_gt_0",
            ),
            models.CheckConstraint(
                condition=Q(max_total__isnull=True) | Q(max_total__gt=0),
                name="gaf_round_product_max_gt_0",
            ),
            models.CheckConstraint(
                condition=Q(unit__in=Unit.values), name="gaf_round_product_unit_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.round}"


class Order(models.Model):
    """A family's order in a round, and what it owes once the round is closed."""

    round = models.ForeignKey(OrderRound, on_delete=models.CASCADE, related_name="orders")
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="gaf_orders", verbose_name=_("famiglia")
    )
    pickup_point = models.ForeignKey(
        PickupPoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("punto di ritiro"),
    )
    goods_total = models.DecimalField(_("totale merce"), default=Decimal("0"), **AMOUNT)
    fund_share = models.DecimalField(_("quota Fondo Solidale"), default=Decimal("0"), **AMOUNT)
    shared_costs = models.DecimalField(_("spese comuni"), default=Decimal("0"), **AMOUNT)
    total = models.DecimalField(_("totale da pagare"), default=Decimal("0"), **AMOUNT)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("ordine della famiglia")
        verbose_name_plural = _("ordini delle famiglie")
        ordering = ["round", "family__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "family"], name="gaf_one_order_per_family")
        ]

    def __str__(self) -> str:
        return f"{self.family} — {self.round}"


class OrderLine(models.Model):
    """A family's quantity of one product: firm, tolerance, then allocated and delivered."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    round_product = models.ForeignKey(RoundProduct, on_delete=models.CASCADE, related_name="lines")
    firm = models.DecimalField(_("quantità"), default=Decimal("0"), **QUANTITY)
    tolerance = models.DecimalField(_("tolleranza"), default=Decimal("0"), **QUANTITY)
    allocated = models.DecimalField(_("assegnata"), null=True, blank=True, **QUANTITY)
    delivered = models.DecimalField(_("consegnata"), null=True, blank=True, **QUANTITY)
    unit_price = models.DecimalField(_("prezzo applicato"), null=True, blank=True, **UNIT_PRICE)
    total = models.DecimalField(_("totale"), null=True, blank=True, **AMOUNT)

    class Meta:
        verbose_name = _("riga d'ordine")
        verbose_name_plural = _("righe d'ordine")
        ordering = ["order", "round_product__position", "round_product__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "round_product"], name="gaf_one_line_per_product"
            ),
            models.CheckConstraint(condition=Q(firm__gte=0), name="gaf_line_firm_gte_0"),
            models.CheckConstraint(condition=Q(tolerance__gte=0), name="gaf_line_tolerance_gte_0"),
            models.CheckConstraint(
                condition=Q(allocated__isnull=True) | Q(allocated__gte=0),
                name="gaf_line_allocated_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(delivered__isnull=True) | Q(delivered__gte=0),
                name="gaf_line_delivered_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}: {self.round_product.name} {self.firm}+{self.tolerance}"


class OrderChange(models.Model):
    """One quantity change, append-only: the history the allocation replays.

    `firm` and `tolerance` are the values set from this change on (not deltas). `sequence`
    numbers the round's changes 1, 2, 3… without gaps (OrderRound.last_sequence).
    """

    round = models.ForeignKey(OrderRound, on_delete=models.CASCADE, related_name="changes")
    sequence = models.PositiveIntegerField(_("numero"))
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="changes")
    round_product = models.ForeignKey(
        RoundProduct, on_delete=models.CASCADE, related_name="changes"
    )
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="+")
    firm = models.DecimalField(_("quantità"), **QUANTITY)
    tolerance = models.DecimalField(_("tolleranza"), **QUANTITY)
    previous_firm = models.DecimalField(_("quantità precedente"), **QUANTITY)
    previous_tolerance = models.DecimalField(_("tolleranza precedente"), **QUANTITY)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("registrata il"))

    class Meta:
        verbose_name = _("modifica d'ordine")
        verbose_name_plural = _("modifiche d'ordine")
        ordering = ["round", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["round", "sequence"], name="gaf_change_gap_free_seq"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="gaf_change_sequence_gte_1"),
            models.CheckConstraint(
                condition=Q(firm__gte=0) & Q(tolerance__gte=0), name="gaf_change_quantities_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.family_id}: {self.firm}+{self.tolerance}"


class SharedCost(models.Model):
    """A cost of the round shared by the families (transport), split by weight or value."""

    round = models.ForeignKey(OrderRound, on_delete=models.CASCADE, related_name="shared_costs")
    label = models.CharField(_("descrizione"), max_length=120)
    amount = models.DecimalField(_("importo"), **AMOUNT)
    basis = models.CharField(
        _("ripartizione"), max_length=10, choices=SplitBasis.choices, default=SplitBasis.WEIGHT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("spesa comune")
        verbose_name_plural = _("spese comuni")
        ordering = ["round", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="gaf_shared_cost_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.amount}"
