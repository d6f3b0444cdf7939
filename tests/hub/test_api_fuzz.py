"""Schemathesis against the whole API, in process, as four principals.

The OpenAPI schema at /api/v1/schema/ drives the requests: for every operation, a fixed
number of generated cases that follow the schema (positive) and a fixed number that break it
(negative: wrong types, missing fields, out-of-range values, NUL bytes), sent through the
hub's own WSGI stack (every middleware, the DRF authentication chain, the error handler)
with the demo data loaded, so that paths and ids also point at real objects: a GAF round
that is open, its products, published events and initiatives, associations.

Each principal is one test: anonymous, a family (personal API token), a GAF coordinator
(personal API token) and an association (association API token). A case fails on a 5xx and
on any response the schema does not describe: an undocumented status code, another content
type, a body that does not conform. All failures of a run are reported together.

Bounded: `EXAMPLES` cases per operation and generation mode, derandomized (the same cases on
every run), no shrinking. The number of cases each principal sent, and the statuses it got,
are printed and written to `var/test-reports/api-fuzz-<principal>.json`.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from wagtail.models import APIToken

from associations import services as association_services
from associations.models import Association
from events.models import EventPage
from gaf.models import OrderRound, Supplier
from hub.demo import DEMO_ADMIN_EMAIL
from hub.models import AgeBand, Area, MacroArea, Network, User

pytestmark = pytest.mark.django_db

EXAMPLES = 6
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CONFIG = {
    "generation": {
        # The principal's header is the only authentication: none made up by the generator.
        "with-security-parameters": False,
        "allow-x00": True,
    },
}
FAMILY_EMAIL = "famiglia.rossi@example.org"
COORDINATOR_EMAIL = "referente.gaf@example.org"
ASSOCIATION_SLUG = "polisportiva-bruinese"
REPORTS = Path(settings.BASE_DIR) / "var" / "test-reports"


@pytest.fixture(scope="module")
def wsgi_app():
    """The hub's WSGI application, with the connection kept open across requests (as Django's
    test client does): the demo data lives in this test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module's tests (each runs in a savepoint of this
    transaction) and rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _load_demo()
        transaction.set_rollback(True)


def _load_demo() -> dict:
    call_command("seed_demo", allow_production=True, stdout=StringIO())
    association = Association.objects.get(slug=ASSOCIATION_SLUG)
    association_token, association_plaintext = association_services.association_token_create(
        association=association, name="fuzz", by=User.objects.get(email=DEMO_ADMIN_EMAIL)
    )
    tokens = {"anonymous": None, "association": association_plaintext}
    for principal, email in (("family", FAMILY_EMAIL), ("coordinator", COORDINATOR_EMAIL)):
        _token, plaintext = APIToken.create_token(user=User.objects.get(email=email), name="fuzz")
        tokens[principal] = plaintext
    round = OrderRound.objects.filter(state=OrderRound.State.OPEN).order_by("pk").first()
    event = EventPage.objects.live().filter(association=association).order_by("pk").first()
    return {
        "tokens": tokens,
        # Real values for path parameters, by path template and parameter name.
        "paths": {
            "slug": {
                "/networks/{slug}/": Network.objects.order_by("pk").first().slug,
                "/municipalities/{slug}/": "bruino",
                "/areas/{slug}/": Area.objects.order_by("pk").first().slug,
                "/age-bands/{slug}/": AgeBand.objects.order_by("pk").first().slug,
                "/associations/{slug}/": ASSOCIATION_SLUG,
                "/associations/{slug}/tokens/": ASSOCIATION_SLUG,
                "/associations/{slug}/tokens/{token_id}/": ASSOCIATION_SLUG,
            },
            "code": {"/macro-areas/{code}/": MacroArea.objects.order_by("pk").first().code},
            "token_id": {"/associations/{slug}/tokens/{token_id}/": association_token.pk},
            "id": {
                "/events/{id}/": event.pk,
                "/events/{id}/cancel/": event.pk,
                "/initiatives/{id}/": association.page.get_children().live().first().pk,
            },
            "round_id": {
                "/gaf/rounds/{round_id}/": round.pk,
                "/gaf/rounds/{round_id}/products/": round.pk,
                "/gaf/rounds/{round_id}/orders/": round.pk,
            },
        },
        "round": round.pk,
        "round_products": list(round.products.order_by("pk").values_list("pk", flat=True)),
        "supplier": Supplier.objects.order_by("pk").first().slug,
        "areas": list(Area.objects.order_by("pk").values_list("slug", flat=True)),
        "age_bands": list(AgeBand.objects.order_by("pk").values_list("slug", flat=True)),
    }


# Quantities as people and programs type them, the awkward ones included.
QUANTITIES = st.one_of(
    st.decimals(min_value=0, max_value=10_000, places=3, allow_nan=False).map(str),
    st.sampled_from(["1e9", "1E+308", "9" * 20, "1_000", "\uff11", "-1", "0.0001", "NaN", "inf"]),
    st.text(max_size=20),
)


def _order_input(draw, case, demo):
    """A well-formed order on the open round, with quantities as people type them."""
    line = st.fixed_dictionaries(
        {"round_product": st.sampled_from(demo["round_products"]), "firm": QUANTITIES},
        optional={"tolerance": QUANTITIES},
    )
    case.body = {"round": demo["round"], "lines": draw(st.lists(line, min_size=1, max_size=3))}
    case.media_type = "application/json"


# Dates anywhere in the calendar, the edges included.
MOMENTS = st.one_of(
    st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2028, 1, 1)),
    st.datetimes(),
)


