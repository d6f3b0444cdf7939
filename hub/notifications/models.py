"""The notification centre's data: each person's inbox and their delivery choices.

The models belong to the hub app (hub/models.py imports them). A notification is one row
per person: reading it, e-mailing it and its digest are that person's alone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.notifications.registry import CODE_MAX_LENGTH, DIGESTS, Delivery

# What a notification row can say it was delivered as (OFF creates no row).
DELIVERED = [Delivery.EMAIL, Delivery.DAILY, Delivery.WEEKLY, Delivery.INBOX]

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 1000
URL_MAX_LENGTH = 500
PLACE_MAX_LENGTH = 100
PLACE_LABEL_MAX_LENGTH = 200
KEY_MAX_LENGTH = 200
TOPIC_MAX_LENGTH = 100
# Where notify keeps a notification's topic in its `data` (no column of its own).
TOPIC_KEY = "_topic"
TOPIC_LABEL_KEY = "_topic_label"


class Notification(models.Model):
    """Something that happened that one person should know about."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("destinatario"),
    )
    kind = models.CharField(_("tipo"), max_length=CODE_MAX_LENGTH)
    title = models.CharField(_("titolo"), max_length=TITLE_MAX_LENGTH)
    body = models.CharField(_("testo"), max_length=BODY_MAX_LENGTH, blank=True)
    url = models.CharField(_("collegamento"), max_length=URL_MAX_LENGTH, blank=True)
    # Where it happened: a key ("gaf:group:12") and its name for people ("GAF Bruino").
    place = models.CharField(_("luogo"), max_length=PLACE_MAX_LENGTH, blank=True)
    place_label = models.CharField(
        _("nome del luogo"), max_length=PLACE_LABEL_MAX_LENGTH, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("autore"),
    )
    # Makes a repeated notify() a no-op for this person (a task that runs twice).
    key = models.CharField(_("chiave"), max_length=KEY_MAX_LENGTH, blank=True)
    # Plain references for the kind's own e-mail (e.g. {"round": 12}).
    data = models.JSONField(_("dati"), default=dict, blank=True)
    delivery = models.CharField(
        _("recapito"), max_length=10, choices=[(d.value, d.label) for d in DELIVERED]
    )
    created_at = models.DateTimeField(_("creata il"), default=timezone.now)
    read_at = models.DateTimeField(_("letta il"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("inviata per e-mail il"), null=True, blank=True)

    class Meta:
        verbose_name = _("notifica")
        verbose_name_plural = _("notifiche")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notification_key_per_user"
            ),
            models.CheckConstraint(
                condition=Q(delivery__in=DELIVERED), name="notification_delivery_known"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(
                fields=["delivery", "created_at"],
                condition=Q(emailed_at__isnull=True, delivery__in=DIGESTS),
                name="notification_digest_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def topic(self) -> str:
        """What in its place it is about (notify's `topic`): digests group by it."""
        return str((self.data or {}).get(TOPIC_KEY, ""))

    @property
    def topic_label(self) -> str:
        return str((self.data or {}).get(TOPIC_LABEL_KEY, ""))


class NotificationPreference(models.Model):
    """How one kind reaches one person: everywhere (place "") or in one place.

    No row: the kind's default. A place's row wins over the person's row for every place.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("persona"),
    )
    kind = models.CharField(_("tipo"), max_length=CODE_MAX_LENGTH)
    place = models.CharField(_("luogo"), max_length=PLACE_MAX_LENGTH, blank=True)
    place_label = models.CharField(
        _("nome del luogo"), max_length=PLACE_LABEL_MAX_LENGTH, blank=True
    )
    delivery = models.CharField(_("recapito"), max_length=10, choices=Delivery.choices)

    class Meta:
        verbose_name = _("preferenza di notifica")
        verbose_name_plural = _("preferenze di notifica")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "place"], name="notification_preference_unique"
            ),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values),
                name="notification_preference_delivery_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind} · {self.place or '*'}: {self.delivery}"
