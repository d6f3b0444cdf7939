"""Notification preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# --- Notifications --------------------------------------------------------------------------------


class NotificationKind(models.TextChoices):
    ROUND_OPENED = "round_opened", _("apertura di un giro (e riapertura)")
    ROUND_EXTENDED = "round_extended", _("proroga della chiusura di un giro")
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
    round_extended = models.BooleanField(NotificationKind.ROUND_EXTENDED.label, default=True)
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