def _event_input(draw, case, demo):
    """A plausible event of the association, at any moment."""
    start = draw(MOMENTS)
    end = draw(st.one_of(st.just(start + dt.timedelta(hours=2)), MOMENTS))
    body = {
        "title": draw(st.text(min_size=1, max_size=40)),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "municipality": "bruino",
        "areas": draw(st.lists(st.sampled_from(demo["areas"]), max_size=2)),
        "age_bands": draw(st.lists(st.sampled_from(demo["age_bands"]), max_size=2)),
    }
    if draw(st.booleans()):
        body["recurrence"] = {
            "freq": draw(st.sampled_from(["daily", "weekly", "monthly"])),
            "count": draw(st.integers(min_value=1, max_value=600)),
        }
        body["excluded_dates"] = [d.isoformat() for d in draw(st.lists(st.dates(), max_size=3))]
    case.body = body
    case.media_type = "application/json"


def _query_input(**values):
    def patch(draw, case, demo):
        case.query = {**(case.query or {}), **{k: demo.get(v, v) for k, v in values.items()}}

    return patch


# Positive cases of these operations also get real ids and slugs in their input, so that
# they get past "not found" and into the services.
REAL_INPUT = {
    ("PUT", "/gaf/orders/mine/"): _order_input,
    ("POST", "/gaf/orders/mine/"): _order_input,
    ("POST", "/events/"): _event_input,
    ("PATCH", "/events/{id}/"): _event_input,
    ("GET", "/gaf/products/"): _query_input(supplier="supplier"),
    ("GET", "/gaf/orders/mine/"): _query_input(round="round"),
    ("GET", "/events/"): _query_input(comune="bruino"),
    ("GET", "/events/occurrences/"): _query_input(comune="bruino"),
}


@st.composite
def _with_real_input(draw, strategy, patch, demo):
    case = draw(strategy)
    patch(draw, case, demo)
    return case


def _template(operation) -> str:
    return operation.path.removeprefix("/api/v1")


def _real_path_parameters(operation, demo) -> dict | None:
    template = _template(operation)
    values = {}
    for parameter in operation.path_parameters:
        value = demo["paths"].get(parameter.name, {}).get(template)
        if value is None:
            return None
        values[parameter.name] = value
    return values or None


def _can_break(operation) -> bool:
    """Whether negative generation has anything to break: a body, a query parameter, or a
    path parameter that is not a free string (any string is a well-formed slug)."""
    return bool(
        list(operation.body)
        or list(operation.query)
        or any(
            parameter.definition.get("schema", {}).get("type") != "string"
            for parameter in operation.path_parameters
        )
    )


def _strategies(operation, demo):
    """Generated cases in both modes; with path parameters, also cases on a real object."""
    real = _real_path_parameters(operation, demo)
    modes = [GenerationMode.POSITIVE]
    if _can_break(operation):
        modes.append(GenerationMode.NEGATIVE)
    for mode in modes:
        # Hypothesis draws the first option most, so real objects come first.
        options = [operation.as_strategy(generation_mode=mode)]
        if real is not None:
            options.insert(0, operation.as_strategy(generation_mode=mode, path_parameters=real))
        patch = REAL_INPUT.get((operation.method.upper(), _template(operation)))
        if patch is not None and mode is GenerationMode.POSITIVE:
            options.insert(0, _with_real_input(options[0], patch, demo))
        yield mode, st.one_of(options)


@dataclass
class Run:
    operations: int = 0
    cases: int = 0
    statuses: Counter = field(default_factory=Counter)
    by_operation: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)


def _fuzz(schema, demo: dict, headers: dict) -> Run:
    run = Run()
    for result in schema.get_all_operations():
        operation = result.ok()
        run.operations += 1
        statuses = run.by_operation.setdefault(operation.label, Counter())
        for mode, strategy in _strategies(operation, demo):
            try:
                _send_cases(strategy, headers, run, statuses)
            except hypothesis.errors.Unsatisfiable:
                continue
            except (Exception, FailureGroup) as error:
                run.failures.append(f"{operation.label} ({mode.value}):\n{error}")
    return run


def _send_cases(strategy, headers: dict, run: Run, statuses: Counter) -> None:
    @hypothesis.settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @hypothesis.given(case=strategy)
    def send(case):
        run.cases += 1
        response = case.call(headers=headers)
        run.statuses[response.status_code] += 1
        statuses[response.status_code] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    send()


@pytest.fixture(scope="module")
def api_schema(demo, wsgi_app, django_db_blocker):
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi(
            "/api/v1/schema/?format=json", wsgi_app, config=schemathesis.Config.from_dict(CONFIG)
        )


@pytest.mark.parametrize("principal", ["anonymous", "family", "coordinator", "association"])
def test_api_conforms_to_its_schema(principal, demo, api_schema):
    random.seed(0)
    schema = api_schema
    token = demo["tokens"][principal]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    run = _fuzz(schema, demo, headers)
    _record(principal, run)
    print(f"api fuzz: {principal}: {run.cases} cases over {run.operations} operations")
    assert run.operations >= 30
    # Every operation got at least one case, and most got the full count.
    assert run.cases >= run.operations * EXAMPLES // 2
    assert not run.failures, f"{len(run.failures)} failing operations:\n\n" + "\n\n".join(
        run.failures
    )


def _record(principal: str, run: Run) -> None:
    """One file per principal: the principals may run in different xdist workers."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = {
        "principal": principal,
        "operations": run.operations,
        "cases": run.cases,
        "statuses": {str(code): count for code, count in sorted(run.statuses.items())},
        "failing_operations": len(run.failures),
        "by_operation": {
            label: {str(code): count for code, count in sorted(statuses.items())}
            for label, statuses in run.by_operation.items()
        },
    }
    path = REPORTS / f"api-fuzz-{principal}.json"
    path.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
