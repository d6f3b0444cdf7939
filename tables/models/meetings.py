"""Meetings of a table: agenda, attendance and minutes (verbale)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tables.models.tables import Table


class Meeting(models.Model):
    """A meeting of a table, in a place, online or both.

    `sequence` and `updated_at` move on every change a calendar must see (RFC 5545 SEQUENCE,
    LAST-MODIFIED): the services bump them, so feeds stay byte-stable between changes."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("convocata")
        HELD = "held", _("svolta")
        CANCELLED = "cancelled", _("annullata")

    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("titolo"), max_length=200)
    starts_at = models.DateTimeField(_("inizio"))
    ends_at = models.DateTimeField(_("fine"))
    place = models.CharField(_("luogo"), max_length=300, blank=True)
    online_url = models.URLField(_("collegamento online"), blank=True)
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("riunione")
        verbose_name_plural = _("riunioni")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="tables_meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(online_url=""),
                name="tables_meeting_has_place_or_link",
            ),
        ]
        indexes = [models.Index(fields=["table", "starts_at"], name="tables_meeting_table_start")]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    """One point of a meeting's agenda (ordine del giorno), possibly about a proposal."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)
    title = models.CharField(_("punto"), max_length=300)
    notes = models.TextField(_("note"), blank=True)
    proposal = models.ForeignKey(
        "tables.Proposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("proposta"),
    )

    class Meta:
        verbose_name = _("punto all'ordine del giorno")
        verbose_name_plural = _("ordine del giorno")
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """Who took part in a meeting."""

    class Status(models.TextChoices):
        PRESENT = "present", _("presente")
        EXCUSED = "excused", _("assente giustificato")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="table_attendances"
    )
    status = models.CharField(
        _("presenza"), max_length=10, choices=Status.choices, default=Status.PRESENT
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("presenza")
        verbose_name_plural = _("presenze")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="tables_one_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.meeting}"


class Minutes(models.Model):
    """The minutes (verbale) of a meeting. Once a coordinator approves them they are frozen:
    the services refuse every change."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    body = models.TextField(_("testo del verbale"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approvato il"), null=True, blank=True)

    class Meta:
        verbose_name = _("verbale")
        verbose_name_plural = _("verbali")

    def __str__(self) -> str:
        return str(self.meeting)

    @property
    def is_frozen(self) -> bool:
        return self.approved_at is not None
