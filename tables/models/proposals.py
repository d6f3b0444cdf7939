"""Proposals (co-designed projects), their versions, status history and the table's decision.

A proposal's body and fields change only through tables.services.proposals: every saved
change becomes a `ProposalVersion` numbered 1, 2, 3… without gaps per proposal (the service
locks the proposal row and takes `latest_version + 1`). Restoring an old version saves a new
one. The allowed status moves are in tables.workflow.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hub.models import AgeBand, Area, Municipality
from tables.models.meetings import Meeting
from tables.models.tables import Table


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("bozza")
    DISCUSSION = "discussion", _("in discussione")
    SUBMITTED = "submitted", _("presentata al tavolo")
    APPROVED = "approved", _("approvata")
    REJECTED = "rejected", _("respinta")
    IN_PROGRESS = "in_progress", _("in corso")
    COMPLETED = "completed", _("completata")
    WITHDRAWN = "withdrawn", _("ritirata")


class Proposal(models.Model):
    Status = ProposalStatus

    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(_("titolo"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    summary = models.TextField(_("sintesi"), max_length=1000, blank=True)
    body = models.TextField(_("testo della proposta"), blank=True)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("area")
    )
    age_bands = models.ManyToManyField(
        AgeBand, related_name="proposals", blank=True, verbose_name=_("fasce d'età")
    )
    municipalities = models.ManyToManyField(
        Municipality, related_name="proposals", blank=True, verbose_name=_("comuni")
    )
    partner_associations = models.ManyToManyField(
        "associations.Association",
        related_name="proposals",
        blank=True,
        verbose_name=_("associazioni partner"),
    )
    budget_estimate = models.DecimalField(
        _("stima dei costi (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    co_authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ProposalCoAuthor",
        related_name="coauthored_proposals",
        verbose_name=_("coautori"),
    )
    status = models.CharField(
        _("stato"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    latest_version = models.PositiveIntegerField(_("ultima versione"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modificata il"), auto_now=True)
    published_at = models.DateTimeField(_("pubblicata il"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposta")
        verbose_name_plural = _("proposte")
        ordering = ["-updated_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["table", "slug"], name="tables_proposal_slug"),
            models.CheckConstraint(
                condition=Q(budget_estimate__isnull=True) | Q(budget_estimate__gte=0),
                name="tables_proposal_budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProposalCoAuthor(models.Model):
    """A co-author of a proposal. `credited_at` is set when the draft is published (and at
    once for a co-author added later): only credited co-authors are shown publicly."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="authorships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_authorships"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    credited_at = models.DateTimeField(_("accreditato il"), null=True, blank=True)

    class Meta:
        verbose_name = _("coautore")
        verbose_name_plural = _("coautori")
        ordering = ["proposal", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="tables_one_coauthorship")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.proposal}"


class ProposalStatusChange(models.Model):
    """Who moved a proposal from one status to another, and when."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("da"), max_length=12, choices=ProposalStatus.choices)
    to_status = models.CharField(_("a"), max_length=12, choices=ProposalStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("il"), auto_now_add=True)
    note = models.TextField(_("nota"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("cambio di stato")
        verbose_name_plural = _("cambi di stato")
        ordering = ["proposal", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.from_status} → {self.to_status}"


class ProposalVersion(models.Model):
    """A saved state of a proposal: its fields and body as a plain snapshot
    (tables.versions.snapshot_of), so any two versions compare without the live rows."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("numero"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("salvata il"), auto_now_add=True)
    snapshot = models.JSONField(_("contenuto"))
    restored_from = models.PositiveIntegerField(_("ripristina la versione"), null=True, blank=True)

    class Meta:
        verbose_name = _("versione della proposta")
        verbose_name_plural = _("versioni della proposta")
        ordering = ["proposal", "number"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="tables_version_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="tables_version_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} v{self.number}"


class TableDecision(models.Model):
    """The table's decision on a proposal, taken at a meeting and recorded by a coordinator."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("approvata")
        REJECTED = "rejected", _("respinta")

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="decision")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("riunione")
    )
    outcome = models.CharField(_("esito"), max_length=10, choices=Outcome.choices)
    votes_for = models.PositiveIntegerField(_("voti a favore"), default=0)
    votes_against = models.PositiveIntegerField(_("voti contrari"), default=0)
    votes_abstained = models.PositiveIntegerField(_("astenuti"), default=0)
    motivation = models.TextField(_("motivazione"), blank=True, max_length=5000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registrata il"), auto_now_add=True)

    class Meta:
        verbose_name = _("decisione del tavolo")
        verbose_name_plural = _("decisioni del tavolo")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.get_outcome_display()}"
