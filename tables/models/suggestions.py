"""Suggestions on a proposal being written (issue 14, item 5): a person who may not edit the
text (an observer, a member who is not a co-author) quotes a passage and writes what they
would change; a co-author or coordinator accepts it (and makes the change in the editor)
or dismisses it. Changes go through tables.services.suggestions only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tables.models.proposals import Proposal


class Suggestion(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("da valutare")
        ACCEPTED = "accepted", _("accolto")
        DISMISSED = "dismissed", _("non accolto")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="suggestions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    quote = models.TextField(_("passaggio citato"))
    body = models.TextField(_("suggerimento"))
    version_number = models.PositiveIntegerField(_("versione"))
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("suggerimento")
        verbose_name_plural = _("suggerimenti")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", decided_at__isnull=True)
                | (~Q(status="open") & Q(decided_at__isnull=False)),
                name="tables_suggestion_decided_when_closed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: «{self.quote[:40]}»"
