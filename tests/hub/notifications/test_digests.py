"""Digests: every notification of the period, grouped by place, newest first, one e-mail per
person, sent once however often the task runs; periods are whole days in Europe/Rome."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django_q.brokers import get_broker
from django_q.models import Schedule
from django_q.scheduler import scheduler

from hub.models import Notification
from hub.notifications import services, tasks
from hub.notifications.digests import Period, group_by_place, period_before
from tests.hub.factories import UserFactory

ROME = ZoneInfo("Europe/Rome")


def rome(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ROME)


# --- Periods and grouping (no database) -----------------------------------------------------


def test_the_daily_period_is_yesterday_in_rome_even_when_it_has_25_hours():
    period = period_before("daily", rome(2026, 10, 26, 7))
    assert period == Period(rome(2026, 10, 25), rome(2026, 10, 26))
    assert period.start == dt.datetime(2026, 10, 24, 22, tzinfo=dt.UTC)  # CEST
    assert period.end == dt.datetime(2026, 10, 25, 23, tzinfo=dt.UTC)  # CET
    # (same-zone subtraction is wall-clock in Python: compare in UTC)
    assert period.end.astimezone(dt.UTC) - period.start.astimezone(dt.UTC) == dt.timedelta(hours=25)
    # Ten past midnight in Rome is still the previous day in UTC: the day is Rome's.
    assert period_before("daily", dt.datetime(2026, 10, 25, 23, 10, tzinfo=dt.UTC)) == period


def test_the_weekly_period_is_the_week_before_this_monday():
    period = period_before("weekly", rome(2026, 10, 28, 7))  # a Wednesday
    assert (period.first_day, period.last_day) == (dt.date(2026, 10, 19), dt.date(2026, 10, 25))
    assert period.end == rome(2026, 10, 26)


def test_only_digests_have_periods():
    with pytest.raises(ValueError):
        period_before("email", rome(2026, 10, 26, 7))


class Item:
    def __init__(self, pk, place, label, when):
        self.pk, self.place, self.place_label, self.created_at = pk, place, label, when


def test_grouped_by_place_newest_first():
    items = [
        Item(1, "a", "GAF Bruino", rome(2026, 10, 25, 9)),
        Item(2, "b", "Tavolo", rome(2026, 10, 25, 10)),
        Item(3, "a", "GAF Bruino", rome(2026, 10, 25, 11)),
        Item(4, "", "", rome(2026, 10, 25, 8)),
    ]
    groups = group_by_place(items)
    assert [(g.place_label, [i.pk for i in g.items]) for g in groups] == [
        ("GAF Bruino", [3, 1]),
        ("Tavolo", [2]),
        ("", [4]),
    ]


class TopicItem(Item):
    def __init__(self, pk, topic, label, when):
        super().__init__(pk, "tables:table:1", "Tavolo", when)
        self.topic, self.topic_label = topic, label


def test_within_a_place_grouped_by_topic_the_newest_first():
    items = [
        TopicItem(1, "tables:proposal:1", "Proposta «A»", rome(2026, 10, 25, 9)),
        TopicItem(2, "tables:proposal:2", "Proposta «B»", rome(2026, 10, 25, 10)),
        TopicItem(3, "tables:proposal:1", "Proposta «A»", rome(2026, 10, 25, 11)),
        TopicItem(4, "", "", rome(2026, 10, 25, 8)),
    ]
    (group,) = group_by_place(items)
    assert [(t.topic_label, [i.pk for i in t.items]) for t in group.topics] == [
        ("Proposta «A»", [3, 1]),
        ("Proposta «B»", [2]),
        ("", [4]),
    ]
    # Items that say nothing of a topic make one block.
    (plain,) = group_by_place([Item(5, "a", "GAF", rome(2026, 10, 25, 9))])
    assert [(t.topic, [i.pk for i in t.items]) for t in plain.topics] == [("", [5])]


# --- Sending --------------------------------------------------------------------------------


def _at(user, when, title, *, place="", label="", delivery="daily", kind="test.digest"):
    (notification,) = services.notify(
        users=[user], kind=kind, title=title, place=place, place_label=label, now=when
    )
    assert notification.delivery == delivery
    return notification


@pytest.fixture
def day_of_the_clock_change(alice, bob):
    """Alice's and Bob's daily notifications around Sunday 25 October 2026 (25 hours)."""
    group, table = ("gaf:group:1", "GAF Bruino"), ("tables:table:4", "Tavolo di Orbassano")
    _at(alice, rome(2026, 10, 24, 23, 30), "Sabato sera", place=group[0], label=group[1])
    _at(
        alice,
        rome(2026, 10, 25, 0, 30),
        "Domenica, mezzanotte e mezza",
        place=group[0],
        label=group[1],
    )
    _at(
        alice,
        rome(2026, 10, 25, 2, 30),
        "Domenica, 2:30 (ora legale)",
        place=table[0],
        label=table[1],
    )
    _at(alice, rome(2026, 10, 25, 23, 30), "Domenica sera", place=group[0], label=group[1])
    _at(
        alice,
        rome(2026, 10, 26, 0, 10),
        "Lunedì, mezzanotte e dieci",
        place=group[0],
        label=group[1],
    )
    _at(alice, rome(2026, 10, 25, 12), "Subito per e-mail", kind="test.news", delivery="email")
    _at(alice, rome(2026, 10, 25, 13), "Senza luogo")
    _at(bob, rome(2026, 10, 25, 18), "Per Bob", place=group[0], label=group[1])
    mail.outbox.clear()  # the one sent at once


def test_the_daily_digest_holds_everything_of_rome_s_day_once(day_of_the_clock_change, alice, bob):
    assert services.digest_send(delivery="daily", now=rome(2026, 10, 25, 7)) == 1
    (saturday,) = mail.outbox
    assert saturday.to == [alice.email]
    assert "Sabato sera" in saturday.body
    assert "mezzanotte e mezza" not in saturday.body

    mail.outbox.clear()
    assert services.digest_send(delivery="daily", now=rome(2026, 10, 26, 7)) == 2
    by_person = {message.to[0]: message for message in mail.outbox}
    sunday = by_person[alice.email]
    assert sunday.subject == "Riepilogo di domenica 25 ottobre 2026: 4 notifiche"
    body = sunday.body
    titles = [
        "Domenica sera",
        "Domenica, mezzanotte e mezza",
        "Senza luogo",
        "Domenica, 2:30 (ora legale)",
    ]
    assert all(title in body for title in titles)
    # Grouped by place (the place with the newest first), newest first inside each.
    assert body.index("== GAF Bruino ==") < body.index("Domenica sera")
    assert body.index("Domenica sera") < body.index("Domenica, mezzanotte e mezza")
    assert body.index("Domenica, mezzanotte e mezza") < body.index("== Altre notifiche ==")
    assert body.index("== Altre notifiche ==") < body.index("Senza luogo")
    assert body.index("Senza luogo") < body.index("== Tavolo di Orbassano ==")
    assert "25/10 23:30 · Domenica sera" in body  # local times
    assert "25/10 02:30 · Domenica, 2:30 (ora legale)" in body
    assert "http://testserver/notifiche/" in body
    assert "Lunedì" not in body and "Sabato sera" not in body and "Subito" not in body
    assert "Per Bob" in by_person[bob.email].body and "Domenica" not in by_person[bob.email].body

    mail.outbox.clear()
    assert services.digest_send(delivery="daily", now=rome(2026, 10, 26, 7, 5)) == 0
    assert mail.outbox == []
    pending = Notification.objects.filter(delivery="daily", emailed_at__isnull=True)
    assert list(pending.values_list("title", flat=True)) == ["Lunedì, mezzanotte e dieci"]


def test_a_missed_day_is_caught_up_by_the_next_digest(day_of_the_clock_change, alice):
    services.digest_send(delivery="daily", now=rome(2026, 10, 26, 7))
    (alices,) = [m for m in mail.outbox if m.to == [alice.email]]
    assert "Sabato sera" in alices.body  # the 25 October run never happened


def test_the_scheduled_task_sends_each_digest_once(alice, bob, django_assert_max_num_queries):
    """The real django-q2 path: the migration's schedule, run by the scheduler (sync in the
    tests), calls hub.notifications.tasks.send_digests; running the task again sends nothing."""
    for n in range(3):
        _at(alice, rome(2026, 11, 2, 9 + n), f"Avviso {n}", place="gaf:group:1", label="GAF")
    _at(bob, rome(2026, 11, 3, 9), "Per Bob")
    extra = UserFactory.create_batch(5)
    for user in extra:
        _at(user, rome(2026, 11, 3, 10), "Per tutti")
    daily = Schedule.objects.get(name="hub-notifications-daily-digest")
    assert (daily.func, daily.kwargs, daily.schedule_type) == (
        "hub.notifications.tasks.send_digests",
        "delivery='daily'",
        Schedule.DAILY,
    )
    assert daily.next_run.astimezone(ROME).time() == dt.time(7, 0)
    assert Schedule.objects.get(name="hub-notifications-weekly-digest").schedule_type == "W"

    Schedule.objects.filter(pk=daily.pk).update(next_run=rome(2026, 11, 4, 7))  # due now
    scheduler(broker=get_broker())
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [alice.email, bob.email, *(u.email for u in extra)]
    )
    (alices,) = [m for m in mail.outbox if m.to == [alice.email]]
    assert alices.body.count("Avviso") == 3
    mail.outbox.clear()
    with django_assert_max_num_queries(2):
        assert tasks.send_digests("daily") == 0
    assert mail.outbox == []


def test_digest_queries_per_person_are_fixed(alice, bob, django_assert_max_num_queries):
    for user in (alice, bob):
        for n in range(10):
            _at(user, rome(2026, 11, 2, 9, n), f"N{n}", place=f"p{n % 3}", label=f"L{n % 3}")
    # who has a digest; then per person: savepoint, lock and read, mark sent, release
    with django_assert_max_num_queries(1 + 2 * 4):
        assert services.digest_send(delivery="daily", now=rome(2026, 11, 3, 7)) == 2


def test_weekly_digests_wait_for_monday(alice):
    from hub.notifications.services import notification_preferences_set

    notification_preferences_set(user=alice, choices={("test.digest", ""): "weekly"})
    _at(alice, rome(2026, 10, 21, 9), "Mercoledì", delivery="weekly")
    _at(alice, rome(2026, 10, 26, 9), "Lunedì dopo", delivery="weekly")
    assert services.digest_send(delivery="daily", now=rome(2026, 10, 22, 7)) == 0
    assert services.digest_send(delivery="weekly", now=rome(2026, 10, 26, 7)) == 1
    (message,) = mail.outbox
    assert (
        message.subject == "Riepilogo della settimana dal 19 ottobre al 25 ottobre 2026: 1 notifica"
    )
    assert "Mercoledì" in message.body and "Lunedì dopo" not in message.body
