"""Who may read and change a Piano Family. Views, services and templates ask here.

A published plan is public, with its objectives, actions and updates: the certification
asks for a public account of the plan. A draft is seen only by those who may edit it.
Network staff edit every plan. TODO(issue 13, item 1): the coordinators of the network's
intercommunal table (or of the municipality's table) may edit its plan, once tables exist.
"""

from __future__ import annotations

from hub.rules import is_person


def can_edit_plans(user) -> bool:
    return is_person(user) and bool(user.is_staff or user.is_superuser)


def can_edit_plan(user, plan) -> bool:
    return can_edit_plans(user)


def can_view_plan(user, plan) -> bool:
    return plan.is_published or can_edit_plan(user, plan)
