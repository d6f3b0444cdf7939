"""Routes of the tables, each with its access policy (hub.access).

Reading a table, a meeting or a proposal is public at route level and decided by
tables.rules in the view (a private table answers 404 to anyone but its members, as if it
did not exist). Every action needs a signed-in person, and the view asks the named rule.
"""

from hub import access
from tables.views import discussion, meetings, proposals, suggestions, tables

app_name = "tables"

TABLE_READER = access.Policy(
    "table_reader",
    "everyone for a public table; only its members for a private one (404 otherwise)",
    object_rule="tables.rules.can_view_table",
)
PROPOSAL_READER = access.Policy(
    "table_proposal_reader",
    "who may see the table; a draft only its co-authors and the coordinators",
    object_rule="tables.rules.can_view_proposal",
)
MEETING_READER = access.Policy(
    "table_meeting_reader",
    "who may see the meeting's table",
    object_rule="tables.rules.can_view_meeting",
)
# The link is the credential: whoever holds it reads which table invites them; the invited
# person, signed in with that address, answers.
INVITEE = access.Policy(
    "table_invitation_link",
    "anyone with the invitation link reads it; the invited person, signed in with that "
    "e-mail, accepts or declines",
    object_rule="tables.services.invitation_respond",
)
TABLE_CREATOR = access.object_policy(
    "tables.rules.can_create_table", "network staff and coordinators of a table"
)
REQUESTER = access.object_policy(
    "tables.rules.can_request_membership", "signed-in people who are not members (public table)"
)
MEMBER_MANAGER = access.object_policy(
    "tables.rules.can_manage_members", "the table's coordinators (a member may leave)"
)
COORDINATOR = access.object_policy("tables.rules.is_coordinator", "the table's coordinators")
MEETING_MANAGER = access.object_policy(
    "tables.rules.can_manage_meetings", "the table's coordinators"
)
PROPOSER = access.object_policy(
    "tables.rules.can_create_proposal", "the table's members and coordinators"
)
EDITOR = access.object_policy(
    "tables.rules.can_edit_proposal", "the proposal's co-authors and the coordinators"
)
MOVER = access.object_policy(
    "tables.rules.can_move_proposal", "co-authors and coordinators, as tables.workflow allows"
)
COMMENTER = access.object_policy(
    "tables.rules.can_comment", "the table's members and coordinators, while not locked"
)
MODERATOR = access.object_policy("tables.rules.can_moderate", "the table's coordinators")
ENDORSER = access.object_policy("tables.rules.can_endorse", "the table's members and coordinators")
LINKER = access.object_policy(
    "tables.plan_rules.can_edit_plan",
    "the table's coordinators and network staff who edit the Piano Family, for an approved "
    "proposal",
)
SUGGESTER = access.object_policy(
    "tables.rules.can_suggest",
    "the table's members, observers included, while the proposal is being written",
)
SUGGESTION_DECIDER = access.object_policy(
    "tables.rules.can_decide_suggestion", "the proposal's co-authors and the coordinators"
)
DECIDER = access.object_policy(
    "tables.rules.can_record_decision", "the table's coordinators, for a submitted proposal"
)


def _route(route_str, view, name, policy):
    return access.route(route_str, view, name=name, policy=policy, namespace=app_name)


T = "tavoli/<slug:slug>/"
P = T + "proposte/<int:proposal_id>/"
M = T + "riunioni/<int:meeting_id>/"

urlpatterns = [
    _route("tavoli/", tables.index, "index", access.PUBLIC),
    _route("tavoli/nuovo/", tables.table_create, "table_create", TABLE_CREATOR),
    _route("tavoli/invito/<str:token>/", tables.invitation, "invitation", INVITEE),
    _route(T, tables.table_detail, "table", TABLE_READER),
    _route(T + "modifica/", tables.table_edit, "table_edit", COORDINATOR),
    _route(T + "partecipa/", tables.join, "join", REQUESTER),
    _route(
        T + "richieste/<int:request_id>/", tables.request_decide, "request_decide", MEMBER_MANAGER
    ),
    _route(T + "inviti/", tables.invite, "invite", MEMBER_MANAGER),
    _route(
        T + "inviti/<int:invitation_id>/revoca/",
        tables.invitation_revoke,
        "invitation_revoke",
        MEMBER_MANAGER,
    ),
    _route(T + "componenti/<int:membership_id>/", tables.member_update, "member", MEMBER_MANAGER),
    # Meetings.
    _route(T + "riunioni/nuova/", meetings.meeting_create, "meeting_create", MEETING_MANAGER),
    _route(M, meetings.meeting_detail, "meeting", MEETING_READER),
    _route(M + "modifica/", meetings.meeting_edit, "meeting_edit", MEETING_MANAGER),
    _route(M + "ordine-del-giorno/", meetings.agenda_add, "agenda_add", MEETING_MANAGER),
    _route(
        M + "ordine-del-giorno/<int:item_id>/elimina/",
        meetings.agenda_remove,
        "agenda_remove",
        MEETING_MANAGER,
    ),
    _route(M + "presenze/", meetings.attendance, "attendance", MEETING_MANAGER),
    _route(M + "verbale/", meetings.minutes, "minutes", MEETING_MANAGER),
    _route(M + "verbale.pdf", meetings.minutes_pdf, "minutes_pdf", MEETING_READER),
    # Proposals.
    _route(T + "proposte/nuova/", proposals.proposal_create, "proposal_create", PROPOSER),
    _route(P, proposals.proposal_detail, "proposal", PROPOSAL_READER),
    _route(P + "modifica/", proposals.proposal_edit, "proposal_edit", EDITOR),
    _route(P + "stato/", proposals.proposal_status, "proposal_status", MOVER),
    _route(P + "coautori/", proposals.proposal_coauthors, "proposal_coauthors", EDITOR),
    _route(P + "versioni/", proposals.proposal_compare, "proposal_compare", PROPOSAL_READER),
    _route(P + "versioni/ripristina/", proposals.proposal_restore, "proposal_restore", EDITOR),
    _route(P + "decisione/", proposals.proposal_decision, "proposal_decision", DECIDER),
    _route(P + "obiettivo/", proposals.proposal_link_objective, "proposal_link_objective", LINKER),
    # Discussion.
    _route(P + "commenti/", discussion.comments_since, "comments", PROPOSAL_READER),
    _route(P + "commenti/nuovo/", discussion.comment_create, "comment_create", COMMENTER),
    _route(
        P + "commenti/<int:comment_id>/moderazione/",
        discussion.comment_moderate,
        "comment_moderate",
        MODERATOR,
    ),
    _route(P + "sostegno/", discussion.endorse, "endorse", ENDORSER),
    # Suggestions.
    _route(
        P + "suggerimenti/nuovo/", suggestions.suggestion_create, "suggestion_create", SUGGESTER
    ),
    _route(
        P + "suggerimenti/<int:suggestion_id>/",
        suggestions.suggestion_decide,
        "suggestion_decide",
        SUGGESTION_DECIDER,
    ),
]
