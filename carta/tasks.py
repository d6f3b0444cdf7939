"""Background jobs of the Carta Famiglia (django-q2)."""

from carta import services


def send_renewal_reminders() -> int:
    """Daily: remind the families whose card ends in 30 or 7 days (idempotent)."""
    return services.cards_remind_renewal()
