"""Public pages of events: the list, the month grid and each event's .ics file."""

from events import views
from hub import access

app_name = "events"


def _route(route_str, view, name, policy):
    return access.route(route_str, view, name=name, policy=policy, namespace=app_name)


urlpatterns = [
    _route("eventi/", views.event_list, "list", access.PUBLIC),
    _route("eventi/mese/<int:year>/<int:month>/", views.month, "month", access.PUBLIC),
    # Only live events on public pages: the view answers 404 for any other.
    _route("eventi/<int:event_id>/evento.ics", views.event_ics, "event_ics", access.PUBLIC),
]
