"""Co-edited documents (issue 14): the body of a proposal and the minutes of a meeting, as
Yjs documents.

The record of a document is its append-only log of updates (`CoeditUpdate`, numbered 1, 2, 3…
without gaps: the service that appends locks the document's row and takes `last_seq + 1`),
with the author and the time of each. Snapshots (`CoeditSnapshot`) hold the whole state at
some `seq` with its rendered HTML and text; they make loading fast and the page, search and
exports read them, but they replace nothing: no update is ever deleted, so the history is
whole. Changes go through tables.coedit.services only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tables.models.meetings import Meeting
from tables.models.proposals import Proposal


class CoeditDocument(models.Model):
    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("testo della proposta")
        MINUTES = "minutes", _("verbale della riunione")

    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    proposal = models.OneToOneField(
        Proposal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coedit_document",
    )
    meeting = models.OneToOneField(
        Meeting,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="minutes_document",
    )
    last_seq = models.PositiveBigIntegerField(_("ultimo aggiornamento"), default=0)
    snapshot_seq = models.PositiveBigIntegerField(
        _("aggiornamenti nell'ultima istantanea"), default=0
    )
    # The last update already saved as a proposal version (tables' ProposalVersion).
    version_seq = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("documento condiviso")
        verbose_name_plural = _("documenti condivisi")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="proposal", proposal__isnull=False, meeting__isnull=True)
                    | Q(kind="minutes", meeting__isnull=False, proposal__isnull=True)
                ),
                name="tables_coedit_document_one_target",
            ),
            models.CheckConstraint(
                condition=Q(snapshot_seq__lte=models.F("last_seq")),
                name="tables_coedit_snapshot_not_ahead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.proposal_id or self.meeting_id}"

    @property
    def object_id(self) -> int:
        return self.proposal_id if self.kind == self.Kind.PROPOSAL else self.meeting_id


class CoeditUpdate(models.Model):
    """One Yjs update (format v1) as the server stored it before acknowledging it."""

    document = models.ForeignKey(CoeditDocument, on_delete=models.CASCADE, related_name="updates")
    seq = models.PositiveBigIntegerField()
    data = models.BinaryField()
    # None: written by the hub itself (the first content, a restored version).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("modifica del documento")
        verbose_name_plural = _("modifiche del documento")
        ordering = ["document", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["document", "seq"], name="tables_coedit_update_seq"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="tables_coedit_update_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.document} #{self.seq}"


class CoeditSnapshot(models.Model):
    """The whole state of a document after its updates up to `seq`, rendered."""

    document = models.ForeignKey(CoeditDocument, on_delete=models.CASCADE, related_name="snapshots")
    seq = models.PositiveBigIntegerField()
    state = models.BinaryField()
    html = models.TextField()
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("istantanea del documento")
        verbose_name_plural = _("istantanee del documento")
        ordering = ["document", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["document", "seq"], name="tables_coedit_snapshot_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.document} @{self.seq}"
