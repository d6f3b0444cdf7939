"""Public routes of associations, each with its access policy."""

from associations import editor_views, views
from hub import access

app_name = "associations"

ASSOCIATION_ADMIN = access.object_policy(
    "associations.rules.can_manage_editors", "the association's admins"
)
# Anyone holding the link sees what the invitation is (and is asked to sign in); only the
# invited person, signed in with that address, may accept it.
INVITEE = access.Policy(
    "invitation_link",
    "anyone with the link reads the invitation; the invited person, signed in with that "
    "e-mail, accepts it",
    object_rule="associations.services.invitation_accept",
)


def _route(route_str, view, name, policy):
    return access.route(route_str, view, name=name, policy=policy, namespace=app_name)


urlpatterns = [
    _route("associazioni/", views.directory, "directory", access.PUBLIC),
    _route("associazioni/aderisci/", views.join, "join", access.PUBLIC),
    _route("associazioni/aderisci/inviata/", views.join_sent, "join_sent", access.PUBLIC),
    _route(
        "associazioni/invito/<str:token>/",
        editor_views.invitation_accept,
        "invitation_accept",
        INVITEE,
    ),
    _route("associazioni/<slug:slug>/segui/", views.follow, "follow", access.AUTHENTICATED),
    _route(
        "associazioni/<slug:slug>/redattori/", editor_views.editors, "editors", ASSOCIATION_ADMIN
    ),
    _route(
        "associazioni/<slug:slug>/redattori/<int:user_id>/rimuovi/",
        editor_views.editor_remove,
        "editor_remove",
        ASSOCIATION_ADMIN,
    ),
    _route(
        "associazioni/<slug:slug>/token/",
        editor_views.token_create,
        "token_create",
        ASSOCIATION_ADMIN,
    ),
    _route(
        "associazioni/<slug:slug>/token/<int:token_id>/revoca/",
        editor_views.token_revoke,
        "token_revoke",
        ASSOCIATION_ADMIN,
    ),
    _route("mappatura/", views.mapping, "mapping", access.PUBLIC),
    _route("mappatura/iniziative/", views.initiatives, "initiatives", access.PUBLIC),
    _route("mappatura/mappatura.csv", views.mapping_csv, "mapping_csv", access.PUBLIC),
    _route("mappatura/mappatura.json", views.mapping_json, "mapping_json", access.PUBLIC),
]
