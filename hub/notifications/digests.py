"""What a digest covers and how it is laid out: plain values, no database.

A digest covers whole local days (Europe/Rome): the daily one the day before the run, the
weekly one the seven days before the Monday of the run's week. It takes every notification
created before its period ends that has not been e-mailed yet, so a digest that could not
run one day is caught up by the next one, and nothing is counted twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from hub.notifications.registry import Delivery

ROME = ZoneInfo("Europe/Rome")


@dataclass(frozen=True)
class Period:
    start: dt.datetime  # aware, local midnight
    end: dt.datetime  # aware, local midnight, excluded

    @property
    def first_day(self) -> dt.date:
        return self.start.date()

    @property
    def last_day(self) -> dt.date:
        return self.end.date() - dt.timedelta(days=1)


def _midnight(day: dt.date) -> dt.datetime:
    # Midnight exists once on every day in Rome (the clocks change at 02:00 and 03:00).
    return dt.datetime.combine(day, dt.time(0), tzinfo=ROME)


def period_before(delivery: str, now: dt.datetime) -> Period:
    """The last whole period before `now` for a digest delivery (daily or weekly)."""
    today = now.astimezone(ROME).date()
    if delivery == Delivery.DAILY:
        return Period(_midnight(today - dt.timedelta(days=1)), _midnight(today))
    if delivery == Delivery.WEEKLY:
        monday = today - dt.timedelta(days=today.weekday())
        return Period(_midnight(monday - dt.timedelta(days=7)), _midnight(monday))
    raise ValueError(f"not a digest delivery: {delivery!r}")


class Item(Protocol):
    place: str
    place_label: str
    created_at: dt.datetime
    # Optional: what in the place it is about ("tables:proposal:7", "Centro estivo").
    # topic: str
    # topic_label: str


@dataclass(frozen=True)
class TopicGroup:
    """The items of one place about one thing (a table's proposal); topic "" for the rest."""

    topic: str
    topic_label: str
    items: Sequence


@dataclass(frozen=True)
class PlaceGroup:
    place: str
    place_label: str
    items: Sequence

    @property
    def topics(self) -> list[TopicGroup]:
        """The place's items grouped by topic, the topic with the newest item first (the
        items are newest first already), each topic's items newest first."""
        return group_by_topic(self.items)


def _newest_first_key(item) -> tuple:
    # Same time: the later row (higher id) first.
    return (item.created_at, getattr(item, "pk", None) or 0)


def group_by_place(items: Iterable[Item]) -> list[PlaceGroup]:
    """Items grouped by place, newest first within each place, and the place with the
    newest item first. Notifications without a place form one group, labelled by the first
    label found (empty for none)."""
    groups: dict[str, list] = {}
    for item in sorted(items, key=_newest_first_key, reverse=True):
        groups.setdefault(item.place, []).append(item)
    return [
        PlaceGroup(place, next((i.place_label for i in members if i.place_label), ""), members)
        for place, members in groups.items()
    ]


def group_by_topic(items: Sequence) -> list[TopicGroup]:
    """`items` (newest first) grouped by their topic, keeping that order: one block per
    topic, the block whose newest item is newest first. Items without a topic form one
    block of their own, in its place in that order."""
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(getattr(item, "topic", "") or "", []).append(item)
    return [
        TopicGroup(
            topic,
            next((label for i in members if (label := getattr(i, "topic_label", ""))), ""),
            members,
        )
        for topic, members in groups.items()
    ]
