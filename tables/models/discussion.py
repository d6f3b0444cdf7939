"""Discussion of a proposal: threaded comments with a stance, and endorsements."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tables.models.proposals import Proposal

# A reply to a reply to a comment is as deep as a thread goes.
MAX_COMMENT_DEPTH = 3


class Stance(models.TextChoices):
    FOR = "for", _("a favore")
    AGAINST = "against", _("contro")
    NEUTRAL = "neutral", _("neutrale")


class Comment(models.Model):
    """A comment on a proposal (or on one of its suggestions), or a reply (depth 1 to 3). A
    hidden comment keeps its text
    for coordinators, with the reason; everyone else sees only that it was hidden.

    `version_number` is the proposal's version the author was reading, so that they can be
    shown what changed since."""

    Stance = Stance

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=1)
    # A comment about a suggestion on the text (issue 14, item 5): in the proposal's
    # discussion like any other, labelled with the passage it is about.
    suggestion = models.ForeignKey(
        "tables.Suggestion",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("suggerimento"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    stance = models.CharField(
        _("posizione"), max_length=10, choices=Stance.choices, default=Stance.NEUTRAL
    )
    body = models.TextField(_("commento"), max_length=5000)
    version_number = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("scritto il"), auto_now_add=True)
    hidden = models.BooleanField(_("nascosto"), default=False)
    hidden_reason = models.CharField(_("motivo"), max_length=500, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("commento")
        verbose_name_plural = _("commenti")
        ordering = ["proposal", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(depth__gte=1) & Q(depth__lte=MAX_COMMENT_DEPTH),
                name="tables_comment_depth",
            ),
            models.CheckConstraint(
                condition=Q(hidden=False) | ~Q(hidden_reason=""),
                name="tables_hidden_comment_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} — {self.proposal}"


class Endorsement(models.Model):
    """A person supports a proposal, for themselves or on behalf of their association.
    `version_number` is the version they endorsed: later versions are "changed since your
    endorsement"."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="endorsements")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="table_endorsements"
    )
    association = models.ForeignKey(
        "associations.Association",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="table_endorsements",
        verbose_name=_("per conto dell'associazione"),
    )
    version_number = models.PositiveIntegerField(_("versione sostenuta"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sostegno")
        verbose_name_plural = _("sostegni")
        ordering = ["proposal", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "user"],
                condition=Q(association__isnull=True),
                name="tables_one_personal_endorsement",
            ),
            models.UniqueConstraint(
                fields=["proposal", "association"],
                condition=Q(association__isnull=False),
                name="tables_one_association_endorsement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.association or self.user} → {self.proposal}"
