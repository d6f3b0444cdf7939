"""Extending an open round's deadline (gaf.services.round_extend): the checks, the families
told, the close and the closing reminders following the new deadline once each, across the
night of 25 October 2026 when Italy goes back from CEST (UTC+2) to CET (UTC+1)."""

import ast
import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_q.models import Schedule

from gaf import services, tasks
from gaf.models import OrderRound, RoundProduct
from tests.gaf.factories import make_member, make_product, make_round, make_supplier, rome

pytestmark = pytest.mark.django_db

UTC = dt.UTC
OPENS = rome(2026, 10, 20, 8)
CLOSES = rome(2026, 10, 24, 20)  # Saturday, CEST
DURING = rome(2026, 10, 22, 12)


@pytest.fixture
def open_round(setup):
    supplier = make_supplier(setup)
    product = make_product(supplier, name="Pane")
    family, user = make_member(setup, name="Famiglia Rossi")
    _idle_family, idle_user = make_member(setup, name="Famiglia Gallo")  # has not ordered
    round = make_round(
        setup,
        supplier,
        [product],
        opens_at=OPENS,
        closes_at=CLOSES,
        pickup_date=dt.date(2026, 10, 30),
    )
    services.order_set_quantity(
        round=round,
        family=family,
        round_product=RoundProduct.objects.get(round=round),
        firm=2,
        by_user=user,
        now=DURING,
    )
    return setup, round, user, idle_user


def _job(round: OrderRound, job: str) -> Schedule | None:
    return Schedule.objects.filter(name=f"gaf-round-{round.pk}-{job}").first()


def _run_reminder(round: OrderRound, job: str) -> bool:
    """Run a reminder's scheduled job as the cluster would, with its own arguments."""
    call = ast.parse(f"f({_job(round, job).kwargs})").body[0].value  # as django-q2 reads it
    return tasks.remind_round(**{kw.arg: ast.literal_eval(kw.value) for kw in call.keywords})


def test_the_deadline_moves_and_every_member_is_told(
    open_round, django_capture_on_commit_callbacks
):
    setup, round, user, idle_user = open_round
    revision = round.revision
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.round_extend(
            round=round, closes_at=rome(2026, 10, 26, 20), by=setup.coordinator, now=DURING
        )
    round.refresh_from_db()
    assert round.closes_at == rome(2026, 10, 26, 20)
    assert round.state == "open"
    assert round.revision == revision + 1
    # Every member family, those that have not ordered yet too: it is news for them all.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [user.email, idle_user.email, setup.coordinator.email]
    )
    message = mail.outbox[0]
    assert message.subject.startswith("Prorogata la chiusura di «Giro di prova»")
    assert "lunedì 26 ottobre 2026, 20:00 invece di sabato 24 ottobre 2026, 20:00" in (message.body)


