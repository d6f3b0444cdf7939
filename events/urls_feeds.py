"""Calendar feed routes, each with its access policy."""

from events import feed_views
from hub import access

app_name = "events"

# Calendar apps fetch feeds without cookies: the unguessable token in the URL is the
# credential, checked by the view (unknown or rotated token: 404).
PERSONAL_FEED_TOKEN = access.Policy(
    "personal_feed_token",
    "anyone holding the private feed's secret token (the token in the URL is the credential)",
)


def _route(route_str, view, name, policy):
    return access.route(route_str, view, name=name, policy=policy, namespace=app_name)


urlpatterns = [
    _route("eventi/feed.ics", feed_views.feed, "feed", access.PUBLIC),
    _route(
        "eventi/comune/<slug:slug>.ics",
        feed_views.municipality_feed,
        "municipality_feed",
        access.PUBLIC,
    ),
    _route(
        "eventi/associazione/<slug:slug>.ics",
        feed_views.association_feed,
        "association_feed",
        access.PUBLIC,
    ),
    _route(
        "eventi/calendari/<slug:name>.ics",
        feed_views.source_feed,
        "source_feed",
        access.PUBLIC,
    ),
    _route(
        "eventi/personale/rinnova/",
        feed_views.personal_feed_rotate,
        "personal_feed_rotate",
        access.AUTHENTICATED,
    ),
    _route(
        "eventi/personale/<slug:token>.ics",
        feed_views.personal_feed,
        "personal_feed",
        PERSONAL_FEED_TOKEN,
    ),
]
