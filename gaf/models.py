"""Family purchase groups (GAF): groups, suppliers, products, order rounds, money, the fund.

Quantities are `Decimal` in the product's unit (kg, l, pieces), with three places. Every
product has a `multiple` (the step a family orders in: 1 piece, 0.5 kg); the firm quantity,
the tolerance, the case size and the minimum per family are multiples of it. The pure
allocation (gaf.allocation) works on whole units, so the round converts each quantity to
whole *steps* (`quantity / multiple`) before allocating and back afterwards
(gaf.rounds). Delivered quantities are weighed, not ordered, so they need not be multiples.

A round's products are frozen when it opens: `RoundProduct` copies the catalogue's price,
tiers, VAT rate, case size, minimum, multiple and maximum, and the round uses only the copy.

Money is `Decimal`, VAT included (Italian retail prices): unit prices with four places,
amounts with two (whole cents). The results of a close (allocations, prices, the family
totals) are stored on `RoundProduct`, `OrderLine` and `Order` and recomputed by the services
whenever their inputs change (reopening, delivery, shared costs).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hub.models import Family, Municipality, Network

QUANTITY = {"max_digits": 12, "decimal_places": 3}
UNIT_PRICE = {"max_digits": 10, "decimal_places": 4}
AMOUNT = {"max_digits": 12, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}


class AllocationPolicy(models.TextChoices):
    """How a product short of full cases is shared out (see gaf.allocation)."""

    FIFO = "fifo", _("in ordine di arrivo")
    PROPORTIONAL = "proportional", _("in proporzione alle quantità")


class Unit(models.TextChoices):
    KG = "kg", _("kg")
    LITRE = "l", _("litri")
    PIECE = "pz", _("pezzi")


class VatRate(models.IntegerChoices):
    SUPER_REDUCED = 4, _("4%")
    SPECIAL = 5, _("5%")
    REDUCED = 10, _("10%")
    STANDARD = 22, _("22%")


def _percent_range(field: str) -> Q:
    return Q(**{f"{field}__gte": 0}) & Q(**{f"{field}__lte": 100})


# --- Groups ---------------------------------------------------------------------------------


class PurchaseGroup(models.Model):
    """A GAF: families of a network who buy together."""

    name = models.CharField(_("nome"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="purchase_groups", verbose_name=_("rete")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="purchase_groups",
        verbose_name=_("comune"),
    )
    description = models.TextField(_("descrizione"), blank=True)
    default_fund_percent = models.DecimalField(
        _("quota per il Fondo Solidale (%)"),
        default=Decimal("2.00"),
        help_text=_("Percentuale di ogni spesa destinata al Fondo Solidale, proposta per i giri."),
        **PERCENT,
    )
    allocation_policy = models.CharField(
        _("criterio di ripartizione"),
        max_length=20,
        choices=AllocationPolicy.choices,
        default=AllocationPolicy.FIFO,
    )
    prepaid_mode = models.BooleanField(
        _("credito prepagato"),
        default=False,
        help_text=_("Le famiglie possono ordinare solo entro il credito disponibile."),
    )
    is_active = models.BooleanField(_("attivo"), default=True)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("gruppo di acquisto")
        verbose_name_plural = _("gruppi di acquisto")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=_percent_range("default_fund_percent"),
                name="gaf_group_fund_percent_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PickupPoint(models.Model):
    """Where families collect their goods."""

    group = models.ForeignKey(PurchaseGroup, on_delete=models.CASCADE, related_name="pickup_points")
    name = models.CharField(_("nome"), max_length=120)
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    notes = models.CharField(_("note"), max_length=300, blank=True)
    is_active = models.BooleanField(_("attivo"), default=True)

    class Meta:
        verbose_name = _("punto di ritiro")
        verbose_name_plural = _("punti di ritiro")
        ordering = ["group", "name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="gaf_pickup_point_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    """A family in a group, with its roles. The row itself makes the family a member.

    Roles belong to the family (its adults act for it). The row is also the family's
    account in the group: services lock it while checking prepaid credit.
    """

    group = models.ForeignKey(PurchaseGroup, on_delete=models.CASCADE, related_name="memberships")
    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="gaf_memberships", verbose_name=_("famiglia")
    )
    is_coordinator = models.BooleanField(_("coordinatore"), default=False)
    is_supplier_referent = models.BooleanField(_("referente fornitori"), default=False)
    is_treasurer = models.BooleanField(_("tesoriere"), default=False)
    default_pickup_point = models.ForeignKey(
        PickupPoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("punto di ritiro abituale"),
    )
    joined_at = models.DateTimeField(_("iscritta il"), auto_now_add=True)

    class Meta:
        verbose_name = _("famiglia del gruppo")
        verbose_name_plural = _("famiglie del gruppo")
        ordering = ["group", "family__name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "family"], name="gaf_one_membership")
        ]

    def __str__(self) -> str:
        return f"{self.family} — {self.group}"


class GroupJoinRequest(models.Model):
    """A family asks to join; a coordinator approves or rejects."""

    class Status(models.TextChoices):
        PENDING = "pending", _("in attesa")
        APPROVED = "approved", _("approvata")
        REJECTED = "rejected", _("respinta")

    group = models.ForeignKey(PurchaseGroup, on_delete=models.CASCADE, related_name="join_requests")
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="gaf_join_requests")
    message = models.TextField(_("messaggio"), blank=True)
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decisa il"), null=True, blank=True)
    decision_reason = models.TextField(_("motivazione"), blank=True)
    created_at = models.DateTimeField(_("richiesta il"), auto_now_add=True)

    class Meta:
        verbose_name = _("richiesta di adesione al gruppo")
        verbose_name_plural = _("richieste di adesione al gruppo")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "family"],
                condition=Q(status="pending"),
                name="gaf_one_pending_join_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.family} → {self.group} ({self.get_status_display()})"


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
    unit = models.CharField(_("unità"), max_length=2, choices=Unit.choices)
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
        help_text=_("Per ripartire le spese a peso; per i prodotti a kg vale 1."),
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
    unit = models.CharField(_("unità"), max_length=2, choices=Unit.choices)
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


# --- Payments -------------------------------------------------------------------------------------


class Payment(models.Model):
    """Money a family paid to the group's treasurer (negative: a refund to the family)."""

    class Method(models.TextChoices):
        CASH = "cash", _("contanti")
        BANK_TRANSFER = "bank_transfer", _("bonifico")

    group = models.ForeignKey(PurchaseGroup, on_delete=models.CASCADE, related_name="payments")
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="gaf_payments", verbose_name=_("famiglia")
    )
    amount = models.DecimalField(_("importo"), **AMOUNT)
    method = models.CharField(_("metodo"), max_length=20, choices=Method.choices)
    paid_on = models.DateField(_("data del pagamento"))
    reference = models.CharField(_("riferimento"), max_length=140, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("registrato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("pagamento")
        verbose_name_plural = _("pagamenti")
        ordering = ["-paid_on", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="gaf_payment_not_zero")]

    def __str__(self) -> str:
        return f"{self.family}: {self.amount} ({self.get_method_display()})"


# --- Fondo Solidale (one ledger per network) ------------------------------------------------------


class FundEntryKind(models.TextChoices):
    CONTRIBUTION = "contribution", _("contributo da un giro")
    REVERSAL = "reversal", _("storno di un contributo")
    DONATION = "donation", _("donazione")
    DISBURSEMENT = "disbursement", _("erogazione")


class FundDisbursement(models.Model):
    """A request to pay out of the fund; it takes effect with two coordinators' approvals."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("in approvazione")
        APPROVED = "approved", _("approvata")
        REJECTED = "rejected", _("respinta")

    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="fund_disbursements"
    )
    amount = models.DecimalField(_("importo"), **AMOUNT)
    purpose = models.CharField(
        _("finalità"),
        max_length=300,
        help_text=_("Compare nella pagina pubblica: non indicare nomi di famiglie."),
    )
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("richiesta il"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decisa il"), null=True, blank=True)

    class Meta:
        verbose_name = _("erogazione dal Fondo Solidale")
        verbose_name_plural = _("erogazioni dal Fondo Solidale")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="gaf_disbursement_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.purpose}: {self.amount}"


class FundDisbursementApproval(models.Model):
    disbursement = models.ForeignKey(
        FundDisbursement, on_delete=models.CASCADE, related_name="approvals"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("approvazione di un'erogazione")
        verbose_name_plural = _("approvazioni di erogazioni")
        constraints = [
            models.UniqueConstraint(
                fields=["disbursement", "approver"], name="gaf_one_approval_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.approver} → {self.disbursement}"


class FundEntry(models.Model):
    """A movement of the Fondo Solidale, append-only; the amount carries the sign.

    A round's contribution is one entry (the sum of its families' rounded shares); a
    cancelled round gets a reversal entry of the opposite amount.
    """

    Kind = FundEntryKind

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="fund_entries")
    kind = models.CharField(_("tipo"), max_length=15, choices=FundEntryKind.choices)
    amount = models.DecimalField(_("importo"), **AMOUNT)
    occurred_on = models.DateField(_("data"))
    description = models.CharField(_("descrizione"), max_length=300, blank=True)
    group = models.ForeignKey(
        PurchaseGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="fund_entries"
    )
    round = models.ForeignKey(
        OrderRound, on_delete=models.PROTECT, null=True, blank=True, related_name="fund_entries"
    )
    disbursement = models.OneToOneField(
        FundDisbursement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entry",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("registrata il"), auto_now_add=True)

    class Meta:
        verbose_name = _("movimento del Fondo Solidale")
        verbose_name_plural = _("movimenti del Fondo Solidale")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["contribution", "donation"], amount__gte=0)
                    | Q(kind__in=["reversal", "disbursement"], amount__lte=0)
                ),
                name="gaf_fund_entry_sign_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["contribution", "reversal"], round__isnull=False)
                | Q(kind__in=["donation", "disbursement"], round__isnull=True),
                name="gaf_fund_entry_round_iff_contribution",
            ),
            models.CheckConstraint(
                condition=Q(kind="disbursement", disbursement__isnull=False)
                | (~Q(kind="disbursement") & Q(disbursement__isnull=True)),
                name="gaf_fund_entry_disbursement_iff_kind",
            ),
            models.UniqueConstraint(
                fields=["round", "kind"],
                condition=Q(kind__in=["contribution", "reversal"]),
                name="gaf_fund_one_contribution_per_round",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount}"


# --- Notifications --------------------------------------------------------------------------------


class NotificationKind(models.TextChoices):
    ROUND_OPENED = "round_opened", _("apertura di un giro (e riapertura)")
    CLOSING_24H = "closing_24h", _("24 ore alla chiusura")
    CLOSING_2H = "closing_2h", _("2 ore alla chiusura")
    ROUND_CLOSED = "round_closed", _("chiusura con la tua assegnazione")
    DELIVERY_REMINDER = "delivery_reminder", _("promemoria del ritiro")
    DELIVERY_CHANGES = "delivery_changes", _("modifiche dopo la consegna")


class NotificationPreference(models.Model):
    """Which GAF e-mails a person wants. No row means every kind."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gaf_notifications"
    )
    round_opened = models.BooleanField(NotificationKind.ROUND_OPENED.label, default=True)
    closing_24h = models.BooleanField(NotificationKind.CLOSING_24H.label, default=True)
    closing_2h = models.BooleanField(NotificationKind.CLOSING_2H.label, default=True)
    round_closed = models.BooleanField(NotificationKind.ROUND_CLOSED.label, default=True)
    delivery_reminder = models.BooleanField(NotificationKind.DELIVERY_REMINDER.label, default=True)
    delivery_changes = models.BooleanField(NotificationKind.DELIVERY_CHANGES.label, default=True)

    class Meta:
        verbose_name = _("preferenze di notifica GAF")
        verbose_name_plural = _("preferenze di notifica GAF")

    def __str__(self) -> str:
        return str(self.user)
