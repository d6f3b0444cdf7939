"""API routes of the tables and of the Piano Family, included by hub.urls under /api/v1/
(namespace "api").

Every route declares its access policy; the routes about one table's things name the rule
of tables.rules the view asks (a private table's things answer 404 to non-members).
"""

from hub import access
from tables import api

TABLE_VIEWER = access.Policy(
    "tables_api_view",
    "anyone for a public table; only its members for a private one",
    object_rule="tables.rules.can_view_table",
)
PROPOSAL_VIEWER = access.Policy(
    "tables_api_proposal",
    "anyone for a public table's published proposals; members for a private table's; "
    "drafts: co-authors and coordinators",
    object_rule="tables.rules.can_view_proposal",
)
PROPOSER = access.object_policy("tables.rules.can_create_proposal", "the table's members")
COMMENTS = access.Policy(
    "tables_api_comments",
    "read: whoever sees the proposal; write: the table's members (tables.rules.can_comment)",
    object_rule="tables.rules.can_comment",
)
ENDORSER = access.object_policy("tables.rules.can_endorse", "the table's members")
MOVER = access.object_policy(
    "tables.rules.can_move_proposal", "the proposal's co-authors and the table's coordinators"
)
PLAN_VIEWER = access.Policy(
    "tables_api_plan",
    "anyone for a published plan; drafts: those who edit it",
    object_rule="tables.plan_rules.can_view_plan",
)
PROPOSALS = access.Policy(
    "tables_api_proposals",
    "read: whoever sees the table; create: its members (tables.rules.can_create_proposal)",
    object_rule="tables.rules.can_create_proposal",
)


def _route(route_str, view, name, policy):
    return access.route(route_str, view, name=name, policy=policy, namespace="api")


api_patterns = [
    _route("tables/", api.TableListView.as_view(), "tables-list", access.PUBLIC),
    _route("tables/<slug:slug>/", api.TableDetailView.as_view(), "tables-detail", TABLE_VIEWER),
    _route(
        "tables/<slug:slug>/meetings/",
        api.MeetingListView.as_view(),
        "tables-meetings",
        TABLE_VIEWER,
    ),
    _route(
        "tables/<slug:slug>/proposals/",
        api.ProposalListView.as_view(),
        "tables-proposals",
        PROPOSALS,
    ),
    _route(
        "table-meetings/<int:id>/",
        api.MeetingDetailView.as_view(),
        "tables-meeting",
        TABLE_VIEWER,
    ),
    _route(
        "table-proposals/<int:id>/",
        api.ProposalDetailView.as_view(),
        "tables-proposal",
        PROPOSAL_VIEWER,
    ),
    _route(
        "table-proposals/<int:id>/versions/",
        api.VersionListView.as_view(),
        "tables-proposal-versions",
        PROPOSAL_VIEWER,
    ),
    _route(
        "table-proposals/<int:id>/comments/",
        api.CommentListView.as_view(),
        "tables-proposal-comments",
        COMMENTS,
    ),
    _route(
        "table-proposals/<int:id>/endorse/",
        api.EndorseView.as_view(),
        "tables-proposal-endorse",
        ENDORSER,
    ),
    _route(
        "table-proposals/<int:id>/status/",
        api.StatusView.as_view(),
        "tables-proposal-status",
        MOVER,
    ),
    _route("plans/", api.PlanListView.as_view(), "plans-list", access.PUBLIC),
    _route("plans/<slug:slug>/", api.PlanDetailView.as_view(), "plans-detail", PLAN_VIEWER),
    _route(
        "plans/<slug:slug>/objectives/",
        api.ObjectiveListView.as_view(),
        "plans-objectives",
        PLAN_VIEWER,
    ),
    _route(
        "plans/<slug:slug>/objectives/<int:id>/",
        api.ObjectiveDetailView.as_view(),
        "plans-objective",
        PLAN_VIEWER,
    ),
]
