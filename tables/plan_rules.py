"""Who may read and change a Piano Family. Views, services and templates ask here.

A published plan is public, with its objectives, actions and updates: the certification
asks for a public account of the plan. A draft is seen only by those who may edit it.
Network staff edit every plan; the coordinators of the network's intercommunal table edit
the network's plan, those of a municipality's table its municipality's plan.
"""

from __future__ import annotations

from hub.rules import is_person
from tables.models import Membership, Role, Table


def can_edit_plans(user) -> bool:
    return is_person(user) and bool(user.is_staff or user.is_superuser)


def coordinates_plan_table(user, plan) -> bool:
    """Whether the person coordinates the table whose plan this is (one query, kept on the
    plan for the request)."""
    if not is_person(user):
        return False
    cache = plan.__dict__.setdefault("_coordinators", {})
    if user.pk not in cache:
        tables = Table.objects.none()
        if plan.network_id:
            tables = Table.objects.filter(network_id=plan.network_id, kind=Table.Kind.INTERCOMMUNAL)
        elif plan.municipality_id:
            tables = Table.objects.filter(
                municipality_id=plan.municipality_id, kind=Table.Kind.MUNICIPAL
            )
        cache[user.pk] = Membership.objects.filter(
            user=user, role=Role.COORDINATOR, table__in=tables
        ).exists()
    return cache[user.pk]


def can_edit_plan(user, plan) -> bool:
    return can_edit_plans(user) or coordinates_plan_table(user, plan)


def can_view_plan(user, plan) -> bool:
    return plan.is_published or can_edit_plan(user, plan)
