"""Who may do what to an association. Views, API, admin hooks and templates ask here."""

from __future__ import annotations

from associations.models import Association, AssociationMembership


def _role(user, association: Association) -> str | None:
    if not user.is_authenticated:
        return None
    cache = getattr(user, "_association_roles", None)
    if cache is None:
        cache = dict(
            AssociationMembership.objects.filter(user=user).values_list("association_id", "role")
        )
        user._association_roles = cache
    return cache.get(association.pk)


def is_editor(user, association: Association) -> bool:
    return _role(user, association) is not None


def is_admin(user, association: Association) -> bool:
    return _role(user, association) == AssociationMembership.Role.ADMIN


def can_manage_editors(user, association: Association) -> bool:
    return is_admin(user, association) or bool(user.is_authenticated and user.is_superuser)


def can_manage_tokens(user, association: Association) -> bool:
    return is_admin(user, association)


def can_review_join_requests(user) -> bool:
    return bool(
        user.is_authenticated
        and (user.is_superuser or user.has_perm("associations.change_joinrequest"))
    )


def can_follow(user) -> bool:
    return bool(user.is_authenticated)
