"""Routes of event proposals (residents and informal groups propose, staff decide in the
Wagtail admin)."""

from events import proposal_views as views
from hub import access

app_name = "events"

# Visitors read what a proposal is and are asked to sign in; signed-in people send one.
PROPOSAL_FORM = access.Policy(
    "event_proposal_form",
    "anyone reads the form's explanation; signed-in people propose (events.proposals)",
    object_rule="events.proposals.can_propose",
)


def _route(route_str, view, name, policy):
    return access.route(route_str, view, name=name, policy=policy, namespace=app_name)


urlpatterns = [
    _route("eventi/proponi/", views.propose, "propose", PROPOSAL_FORM),
    _route("eventi/proposte/", views.my_proposals, "my_proposals", access.AUTHENTICATED),
]
