"""Routes of the Piano Family, mounted at /piano-family/ (hub.urls), each with its access
policy (hub.access).

The public pages serve published plans to everyone; a draft answers 404 to whoever may
not edit it (tables.plan_rules). Writing plans, objectives, actions and updates is for
network staff.
"""

from hub import access
from tables import plan_views as views

app_name = "piano_family"


def _route(route_str, view, name, policy):
    return access.route(route_str, view, name=name, policy=policy, namespace=app_name)


PLAN = "<slug:slug>/"
OBJECTIVE = PLAN + "obiettivi/<int:objective_id>/"
STAFF = access.STAFF
# A plan is edited by network staff and by the coordinators of its table (the network's
# intercommunal table, the municipality's table): the views ask tables.plan_rules.
EDITOR = access.object_policy(
    "tables.plan_rules.can_edit_plan",
    "network staff and the coordinators of the plan's intercommunal or municipal table",
)

urlpatterns = [
    _route("", views.plan_index, "index", access.PUBLIC),
    _route("nuovo/", views.plan_create, "plan_create", STAFF),
    _route(PLAN, views.plan_detail, "plan", access.PUBLIC),
    _route(PLAN + "cruscotto/", views.dashboard, "dashboard", access.PUBLIC),
    _route(PLAN + "relazione.csv", views.plan_csv, "plan_csv", access.PUBLIC),
    _route(PLAN + "relazione.pdf", views.plan_pdf, "plan_pdf", access.PUBLIC),
    _route(PLAN + "modifica/", views.plan_edit, "plan_edit", EDITOR),
    _route(PLAN + "pubblicazione/", views.plan_publish, "plan_publish", EDITOR),
    _route(PLAN + "obiettivi/nuovo/", views.objective_create, "objective_create", EDITOR),
    _route(OBJECTIVE, views.objective_detail, "objective", access.PUBLIC),
    _route(OBJECTIVE + "modifica/", views.objective_edit, "objective_edit", EDITOR),
    _route(OBJECTIVE + "elimina/", views.objective_delete, "objective_delete", EDITOR),
    _route(OBJECTIVE + "azioni/nuova/", views.action_create, "action_create", EDITOR),
    _route(
        OBJECTIVE + "azioni/<int:action_id>/modifica/", views.action_edit, "action_edit", EDITOR
    ),
    _route(
        OBJECTIVE + "azioni/<int:action_id>/elimina/",
        views.action_delete,
        "action_delete",
        EDITOR,
    ),
    _route(OBJECTIVE + "aggiornamenti/nuovo/", views.update_create, "update_create", EDITOR),
    _route(
        OBJECTIVE + "aggiornamenti/<int:update_id>/elimina/",
        views.update_delete,
        "update_delete",
        EDITOR,
    ),
]
