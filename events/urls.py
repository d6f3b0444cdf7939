"""Public routes of events; each part's routes are declared (with their access policy)
in its own module."""

from events.urls_feeds import urlpatterns as feed_patterns
from events.urls_proposals import urlpatterns as proposal_patterns
from events.urls_public import urlpatterns as public_patterns
from events.urls_registrations import urlpatterns as registration_patterns

app_name = "events"

urlpatterns = [*public_patterns, *feed_patterns, *registration_patterns, *proposal_patterns]
