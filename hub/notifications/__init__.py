"""The hub's notification centre (DESIGN.md, "Notifications"): the one way any app tells a
person something. Its public interface is this module:

    register_kind(code, *, label, default="email", always=False, immediate=False)  # ready()
    notify(*, users, kind, title, body="", url="", place="", place_label="", actor=None,
           key="", data=None, topic="", topic_label="")               # from a service
    withdraw(*, users=None, place, keep=())  # what they may no longer see: gone from
                                             # inbox, digests and choices

`notify` creates one notification per person (never for the actor) in the caller's
transaction; once it commits each person's bell is updated live, and the notification is
e-mailed at once or waits for the daily or weekly digest, as they chose for that kind in
that place (hub.notifications.registry.Delivery). A non-empty `key` makes it idempotent per
person: a second notify with the same key for the same person creates nothing. A `topic`
says what in the place it is about ("tables:proposal:7", labelled `topic_label`): a digest
shows one block per topic within each place.

Inside: registry (kinds and deliveries), models (the hub app's Notification and
NotificationPreference), selectors, services, digests (period boundaries, grouping), tasks
(e-mails now and digests), views, forms, urls, context_processors (the bell).
"""

from __future__ import annotations

from hub.notifications.registry import Delivery, register_kind

__all__ = ["MENTION", "Delivery", "notify", "register_kind", "withdraw"]

# The hub's own kind for @mentions, whatever the app (chat, table comments): always
# notified, whatever the person chose for the other kinds.
MENTION = "mention"


def notify(
    *,
    users,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    place: str = "",
    place_label: str = "",
    actor=None,
    key: str = "",
    data: dict | None = None,
    topic: str = "",
    topic_label: str = "",
) -> list:
    """Notify each of `users` (people or their ids); returns the notifications created.

    `kind` must be registered; `url` is a path on the hub ("/gaf/..."); `place` is a key
    ("gaf:group:12") and `place_label` its name for people ("GAF Bruino"); `data` holds
    plain references for the kind's own e-mail. Raises ValueError for a url that is not a
    path on the hub, LookupError for an unregistered kind.
    """
    # Imported here: the models import this package while Django loads the hub app.
    from hub.notifications import services

    return services.notify(
        users=users,
        kind=kind,
        title=title,
        body=body,
        url=url,
        place=place,
        place_label=place_label,
        actor=actor,
        key=key,
        data=data,
        topic=topic,
        topic_label=topic_label,
    )


def withdraw(*, users=None, place: str, keep=()) -> int:
    """Delete the notifications of `place` for `users` (None: everyone but `keep`), inbox
    and pending digests alike, and their choices for it: for a place they may no longer
    see. Returns how many notifications were deleted."""
    from hub.notifications import services

    return services.notifications_withdraw(users=users, place=place, keep=keep)
