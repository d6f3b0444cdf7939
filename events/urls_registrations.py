"""Registration routes: register and cancel, and the organizer's attendee list."""

from events import registration_views as views
from hub import access

app_name = "events"

ORGANIZERS = access.object_policy(
    "events.rules.can_manage_registrations",
    "the event's organizers (its association's editors and admins) and network staff",
)
REGISTRANT_OR_ORGANIZERS = access.object_policy(
    "events.rules.can_cancel_registration",
    "the registered person, the event's organizers and network staff",
)


def _route(route_str, view, name, policy):
    return access.route(route_str, view, name=name, policy=policy, namespace=app_name)


urlpatterns = [
    _route(
        "eventi/<int:event_id>/iscrizione/",
        views.registration_create,
        "registration_create",
        access.AUTHENTICATED,
    ),
    _route(
        "eventi/iscrizioni/<int:registration_id>/annulla/",
        views.registration_cancel,
        "registration_cancel",
        REGISTRANT_OR_ORGANIZERS,
    ),
    _route(
        "eventi/<int:event_id>/iscritti.csv",
        views.attendees_csv,
        "attendees_csv",
        ORGANIZERS,
    ),
]
