"""Background work of the notification centre (django-q2). Each task calls one service and
is safe to run twice: a notification is e-mailed once, whatever runs it again."""

from __future__ import annotations

from hub.notifications import services


def send_now(notification_ids: list[int], language: str = "it") -> int:
    """E-mail the notifications that their people want at once (queued by notify)."""
    return services.notifications_email_now(notification_ids=notification_ids, language=language)


def send_digests(delivery: str) -> int:
    """The daily or weekly digests (scheduled by hub/migrations: 07:00 Europe/Rome, daily;
    Mondays, weekly)."""
    return services.digest_send(delivery=delivery)