def test_who_turned_the_notice_off_is_not_told(open_round, django_capture_on_commit_callbacks):
    setup, round, user, idle_user = open_round
    services.notification_preferences_set(user=idle_user, round_extended=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.round_extend(
            round=round, closes_at=rome(2026, 10, 26, 20), by=setup.coordinator, now=DURING
        )
    assert idle_user.email not in {m.to[0] for m in mail.outbox}
    assert user.email in {m.to[0] for m in mail.outbox}


@pytest.mark.parametrize(
    ("closes_at", "message"),
    [
        (rome(2026, 10, 22, 11), "nel futuro"),
        (rome(2026, 10, 24, 20), "dopo quella attuale (24/10/2026 20:00)"),
        (rome(2026, 10, 23, 20), "dopo quella attuale"),
        (rome(2026, 10, 31, 9), "Il ritiro è venerdì 30 ottobre 2026"),
        (dt.datetime(2026, 10, 26, 20), "fuso orario"),
    ],
)
def test_a_bad_new_deadline_is_refused_and_nothing_changes(
    open_round, django_capture_on_commit_callbacks, closes_at, message
):
    setup, round, _user, _idle = open_round
    close_job = _job(round, "close").next_run
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        services.round_extend(round=round, closes_at=closes_at, by=setup.coordinator, now=DURING)
    assert message in error.value.message_dict["closes_at"][0]
    assert OrderRound.objects.get(pk=round.pk).closes_at == CLOSES
    assert _job(round, "close").next_run == close_job
    assert not mail.outbox


def test_only_an_open_round_is_extended(open_round):
    setup, round, _user, _idle = open_round
    services.round_close(round=round, by=setup.coordinator, now=DURING)
    with pytest.raises(services.RoundConflict) as error:
        services.round_extend(
            round=round, closes_at=rome(2026, 10, 26, 20), by=setup.coordinator, now=DURING
        )
    assert error.value.code == "round_not_open"
    assert OrderRound.objects.get(pk=round.pk).state == "closed"


def test_across_the_change_to_winter_time_the_jobs_follow_the_new_deadline(open_round):
    """From Saturday 24 October 20:00 CEST to Monday 26 October 20:00 CET: 49 elapsed hours
    for 48 on the clock. The close runs at the new deadline; "24 hours before" is 24 elapsed
    hours (Sunday 20:00 CET), "2 hours before" Monday 18:00."""
    setup, round, _user, _idle = open_round
    assert _job(round, "close").next_run == dt.datetime(2026, 10, 24, 18, tzinfo=UTC)
    services.round_extend(
        round=round, closes_at=rome(2026, 10, 26, 20), by=setup.coordinator, now=DURING
    )
    assert _job(round, "close").next_run == dt.datetime(2026, 10, 26, 19, tzinfo=UTC)
    assert _job(round, "remind-24h").next_run == dt.datetime(2026, 10, 25, 19, tzinfo=UTC)
    assert _job(round, "remind-2h").next_run == rome(2026, 10, 26, 18)
    # One job of each kind: the old ones were moved, not joined by new ones.
    assert Schedule.objects.filter(name__startswith=f"gaf-round-{round.pk}-").count() == 4


def test_24_hours_before_a_deadline_after_the_change_are_24_elapsed_hours(open_round):
    """Sunday 25 October 20:00 CET minus 24 hours is Saturday 21:00 CEST, not 20:00 (which
    Python's wall-clock arithmetic on a Europe/Rome time would give)."""
    setup, round, _user, _idle = open_round
    services.round_extend(
        round=round, closes_at=rome(2026, 10, 25, 20), by=setup.coordinator, now=DURING
    )
    assert _job(round, "remind-24h").next_run == rome(2026, 10, 24, 21)
    assert _job(round, "remind-24h").next_run == dt.datetime(2026, 10, 24, 19, tzinfo=UTC)


def test_each_reminder_goes_out_once_per_deadline(
    open_round, django_capture_on_commit_callbacks, monkeypatch
):
    setup, round, _user, _idle = open_round
    deadline = round.closes_at
    # The 24 h reminder of the first deadline has gone out (Friday 20:00).
    assert services.round_remind(
        round=round, kind="closing_24h", now=rome(2026, 10, 23, 20), deadline=deadline
    )

    # A short extension on Saturday morning: "24 hours before" the new deadline has passed,
    # so no second 24 h reminder; the 2 h one follows the new deadline.
    saturday = rome(2026, 10, 24, 9)
    services.round_extend(
        round=round, closes_at=rome(2026, 10, 24, 22), by=setup.coordinator, now=saturday
    )
    round.refresh_from_db()
    assert round.reminded_24h_at is not None
    assert _job(round, "remind-24h") is None
    assert _job(round, "remind-2h").next_run == rome(2026, 10, 24, 20)
    assert not services.round_remind(round=round, kind="closing_24h", now=saturday)

    # A long one: the 24 h reminder is due again, before the new deadline, once.
    services.round_extend(
        round=round, closes_at=rome(2026, 10, 28, 20), by=setup.coordinator, now=saturday
    )
    round.refresh_from_db()
    assert round.reminded_24h_at is None
    assert _job(round, "remind-24h").next_run == rome(2026, 10, 27, 20)
    # The jobs run on the hub's clock: the evening before the new deadline.
    monkeypatch.setattr(timezone, "now", lambda: rome(2026, 10, 27, 20, 5))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        # A job left from the first deadline (queued before the extension) sends nothing.
        assert not tasks.remind_round(round.pk, "closing_24h", deadline=deadline.isoformat())
        assert _run_reminder(round, "remind-24h")
        assert not _run_reminder(round, "remind-24h")
        assert _run_reminder(round, "remind-2h")
        assert not _run_reminder(round, "remind-2h")
    subjects = sorted({m.subject for m in mail.outbox})
    assert subjects == [
        "Mancano 2 ore alla chiusura di «Giro di prova»",
        "Mancano 24 ore alla chiusura di «Giro di prova»",
    ]
    assert len(mail.outbox) == 2 * 3  # each reminder to each of the three member families


def test_the_scheduled_close_waits_for_the_new_deadline(open_round):
    setup, round, _user, _idle = open_round
    services.round_extend(
        round=round, closes_at=rome(2026, 10, 26, 20), by=setup.coordinator, now=DURING
    )
    # The close job of the old deadline, run late: the round is not due yet.
    with pytest.raises(services.RoundConflict) as error:
        services.round_close(round=round, by=None, now=rome(2026, 10, 24, 20, 0, 1))
    assert error.value.code == "deadline_not_reached"
    assert OrderRound.objects.get(pk=round.pk).state == "open"
    services.round_close(round=round, by=None, now=rome(2026, 10, 26, 20, 0, 1))
    assert OrderRound.objects.get(pk=round.pk).state == "closed"


def test_a_family_orders_after_the_old_deadline(open_round):
    setup, round, user, _idle = open_round
    services.round_extend(
        round=round, closes_at=rome(2026, 10, 26, 20), by=setup.coordinator, now=DURING
    )
    line = services.order_set_quantity(
        round=round,
        family=user.family_membership.family,
        round_product=RoundProduct.objects.get(round=round),
        firm=Decimal(3),
        by_user=user,
        now=rome(2026, 10, 25, 10),
    )
    assert line.firm == Decimal(3)
