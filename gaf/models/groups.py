"""Purchase groups, their pickup points, memberships and join requests."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gaf.models.common import PERCENT, AllocationPolicy, _percent_range
from hub.models import Family, Municipality, Network

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
    # Off by default: the order leaves the hub only when a person sends it, so a round closed
    # by mistake (or too early) can still be reopened; on, the close e-mails it at once.
    send_order_on_close = models.BooleanField(
        _("invia l'ordine al fornitore alla chiusura"),
        default=False,
        help_text=_(
            "Proposta per ogni nuovo giro. Se è spenta, dopo la chiusura controlli l'ordine e "
            "lo invii tu: fino all'invio il giro si può riaprire."
        ),
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
