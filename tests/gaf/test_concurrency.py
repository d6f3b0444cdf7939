"""Limits decided under concurrency, with real threads and real database connections.

On PostgreSQL each thread has its own connection and the services lock the round row
(and, in a prepaid group, the family's membership row). On SQLite the same services run
against a database file (a copy of the test database) with the project's settings,
transaction_mode IMMEDIATE: writers queue for the lock instead of failing with
"database is locked".
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from gaf import services
from gaf.models import Order, OrderChange, OrderLine, OrderRound, RoundProduct
from gaf.services import LineInput
from tests.gaf.factories import (
    bulk_members,
    make_group,
    make_product,
    make_round,
    make_supplier,
    rome,
)
from tests.sqlite_file import threads_use_a_file_copy

D = Decimal
DURING = rome(2026, 10, 22, 12)
CHANGES = 200
AVAILABLE = 150
THREADS = 40  # PostgreSQL allows 100 connections, shared with other test runs


def _run_in_threads(calls, threads: int) -> list[str]:
    """Run the calls on `threads` threads that start together; each call's outcome."""
    barrier = threading.Barrier(threads)
    chunks = [calls[i::threads] for i in range(threads)]

    def worker(chunk):
        outcomes = []
        try:
            barrier.wait(timeout=60)
            for call in chunk:
                try:
                    call()
                    outcomes.append("accepted")
                except ValidationError as error:
                    outcomes.append(f"refused:{' '.join(error.messages)}")
                except Exception as error:  # the test reports any other failure
                    outcomes.append(f"error:{type(error).__name__}:{error}")
        finally:
            connections.close_all()
        return outcomes

    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(worker, chunks))
    return [outcome for chunk in results for outcome in chunk]


def _basket_race(threads: int):
    """200 families each order, in one basket, 1 of a product limited to 150 and 1 of a
    free one: exactly 150 baskets go through, whole; the others leave nothing behind."""
    setup = make_group()
    supplier = make_supplier(setup)
    limited = make_product(supplier, name="Uova", max_total=D(AVAILABLE))
    free = make_product(supplier, name="Pane")
    round = make_round(setup, supplier, [limited, free])
    limited_rp = RoundProduct.objects.get(round=round, product=limited)
    free_rp = RoundProduct.objects.get(round=round, product=free)
    families = bulk_members(setup, CHANGES)
    user = setup.coordinator

    def call(family):
        return lambda: services.order_set_quantities(
            round=round,
            family=family,
            lines=[LineInput(limited_rp.pk, 1), LineInput(free_rp.pk, 1)],
            by_user=user,
            now=DURING,
        )

    return round, limited_rp, free_rp, [call(family) for family in families]


def _check_race(round, limited_rp, free_rp, outcomes):
    counts = Counter(outcome.split(":")[0] for outcome in outcomes)
    errors = [outcome for outcome in outcomes if outcome.startswith("error")]
    assert errors == []
    assert (len(outcomes), counts["accepted"], counts["refused"]) == (CHANGES, AVAILABLE, 50)
    assert {o for o in outcomes if o.startswith("refused")} == {"refused:Uova: esaurito."}
    # Nothing lost, nothing half-saved: both lines for the 150, nothing for the others.
    assert OrderLine.objects.filter(round_product=limited_rp, firm=1).count() == AVAILABLE
    assert OrderLine.objects.filter(round_product=free_rp, firm=1).count() == AVAILABLE
    assert Order.objects.filter(round=round).count() == AVAILABLE
    assert set(
        OrderLine.objects.filter(round_product=limited_rp).values_list("order", flat=True)
    ) == set(OrderLine.objects.filter(round_product=free_rp).values_list("order", flat=True))
    # The event log: one event per line written, numbered 1..300 without gaps.
    sequences = list(
        OrderChange.objects.filter(round=round)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, 2 * AVAILABLE + 1))
    assert OrderRound.objects.get(pk=round.pk).last_sequence == 2 * AVAILABLE


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_200_concurrent_baskets_on_postgresql():
    round, limited_rp, free_rp, calls = _basket_race(THREADS)
    outcomes = _run_in_threads(calls, THREADS)
    _check_race(round, limited_rp, free_rp, outcomes)


def _read_in_thread(function):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: (function(), connections.close_all())[0]).result()


@pytest.mark.django_db(transaction=True)
@pytest.mark.sqlite
def test_200_concurrent_baskets_on_sqlite(tmp_path):
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    round, limited_rp, free_rp, calls = _basket_race(8)
    with threads_use_a_file_copy(tmp_path, "gaf.sqlite3"):
        outcomes = _run_in_threads(calls, 8)
        _read_in_thread(lambda: _check_race(round, limited_rp, free_rp, outcomes))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_prepaid_credit_is_not_exceeded_from_two_devices():
    """Ten families with 10 € of credit each order 8 € from two devices, in two rounds at
    once: for each family exactly one order goes through."""
    setup = make_group(prepaid_mode=True, fund_percent=D("0"))
    supplier = make_supplier(setup)
    product = make_product(supplier, name="Miele", unit_price=D("8.00"))
    first = make_round(setup, supplier, [product], title="Giro 1")
    second = make_round(setup, supplier, [product], title="Giro 2")
    families = bulk_members(setup, 10)
    for family in families:
        services.payment_record(
            group=setup.group,
            family=family,
            amount=D("10.00"),
            method="bank_transfer",
            paid_on=dt.date(2026, 10, 1),
            by=setup.coordinator,
        )

    def call(round, family):
        round_product = RoundProduct.objects.get(round=round, product=product)
        return lambda: services.order_set_quantities(
            round=round,
            family=family,
            lines=[LineInput(round_product.pk, 1)],
            by_user=setup.coordinator,
            now=DURING,
        )

    calls = [call(round, family) for family in families for round in (first, second)]
    outcomes = _run_in_threads(calls, 20)
    assert [o for o in outcomes if o.startswith("error")] == []
    assert Counter(o.split(":")[0] for o in outcomes) == {"accepted": 10, "refused": 10}
    per_family = Counter(OrderLine.objects.filter(firm=1).values_list("order__family", flat=True))
    assert per_family == dict.fromkeys((family.pk for family in families), 1)
