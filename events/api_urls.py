"""API routes of events, included by hub.urls under /api/v1/ (namespace "api").

Every route declares its access policy; the router's routes are declared by their names.
"""

from rest_framework.routers import SimpleRouter

from associations.api_auth import ASSOCIATION_TOKEN
from events import api
from hub import access

# One route reads and writes: anyone lists and reads; creating and changing take the token
# of the association whose event it is (checked by the view: another's event is a 404).
EVENTS = access.Policy(
    "events_api",
    "anyone reads; an association API token creates and changes its own events",
    object_rule="events.api.EventViewSet.get_queryset",
)

router = SimpleRouter()
router.register("events", api.EventViewSet, basename="events")
access.declare("api:events-list", EVENTS)
access.declare("api:events-detail", EVENTS)
access.declare("api:events-occurrences", access.PUBLIC)
access.declare("api:events-cancel", ASSOCIATION_TOKEN)

api_patterns = [*router.urls]
