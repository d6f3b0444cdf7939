"""Groups that the hub itself relies on, created on first use (their permissions must exist)."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

STAFF_GROUP_NAME = "Staff della rete"

# (app label, model names): what network staff maintain in the admin.
STAFF_MODEL_PERMISSIONS = [
    ("hub", ["network", "municipality", "macroarea", "area", "ageband"]),
    ("associations", ["association", "joinrequest"]),
]


def staff_group() -> Group:
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP_NAME)
    condition = Q(content_type__app_label="wagtailadmin", codename="access_admin")
    for app_label, models in STAFF_MODEL_PERMISSIONS:
        condition |= Q(content_type__app_label=app_label, content_type__model__in=models)
    group.permissions.add(*Permission.objects.filter(condition))
    return group


def staff_emails() -> list[str]:
    return (
        list(
            Group.objects.get(name=STAFF_GROUP_NAME)
            .user_set.filter(is_active=True)
            .values_list("email", flat=True)
        )
        if Group.objects.filter(name=STAFF_GROUP_NAME).exists()
        else []
    )
