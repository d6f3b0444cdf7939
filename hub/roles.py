"""Groups that the hub itself relies on, created on first use (their permissions must exist)."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

STAFF_GROUP_NAME = "Staff della rete"
# The notification place of what the staff is asked to review (join requests, proposals).
STAFF_REVIEW_PLACE = "staff:review"

# (app label, model names): what network staff maintain in the admin.
STAFF_MODEL_PERMISSIONS = [
    ("hub", ["network", "municipality", "macroarea", "area", "ageband"]),
    ("associations", ["association", "joinrequest"]),
    ("events", ["eventproposal"]),
    ("carta", ["cardrule", "category", "badge"]),
]


def staff_group() -> Group:
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP_NAME)
    condition = Q(content_type__app_label="wagtailadmin", codename="access_admin")
    for app_label, models in STAFF_MODEL_PERMISSIONS:
        condition |= Q(content_type__app_label=app_label, content_type__model__in=models)
    group.permissions.add(*Permission.objects.filter(condition))
    return group


def refresh_staff_group(*, app_config=None, using="default", **kwargs) -> None:
    """Give an existing staff group the permissions of models added since it was made.

    A post_migrate receiver of the app that added them. The hub's apps come before
    django.contrib.auth in INSTALLED_APPS, so auth's own receiver has not created the app's
    permissions yet: create them here first (idempotent). A fresh database gets the group,
    with every permission, on first use.
    """
    from django.contrib.auth.management import create_permissions

    if not Group.objects.using(using).filter(name=STAFF_GROUP_NAME).exists():
        return
    if app_config is not None:
        create_permissions(app_config, verbosity=0, using=using)
    staff_group()


def staff_user_ids() -> list[int]:
    """The active members of the network staff (who review join requests and proposals)."""
    return list(
        Group.objects.filter(name=STAFF_GROUP_NAME, user__is_active=True)
        .order_by("user__id")
        .values_list("user__id", flat=True)
    )
