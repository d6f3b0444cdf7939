"""Close a GAF round of 300 families × 150 products (45,000 order lines) end to end.

Measures, on a fresh test database (SQLite by default, PostgreSQL with DATABASE_URL), each
phase of a round's life after its orders are in:

- close: gaf.services.round_close — allocation of every product, tier prices, family
  lines split to the cent, fund shares, shared costs, all stored;
- documents: gaf.selectors.round_documents — the supplier order and the 300 family slips
  as data (not the PDF rendering);
- send: gaf.services.round_send_to_supplier (the e-mail is queued, not sent);
- delivery: gaf.services.delivery_record with everything delivered as allocated, which
  prices every line again on the delivered quantities;
- settle: gaf.services.round_settle, which books the Fondo Solidale entry;

with the number of queries of the whole, which must be the same for 30 families as for
300 (tests/gaf/test_round_lifecycle.py asserts it per phase).

The baseline is the I/O floor of a job that writes a result per line, timed in the same
run: read every order line of a round (id and quantity) and write one value back for each,
in bulk, in one transaction, with no computation between. It reads the way the services
read (no ordering, decimals as scaled whole numbers, no per-value conversion) and writes
the fastest bulk way measured on each database: on SQLite the driver's executemany of one
UPDATE per row (a JSON document joined to the table took twice as long, UPDATE ... FROM
(VALUES ...) in batches a little longer); on PostgreSQL one UPDATE joined to the rows as
one JSON parameter (unnest() of arrays and VALUES lists about as fast, executemany four to
five times slower). Every phase is reported as a multiple of it (`ratio_<phase>_to_floor`;
the goal is 3 at most). `aggregate_multiple` is the whole close over one SQL aggregate of
the same lines (sum of quantity × price), the older yardstick.

Each of `--repeat` rounds builds two identical rounds: the floor is timed on one, then the
phases on the other, so that both write rows never updated before (on PostgreSQL an
UPDATE leaves the old version of the row behind: rows updated again cost more). Timings
are the best of the rounds, the floor's too: the machine's other work only ever adds.

Run: .venv/bin/python bench/gaf_close.py [--families 300] [--products 150] [--repeat 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import sys
import time
import zlib
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import (  # noqa: E402
    BigIntegerField,
    DecimalField,
    ExpressionWrapper,
    F,
    Sum,
)
from django.db.models.functions import Cast, Round  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_q.conf import Conf  # noqa: E402

ROME = ZoneInfo("Europe/Rome")
OPENS = dt.datetime(2026, 10, 20, 8, tzinfo=ROME)
CLOSES = dt.datetime(2026, 10, 25, 20, tzinfo=ROME)  # the day summer time ends
DURING = dt.datetime(2026, 10, 22, 12, tzinfo=ROME)
D = Decimal


def build(families: int, products: int, tag: str):
    """The group, catalogue, open round and every family's order, with bulk inserts."""
    from gaf import services
    from gaf.models import (
        GroupMembership,
        Order,
        OrderChange,
        OrderLine,
        OrderRound,
        Product,
        ProductPriceTier,
        RoundProduct,
    )
    from hub.models import Family, FamilyMember, Municipality, Network, User

    network = Network.objects.create(name=f"CIdiS {tag}", slug=f"cidis-{tag}", kind="consortium")
    municipality = Municipality.objects.create(
        name=f"Bruino {tag}",
        slug=f"bruino-{tag}",
        istat_code=f"9{zlib.crc32(tag.encode()) % 100000:05d}",
        province="TO",
    )
    network.municipalities.add(municipality)
    coordinator = User.objects.create_user(f"coordinatore-{tag}@example.org")
    coordinator_family = Family.objects.create(name="Coordinatori", municipality=municipality)
    FamilyMember.objects.create(family=coordinator_family, user=coordinator)
    group = services.group_create(
        name=f"GAF Bruino {tag}",
        network=network,
        municipality=municipality,
        coordinator_family=coordinator_family,
        default_fund_percent=D("2.50"),
        by=coordinator,
    )
    point = services.pickup_point_create(group=group, name="Oratorio San Vito", by=coordinator)
    supplier = services.supplier_create(
        network=network, name=f"Cascina {tag}", email="ordini@cascina.example.org", by=coordinator
    )
    catalogue = Product.objects.bulk_create(
        Product(
            supplier=supplier,
            code=f"P{i:03d}",
            name=f"Prodotto {i:03d}",
            category=("frutta", "verdura", "formaggi", "vino")[i % 4],
            unit=("kg", "kg", "pz", "l")[i % 4],
            unit_price=D("1.35") + D(i % 17) * D("0.45"),
            vat_rate=(4, 10, 22, 5)[i % 4],
            case_size=(D("6"), None, D("12"), None)[i % 4],
            multiple=(D("0.5"), D("0.5"), D("1"), D("1"))[i % 4],
            unit_weight_kg=(None, None, D("0.75"), D("1"))[i % 4],
        )
        for i in range(products)
    )
    ProductPriceTier.objects.bulk_create(
        ProductPriceTier(
            product=product, min_quantity=D("30"), unit_price=product.unit_price * D("0.9")
        )
        for product in catalogue[::3]
    )
    round = services.round_create(
        group=group,
        supplier=supplier,
        title=f"Giro di ottobre {tag}",
        opens_at=OPENS,
        closes_at=CLOSES,
        pickup_date=dt.date(2026, 10, 28),
        pickup_points=[point],
        products=catalogue,
        by=coordinator,
    )
    services.round_open(round=round, by=coordinator, now=OPENS)
    services.shared_cost_add(round=round, label="Trasporto", amount=D("85.00"), by=coordinator)
    round_products = list(RoundProduct.objects.filter(round=round).order_by("position"))

    users = User.objects.bulk_create(
        User(email=f"famiglia-{tag}-{i}@example.org") for i in range(families)
    )
    households = Family.objects.bulk_create(
        Family(name=f"Famiglia {i:04d}", municipality=municipality) for i in range(families)
    )
    FamilyMember.objects.bulk_create(
        FamilyMember(family=f, user=u) for f, u in zip(households, users, strict=True)
    )
    GroupMembership.objects.bulk_create(GroupMembership(group=group, family=f) for f in households)
    orders = Order.objects.bulk_create(
        Order(round=round, family=f, pickup_point=point) for f in households
    )
    lines, changes, sequence = [], [], 0
    for index, (family, order) in enumerate(zip(households, orders, strict=True)):
        for position, rp in enumerate(round_products):
            steps = (index * 7 + position * 3) % 6 + 1
            firm = rp.multiple * steps
            tolerance = rp.multiple * ((index + position) % 3) if rp.case_size else D(0)
            sequence += 1
            lines.append(OrderLine(order=order, round_product=rp, firm=firm, tolerance=tolerance))
            changes.append(
                OrderChange(
                    round=round,
                    sequence=sequence,
                    order=order,
                    round_product=rp,
                    family=family,
                    firm=firm,
                    tolerance=tolerance,
                    previous_firm=D(0),
                    previous_tolerance=D(0),
                    by_user=users[index],
                    created_at=DURING,
                )
            )
    OrderLine.objects.bulk_create(lines, batch_size=2000)
    OrderChange.objects.bulk_create(changes, batch_size=2000)
    OrderRound.objects.filter(pk=round.pk).update(last_sequence=sequence)
    round.refresh_from_db()
    return round, coordinator


