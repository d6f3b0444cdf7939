"""Scheduled jobs and e-mails: the close runs once, reminders honour each person's choices."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connections
from django_q.brokers import get_broker
from django_q.models import Schedule
from django_q.scheduler import scheduler

from gaf import services, tasks
from gaf.models import OrderRound, RoundProduct
from hub.models import Notification
from hub.notifications.services import notification_preferences_set
from tests.gaf.factories import (
    make_group,
    make_member,
    make_product,
    make_round,
    make_supplier,
    rome,
)

D = Decimal
DURING = rome(2026, 10, 22, 12)


@pytest.fixture
def open_round(db):
    setup = make_group()
    supplier = make_supplier(setup)
    product = make_product(supplier, name="Pane")
    family, user = make_member(setup, name="Famiglia Rossi")
    round = make_round(setup, supplier, [product], closes_at=rome(2026, 10, 25, 20))
    services.order_set_quantity(
        round=round,
        family=family,
        round_product=RoundProduct.objects.get(round=round),
        firm=2,
        by_user=user,
        now=DURING,
    )
    return setup, round, family, user


def test_round_open_schedules_the_close_at_the_deadline(open_round):
    _setup, round, _family, _user = open_round
    close = Schedule.objects.get(name=f"gaf-round-{round.pk}-close")
    assert close.func == "gaf.tasks.close_round"
    assert close.schedule_type == Schedule.ONCE
    assert close.next_run == rome(2026, 10, 25, 20)
    assert close.next_run == dt.datetime(2026, 10, 25, 19, tzinfo=dt.UTC)  # CET after DST
    remind = Schedule.objects.get(name=f"gaf-round-{round.pk}-remind-2h")
    assert remind.next_run == rome(2026, 10, 25, 18)


def test_scheduled_close_runs_exactly_once(open_round, django_capture_on_commit_callbacks):
    """The schedule is due (the hub's clock is past the deadline): the scheduler runs it,
    then the same job, run again by a retry, finds the round closed and does nothing."""
    _setup, round, _family, user = open_round
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        scheduler(broker=get_broker())
        scheduler(broker=get_broker())
        assert tasks.close_round(round.pk) is False
    round.refresh_from_db()
    assert round.state == "closed"
    # The scheduler also ran the other jobs that were due (the reminders, too late to be
    # sent, and the pickup reminder): one e-mail about the close, one about the pickup.
    closed = [m for m in mail.outbox if "chiuso" in m.subject]
    assert [m.to for m in closed] == [[user.email]]
    assert len(mail.outbox) == 2
    assert not Schedule.objects.filter(name=f"gaf-round-{round.pk}-close").exists()


def test_stale_schedule_does_not_close_early(open_round):
    """A job left from before a reopening runs at the old deadline: it must not close."""
    setup, round, _family, _user = open_round
    services.round_close(round=round, by=setup.coordinator, now=DURING)
    services.round_reopen(
        round=round, closes_at=rome(2030, 1, 10, 20), by=setup.coordinator, now=DURING
    )
    assert tasks.close_round(round.pk) is False
    assert OrderRound.objects.get(pk=round.pk).state == "open"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_closes_close_once():
    setup = make_group()
    supplier = make_supplier(setup)
    product = make_product(supplier)
    family, user = make_member(setup)
    round = make_round(setup, supplier, [product])
    services.order_set_quantity(
        round=round,
        family=family,
        round_product=RoundProduct.objects.get(round=round),
        firm=1,
        by_user=user,
        now=DURING,
    )
    mail.outbox.clear()
    barrier = threading.Barrier(6)
    results = []

    def close():
        try:
            barrier.wait(timeout=30)
            results.append(tasks.close_round(round.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=close) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [False] * 5 + [True]
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_reminders_once_and_only_to_who_wants_them(open_round, django_capture_on_commit_callbacks):
    setup, round, _family, user = open_round
    _other, other_user = make_member(setup)
    notification_preferences_set(user=other_user, choices={("gaf.closing_2h", ""): "inbox"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.round_remind(round=round, kind="closing_2h", now=rome(2026, 10, 25, 18))
        assert not services.round_remind(
            round=round, kind="closing_2h", now=rome(2026, 10, 25, 18, 1)
        )
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([user.email, setup.coordinator.email])
    assert mail.outbox[0].subject.startswith("Mancano 2 ore alla chiusura")
    # Every member has it in the inbox, once; the one who chose the inbox only, too.
    inbox = Notification.objects.filter(kind="gaf.closing_2h")
    assert sorted(inbox.values_list("user_id", flat=True)) == sorted(
        [user.pk, setup.coordinator.pk, other_user.pk]
    )
    reminder = inbox.get(user=other_user)
    assert (reminder.delivery, reminder.emailed_at) == ("inbox", None)
    assert reminder.title.startswith("Mancano 2 ore alla chiusura")
    assert reminder.place == f"gaf:group:{setup.group.pk}"
    assert reminder.place_label == setup.group.name
    assert reminder.url == f"/gaf/giri/{round.pk}/"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.round_remind(round=round, kind="closing_24h", now=rome(2026, 10, 24, 20))
    assert other_user.email in {m.to[0] for m in mail.outbox}


def test_no_reminder_after_the_close(open_round):
    setup, round, _family, _user = open_round
    services.round_close(round=round, by=setup.coordinator, now=DURING)
    assert not services.round_remind(round=round, kind="closing_2h", now=DURING)


def test_delivery_reminder_to_families_receiving_goods(
    open_round, django_capture_on_commit_callbacks
):
    setup, round, _family, user = open_round
    services.round_close(round=round, by=setup.coordinator, now=DURING)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_delivery(round.pk)
        assert not tasks.remind_delivery(round.pk)
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "Totale da pagare: 4,08 €" in mail.outbox[0].body


def test_closed_mail_shows_the_family_its_own_allocation_only(
    open_round, django_capture_on_commit_callbacks
):
    setup, round, _family, user = open_round
    other, other_user = make_member(setup, name="Famiglia Gallo")
    services.order_set_quantity(
        round=round,
        family=other,
        round_product=RoundProduct.objects.get(round=round),
        firm=5,
        by_user=other_user,
        now=DURING,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.round_close(round=round, by=setup.coordinator, now=DURING)
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "Famiglia Rossi" in bodies[user.email]
    assert "Famiglia Gallo" not in bodies[user.email]
    assert "Totale: 4,08 €" in bodies[user.email]  # 2 × 2.00 + 2% fund share
