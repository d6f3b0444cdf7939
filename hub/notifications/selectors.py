"""Reads of the notification centre, each with a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, QuerySet

from hub.notifications.models import Notification, NotificationPreference
from hub.notifications.registry import effective_delivery, get_kind

# What a missed-notifications answer on the socket sends at most (the page has the rest).
RESUME_LIMIT = 20


def inbox(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The person's notifications, newest first (paginate it: one query per page)."""
    notifications = Notification.objects.filter(user=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-pk")


def unread_count(user) -> int:
    """How many of the person's notifications are unread (one query, on a partial index)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def unread_counts(user_ids: Iterable[int]) -> dict[int, int]:
    """Unread counts for many people in one query (0 for those with none)."""
    user_ids = list(user_ids)
    counts = dict.fromkeys(user_ids, 0)
    counts.update(
        Notification.objects.filter(user_id__in=user_ids, read_at__isnull=True)
        .values_list("user_id")
        .annotate(count=Count("pk"))
        .values_list("user_id", "count")
    )
    return counts


def notification_for(user, notification_id: int) -> Notification | None:
    """The notification if it is this person's; None for anyone else's (and for none)."""
    return Notification.objects.filter(pk=notification_id, user=user).first()


def notifications_after(user, last_id: int) -> list[Notification]:
    """What a reconnecting bell missed: the person's notifications after `last_id`, oldest
    first, at most RESUME_LIMIT (the newest of them)."""
    newest = Notification.objects.filter(user=user, pk__gt=last_id).order_by("-pk")
    return list(reversed(newest[:RESUME_LIMIT]))


def deliveries_for(user_ids: Iterable[int], kind: str, place: str) -> dict[int, str]:
    """How `kind` reaches each person in `place` (one query): their choice for the place,
    else their choice for every place, else the kind's default."""
    spec = get_kind(kind)
    user_ids = list(user_ids)
    chosen: dict[int, dict[str, str]] = {}
    for user_id, row_place, delivery in NotificationPreference.objects.filter(
        user_id__in=user_ids, kind=kind, place__in={"", place}
    ).values_list("user_id", "place", "delivery"):
        chosen.setdefault(user_id, {})[row_place] = delivery
    result = {}
    for user_id in user_ids:
        mine = chosen.get(user_id, {})
        result[user_id] = effective_delivery(spec, mine.get(place, mine.get("")))
    return result


def preferences_of(user) -> dict[tuple[str, str], NotificationPreference]:
    """The person's choices by (kind, place) (one query)."""
    return {
        (row.kind, row.place): row
        for row in NotificationPreference.objects.filter(user=user).order_by("place", "kind")
    }


def places_of(user, preferences: dict | None = None) -> list[tuple[str, str, list[str]]]:
    """The places the person has heard from or has a choice for (`preferences`, from
    preferences_of), with the kinds concerned: (place, label, kinds), by label (one query).
    The choices page offers a choice per kind for each of them."""
    places: dict[str, tuple[str, set[str]]] = {}

    def add(place: str, label: str, kind: str) -> None:
        known_label, kinds = places.setdefault(place, (label, set()))
        kinds.add(kind)
        if label and not known_label:
            places[place] = (label, kinds)

    rows = (
        Notification.objects.filter(user=user)
        .exclude(place="")
        .values_list("place", "place_label", "kind")
        .distinct()
    )
    for place, label, kind in rows:
        add(place, label, kind)
    for (kind, place), row in (preferences or {}).items():
        if place:
            add(place, row.place_label, kind)
    return sorted(
        ((place, label or place, sorted(kinds)) for place, (label, kinds) in places.items()),
        key=lambda entry: entry[1].lower(),
    )
