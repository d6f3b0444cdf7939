"""Carta Famiglia: each network's conditions, the cards, the shops that verify them and the
log of verifications."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carta.eligibility import ISEE_BANDS
from hub.models import Decision, Family, Municipality, Network


class IseeBand(models.TextChoices):
    UP_TO_15000 = ISEE_BANDS[0], _("fino a 15.000 €")
    UP_TO_30000 = ISEE_BANDS[1], _("da 15.000 a 30.000 €")
    UP_TO_40000 = ISEE_BANDS[2], _("da 30.000 a 40.000 €")
    OVER_40000 = ISEE_BANDS[3], _("oltre 40.000 €")


class CardRule(models.Model):
    """A network's Carta Famiglia: its conditions beyond the hub's beneficiary rule, how long
    a card lasts and what a shop may see. A network without a row has the defaults."""

    network = models.OneToOneField(
        Network, on_delete=models.CASCADE, related_name="card_rule", verbose_name=_("rete")
    )
    min_minor_children = models.PositiveSmallIntegerField(
        _("numero minimo di figli minorenni"), default=1, validators=[MinValueValidator(1)]
    )
    max_isee_band = models.CharField(
        _("fascia ISEE massima"),
        max_length=20,
        choices=IseeBand.choices,
        blank=True,
        help_text=_("Vuota: nessuna condizione sull'ISEE. La famiglia dichiara solo la fascia."),
    )
    validity_days = models.PositiveSmallIntegerField(
        _("durata della carta (giorni)"),
        default=365,
        validators=[MinValueValidator(30), MaxValueValidator(1100)],
    )
    show_minor_children = models.BooleanField(
        _("mostra agli esercenti il numero di figli minorenni"), default=False
    )

    class Meta:
        verbose_name = _("regola della Carta Famiglia")
        verbose_name_plural = _("regole della Carta Famiglia")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_minor_children__gte=1), name="cardrule_at_least_one_minor"
            ),
            models.CheckConstraint(
                condition=Q(validity_days__gte=30), name="cardrule_validity_at_least_30_days"
            ),
        ]

    def __str__(self) -> str:
        return str(self.network)


class Card(models.Model):
    """A family's Carta Famiglia. One per family: renewing extends it, staff suspend or
    revoke it. The QR token is never stored, only its hash (carta.tokens)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("attiva")
        SUSPENDED = "suspended", _("sospesa")
        REVOKED = "revoked", _("revocata")

    family = models.OneToOneField(
        Family, on_delete=models.CASCADE, related_name="card", verbose_name=_("famiglia")
    )
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="cards", verbose_name=_("rete")
    )
    number = models.CharField(_("numero"), max_length=12, unique=True)
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    status_reason = models.TextField(_("motivo dello stato"), blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stato cambiato da"),
    )
    status_changed_at = models.DateTimeField(_("stato cambiato il"), null=True, blank=True)
    issued_on = models.DateField(_("emessa il"))
    valid_until = models.DateField(_("valida fino al"))
    declared_isee_band = models.CharField(
        _("fascia ISEE dichiarata"), max_length=20, choices=IseeBand.choices, blank=True
    )
    token_generation = models.PositiveIntegerField(default=1)
    token_expires_on = models.DateField()
    token_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("Carta Famiglia")
        verbose_name_plural = _("Carte Famiglia")
        ordering = ["-issued_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("issued_on")),
                name="card_valid_after_issue",
            ),
            models.CheckConstraint(
                condition=Q(status="active") | ~Q(status_reason=""),
                name="card_suspension_or_revocation_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Shop(Decision):
    """An esercizio convenzionato of a network. Staff approve it (Decision) before its
    operators may verify cards."""

    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="shops", verbose_name=_("rete")
    )
    business_name = models.CharField(_("ragione sociale"), max_length=200)
    vat_number = models.CharField(_("partita IVA"), max_length=11)
    contact_email = models.EmailField(_("e-mail di contatto"), blank=True)
    operator_email = models.EmailField(
        _("e-mail del primo operatore"),
        blank=True,
        help_text=_("Riceve l'accesso alla verifica delle carte quando l'esercizio è approvato."),
    )
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    description = models.TextField(_("descrizione"), max_length=2000, blank=True)
    public_email = models.EmailField(
        _("e-mail pubblica"),
        blank=True,
        help_text=_("Appare nella pagina pubblica e nell'API; l'e-mail di contatto no."),
    )
    phone = models.CharField(_("telefono"), max_length=40, blank=True)
    website = models.URLField(_("sito web"), blank=True)
    categories = models.ManyToManyField(
        "Category", related_name="shops", verbose_name=_("categorie"), blank=True
    )
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ShopOperator",
        related_name="shops",
        verbose_name=_("operatori"),
    )

    class Meta(Decision.Meta):
        verbose_name = _("esercizio convenzionato")
        verbose_name_plural = _("esercizi convenzionati")
        ordering = ["business_name"]
        constraints = [
            *Decision.Meta.constraints,
            models.UniqueConstraint(fields=["network", "vat_number"], name="shop_vat_per_network"),
        ]

    def __str__(self) -> str:
        return self.business_name


