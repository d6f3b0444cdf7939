"""Who may do what to which object, for the core models. Views, API and consumers ask here."""

from __future__ import annotations

from wagtail.models import APIToken

from hub.models import Family


def owns_api_token(user, token: APIToken) -> bool:
    return user.is_authenticated and token.user_id == user.pk


def can_view_family(user, family: Family) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or family.memberships.filter(user=user).exists()


def can_manage_family(user, family: Family) -> bool:
    return user.is_authenticated and family.memberships.filter(user=user, is_manager=True).exists()