def close_end_to_end(round, coordinator) -> dict:
    from gaf import selectors, services

    after = CLOSES + dt.timedelta(seconds=1)
    timings = {}
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        assert services.round_close(round=round, by=None, now=after)
        timings["close"] = time.perf_counter() - start

        start = time.perf_counter()
        documents = selectors.round_documents(round)
        timings["documents"] = time.perf_counter() - start

        start = time.perf_counter()
        services.round_send_to_supplier(round=round, by=coordinator, now=after)
        timings["send"] = time.perf_counter() - start

        start = time.perf_counter()
        services.delivery_record(round=round, quantities={}, by=coordinator, now=after)
        timings["delivery"] = time.perf_counter() - start

        start = time.perf_counter()
        entry = services.round_settle(round=round, by=coordinator, now=after)
        timings["settle"] = time.perf_counter() - start
    slips_total = sum(slip.total for slip in documents.slips)
    assert slips_total == (
        documents.supplier_order.total + documents.fund_total + documents.shared_costs_total
    )
    assert entry.amount == documents.fund_total
    return {
        "timings": timings,
        "queries": len(queries.captured_queries),
        "slips": len(documents.slips),
        "supplier_total": str(documents.supplier_order.total),
    }


def io_floor(round) -> float:
    """Read every line of the round and write one value back for each, in one transaction.

    The value is the line's quantity, written to its `total`. Self-contained (it uses no
    code of the hub's but its models), so that it measures the same before and after a
    change to the services: the lines are read as the services read them (no ordering,
    decimals as scaled whole numbers, no per-value conversion), written the fastest bulk
    way measured on each database (see the module docstring), with the garbage collector
    paused, as the services pause it for their bulk work.
    """
    from gaf.models import OrderLine

    table = connection.ops.quote_name(OrderLine._meta.db_table)
    read = (
        OrderLine.objects.filter(order__round=round)
        .order_by()
        .values_list("pk", Cast(Round(F("firm") * 1000), BigIntegerField()))
    )
    if connection.vendor == "sqlite":
        sql = f"UPDATE {table} SET total = %s WHERE id = %s"
    else:
        sql = (
            f"UPDATE {table} SET total = v.total FROM (SELECT (value->>0)::numeric(12, 2) "
            "AS total, (value->>1)::bigint AS id FROM jsonb_array_elements(%s::jsonb)) AS v "
            f"WHERE {table}.id = v.id"
        )
    gc.disable()
    try:
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(*read.query.sql_with_params())
            text: dict[int, str] = {}
            rows = []
            for pk, thousandths in cursor.fetchall():
                value = text.get(thousandths)
                if value is None:
                    value = text[thousandths] = str(Decimal(thousandths).scaleb(-3))
                rows.append((value, pk))
            if connection.vendor == "sqlite":
                cursor.executemany(sql, rows)
            else:
                cursor.execute(sql, [json.dumps(rows)])
        return time.perf_counter() - start
    finally:
        gc.enable()


