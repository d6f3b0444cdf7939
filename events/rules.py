"""Who may do what with events: register, see and manage the attendees, manage an
association's import sources. Views, API, admin hooks and services ask here."""

from __future__ import annotations

from associations import rules as association_rules
from associations.models import Association
from events.models import EventPage, Registration
from hub.rules import is_person


def can_register(user) -> bool:
    return is_person(user)


def can_manage_registrations(user, event: EventPage) -> bool:
    """The event's organizers: its association's editors and admins (for a municipal event,
    whoever may edit the page in Wagtail) and network staff."""
    if not is_person(user):
        return False
    if user.is_staff or user.is_superuser:
        return True
    if event.association_id is not None:
        return association_rules.is_editor(user, event.association)
    return event.permissions_for_user(user).can_edit()


def can_cancel_registration(user, registration: Registration) -> bool:
    if not is_person(user):
        return False
    return registration.user_id == user.pk or can_manage_registrations(user, registration.event)


def may_manage_sources(user, association: Association) -> bool:
    """The association's editors and admins, and network staff."""
    if not is_person(user):
        return False
    return bool(user.is_staff or user.is_superuser) or association_rules.is_editor(
        user, association
    )