class Outlet(models.Model):
    """A shop's point of sale."""

    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="outlets", verbose_name=_("esercizio")
    )
    name = models.CharField(_("nome"), max_length=120)
    address = models.CharField(_("indirizzo"), max_length=200)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="outlets", verbose_name=_("comune")
    )
    latitude = models.DecimalField(
        _("latitudine"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitudine"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta:
        verbose_name = _("punto vendita")
        verbose_name_plural = _("punti vendita")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name}, {self.address}"


class ShopOperator(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shop_memberships"
    )

    class Meta:
        verbose_name = _("operatore dell'esercizio")
        verbose_name_plural = _("operatori dell'esercizio")
        constraints = [
            models.UniqueConstraint(fields=["shop", "user"], name="shop_operator_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.shop}"


class ShopInvitation(models.Model):
    """An e-mail invitation to become an operator of a shop, sent by one of its operators.
    Only a digest of the token is stored (as the associations' invitations)."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invito a un operatore")
        verbose_name_plural = _("inviti agli operatori")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.email} → {self.shop}"


class Verification(models.Model):
    """One verification by a shop: when, where, what it answered, and a keyed hash of the card
    (carta.tokens.card_hash) — never the card, so the log is no family's shopping history."""

    class Outcome(models.TextChoices):
        VALID = "valid", _("valida")
        EXPIRED = "expired", _("scaduta")
        SUSPENDED = "suspended", _("sospesa")
        REVOKED = "revoked", _("revocata")
        TOKEN_EXPIRED = "token_expired", _("codice QR scaduto")
        TOKEN_REPLACED = "token_replaced", _("codice QR sostituito")
        FORGED = "forged", _("codice non valido")
        UNKNOWN = "unknown", _("carta inesistente")
        OTHER_NETWORK = "other_network", _("carta di un'altra rete")

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="verifications")
    outlet = models.ForeignKey(
        Outlet, on_delete=models.SET_NULL, null=True, blank=True, related_name="verifications"
    )
    card_hash = models.CharField(max_length=32, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    verified_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-verified_at", "-pk"]
        indexes = [models.Index(fields=["shop", "verified_at"])]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.outcome} {self.verified_at:%Y-%m-%d}"


class Category(models.Model):
    """A category of the national Carta Famiglia list (data, editable by staff)."""

    name = models.CharField(_("nome"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("categoria")
        verbose_name_plural = _("categorie")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Badge(models.Model):
    """A mark a shop earns from its offers: its best valid percentage discount reaches
    `min_percentage` (data, with thresholds editable by staff; carta.badges decides)."""

    name = models.CharField(_("nome"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    min_percentage = models.DecimalField(
        _("sconto minimo (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("riconoscimento")
        verbose_name_plural = _("riconoscimenti")
        ordering = ["min_percentage"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_percentage__gt=0) & Q(min_percentage__lte=100),
                name="badge_threshold_is_a_percentage",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Offer(models.Model):
    """A shop's offer to card holders (or to every family)."""

    class Kind(models.TextChoices):
        PERCENTAGE = "percentage", _("sconto in percentuale")
        AMOUNT_OFF = "amount_off", _("sconto in euro")
        SPECIAL_PRICE = "special_price", _("prezzo speciale")
        FREE = "free", _("prodotto o servizio gratuito")

    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="offers", verbose_name=_("esercizio")
    )
    title = models.CharField(_("titolo"), max_length=150)
    description = models.TextField(_("descrizione"), blank=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    value = models.DecimalField(
        _("valore"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Percentuale, euro di sconto o prezzo speciale; vuoto se gratuito."),
    )
    conditions = models.CharField(_("condizioni"), max_length=300, blank=True)
    starts_on = models.DateField(_("valida dal"))
    ends_on = models.DateField(_("valida fino al"))
    card_holders_only = models.BooleanField(_("solo per chi ha la Carta Famiglia"), default=True)
    outlets = models.ManyToManyField(
        Outlet, related_name="offers", verbose_name=_("punti vendita"), blank=True
    )
    categories = models.ManyToManyField(
        Category, related_name="offers", verbose_name=_("categorie"), blank=True
    )

    class Meta:
        verbose_name = _("offerta")
        verbose_name_plural = _("offerte")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="offer_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(kind="free", value__isnull=True) | (~Q(kind="free") & Q(value__gt=0)),
                name="offer_value_matches_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind="percentage") | Q(value__lte=100),
                name="offer_percentage_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return self.title
