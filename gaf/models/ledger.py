"""Payments and the Fondo Solidale (one ledger per network)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gaf.models.common import AMOUNT
from gaf.models.groups import PurchaseGroup
from gaf.models.rounds import OrderRound
from hub.models import Family, Network

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
