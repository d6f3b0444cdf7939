"""Routes of the notification centre, under /notifiche/ (hub/urls.py includes them)."""

from hub import access
from hub.notifications import views

RECIPIENT = access.object_policy(
    "hub.notifications.rules.owns_notification", "the notification's own person"
)

urlpatterns = [
    access.route("", views.inbox, name="notifications", policy=access.AUTHENTICATED),
    access.route(
        "tutte-lette/",
        views.mark_all_read,
        name="notifications_read_all",
        policy=access.AUTHENTICATED,
    ),
    access.route(
        "preferenze/",
        views.preferences,
        name="notification_preferences",
        policy=access.AUTHENTICATED,
    ),
    access.route(
        "<int:notification_id>/",
        views.open_notification,
        name="notification_open",
        policy=RECIPIENT,
    ),
    access.route(
        "<int:notification_id>/letta/", views.mark_read, name="notification_read", policy=RECIPIENT
    ),
]
