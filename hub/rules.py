"""Who may do what to which object, for the core models. Views, API and consumers ask here."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from wagtail.models import APIToken

from hub.models import Family


def is_person(user) -> bool:
    """A signed-in, active person: an association API token is authenticated but is not a
    person (its pk is None)."""
    return bool(user and user.is_authenticated and user.is_active and user.pk is not None)


def owns_api_token(user, token: APIToken) -> bool:
    return user.is_authenticated and token.user_id == user.pk


def can_view_family(user, family: Family) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or family.memberships.filter(user=user).exists()


def can_manage_family(user, family: Family) -> bool:
    return user.is_authenticated and family.memberships.filter(user=user, is_manager=True).exists()


def has_verified_email(user) -> bool:
    """The address the account signs in with has been confirmed (allauth's EmailAddress)."""
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def may_create_api_token(user) -> bool:
    """A token acts for its owner without a password: only for a confirmed address."""
    return bool(user.is_authenticated and user.is_active and has_verified_email(user))
