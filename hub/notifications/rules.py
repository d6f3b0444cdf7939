"""Who may do what with a notification: only its person reads it, opens it or marks it."""

from __future__ import annotations


def owns_notification(user, notification) -> bool:
    return bool(user and user.is_authenticated and notification.user_id == user.pk)
