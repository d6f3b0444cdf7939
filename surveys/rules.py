"""Who may do what with questionnaires."""

from __future__ import annotations

from hub.rules import is_person


def can_manage_surveys(user) -> bool:
    """Results, free-text answers, exports and invitations are for network staff only."""
    return is_person(user) and (user.is_staff or user.is_superuser)