def aggregate(round) -> float:
    from gaf.models import OrderLine

    amount = ExpressionWrapper(
        F("firm") * F("round_product__unit_price"),
        output_field=DecimalField(max_digits=20, decimal_places=7),
    )
    best = None
    for _ in range(5):
        start = time.perf_counter()
        OrderLine.objects.filter(order__round=round).aggregate(total=Sum(amount))
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


PHASES = ("close", "documents", "send", "delivery", "settle")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=300)
    parser.add_argument("--products", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    # Tasks (the e-mails to families and supplier) are queued in the broker, as in
    # production, not run inside the measured close.
    Conf.SYNC = False
    connection.settings_dict.setdefault("TEST", {})["MIGRATE"] = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    runs, floors = [], []
    try:
        with transaction.atomic():
            small_round, small_coordinator = build(args.families // 10, args.products, "small")
        small = close_end_to_end(small_round, small_coordinator)
        for repetition in range(args.repeat):
            with transaction.atomic():
                large_round, coordinator = build(args.families, args.products, f"large{repetition}")
                floor_round, _coordinator = build(
                    args.families, args.products, f"floor{repetition}"
                )
            floors.append(io_floor(floor_round))
            runs.append(close_end_to_end(large_round, coordinator))
        base = aggregate(large_round)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    large = runs[-1]
    timings = {phase: min(run["timings"][phase] for run in runs) for phase in PHASES}
    floor = min(floors)
    total = sum(timings.values())
    ledger = timings["send"] + timings["delivery"] + timings["settle"]
    lines = args.families * args.products
    ratios = {phase: seconds / floor for phase, seconds in timings.items()}
    print(f"database: {connection.vendor}")
    print(f"round: {args.families} families × {args.products} products = {lines} order lines")
    print(f"best of {args.repeat} rounds; ratio to the I/O floor:")
    for phase, seconds in timings.items():
        print(f"  {phase:<10} {seconds * 1000:9.1f} ms  {ratios[phase]:5.2f}×")
    print(
        f"  {'ledger':<10} {ledger * 1000:9.1f} ms  {ledger / floor:5.2f}×"
        "  (send + delivery + settle)"
    )
    print(f"  {'total':<10} {total * 1000:9.1f} ms")
    print(
        f"queries: {large['queries']} for {args.families} families, "
        f"{small['queries']} for {args.families // 10} families"
    )
    print(
        f"I/O floor (read the {lines} lines, write one value back for each, in one "
        f"transaction): {floor * 1000:.1f} ms"
    )
    print(f"one SQL aggregate over the {lines} lines: {base * 1000:.1f} ms")
    print(f"whole close / aggregate: {total / base:.1f}")
    result = {
        "database": connection.vendor,
        "families": args.families,
        "products": args.products,
        "lines": lines,
        "repeat": args.repeat,
        **{f"{phase}_ms": round(seconds * 1000, 1) for phase, seconds in timings.items()},
        "ledger_ms": round(ledger * 1000, 1),
        "total_ms": round(total * 1000, 1),
        "queries": large["queries"],
        "queries_tenth_of_families": small["queries"],
        "floor_ms": round(floor * 1000, 1),
        **{f"ratio_{phase}_to_floor": round(ratio, 2) for phase, ratio in ratios.items()},
        "ratio_ledger_to_floor": round(ledger / floor, 2),
        "ratio": round(max(ratios.values()), 2),
        "aggregate_ms": round(base * 1000, 2),
        "aggregate_multiple": round(total / base, 1),
        "slips": large["slips"],
    }
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
