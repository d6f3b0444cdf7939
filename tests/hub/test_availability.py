"""When the database cannot serve: 503 with Retry-After, in the hub's look or error format.

These tests raise real driver errors (a refused connection, a locked SQLite file) and check
how they are classified and answered; tests/integration/test_unavailable.py stops a real
database under a running hub.
"""

import json
import sqlite3

import pytest
from django.db import IntegrityError, OperationalError, ProgrammingError
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper
from django.db.backends.sqlite3.base import DatabaseWrapper as SqliteWrapper
from django.test import RequestFactory

from hub.availability import database_unavailable, unavailable_response
from tests.integration.servers import free_port

# Database access allowed: the tests open their own connections and count queries.
pytestmark = pytest.mark.django_db


def _error_from(call) -> BaseException:
    with pytest.raises(Exception) as caught:
        call()
    return caught.value


def _postgres_settings(port: int) -> dict:
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "hub",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": port,
        "OPTIONS": {"connect_timeout": 2},
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TIME_ZONE": None,
        "TEST": {},
    }


def _sqlite_wrapper(path, alias: str) -> SqliteWrapper:
    settings = {**_postgres_settings(0), "ENGINE": "django.db.backends.sqlite3", "NAME": path}
    settings["OPTIONS"] = {"timeout": 0}
    return SqliteWrapper(settings, alias=alias)


def test_refused_postgresql_connection_is_unavailable():
    # Nothing listens on a fresh free port: psycopg's "connection refused", wrapped by Django.
    wrapper = PostgresWrapper(_postgres_settings(free_port()), alias="refused")
    error = _error_from(wrapper.ensure_connection)
    assert isinstance(error, OperationalError)
    assert database_unavailable(error)


def test_locked_sqlite_is_unavailable_but_a_missing_table_is_a_bug(tmp_path):
    path = str(tmp_path / "hub.sqlite3")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x integer)")
    holder.execute("BEGIN IMMEDIATE")
    wrapper = _sqlite_wrapper(path, "locked")
    try:
        with wrapper.cursor() as cursor:
            locked = _error_from(lambda: cursor.execute("INSERT INTO t VALUES (1)"))
            missing = _error_from(lambda: cursor.execute("SELECT * FROM no_such_table"))
    finally:
        wrapper.close()
        holder.execute("ROLLBACK")
        holder.close()
    assert isinstance(locked, OperationalError) and "locked" in str(locked)
    assert database_unavailable(locked)
    assert isinstance(missing, OperationalError)
    assert not database_unavailable(missing)


def test_integrity_and_programming_errors_are_not_unavailability(tmp_path):
    wrapper = _sqlite_wrapper(str(tmp_path / "hub.sqlite3"), "integrity")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x integer UNIQUE)")
            cursor.execute("INSERT INTO t VALUES (1)")
            duplicate = _error_from(lambda: cursor.execute("INSERT INTO t VALUES (1)"))
    finally:
        wrapper.close()
    assert isinstance(duplicate, IntegrityError)
    assert not database_unavailable(duplicate)
    assert not database_unavailable(ProgrammingError("syntax error"))
    assert not database_unavailable(ValueError("no"))
    assert not database_unavailable(None)


@pytest.fixture
def refused_error():
    wrapper = PostgresWrapper(_postgres_settings(free_port()), alias="refused")
    return _error_from(wrapper.ensure_connection)


def test_page_answer_has_the_hubs_look_and_touches_no_database(
    refused_error, django_assert_num_queries
):
    request = RequestFactory().get("/eventi/?comune=bruino")
    with django_assert_num_queries(0):
        response = unavailable_response(request, refused_error)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "no-cache" in response["Cache-Control"]
    page = response.content.decode()
    assert "Servizio momentaneamente non disponibile" in page
    assert 'class="it-header-wrapper"' in page  # base.html: the hub's header
    assert 'href="/eventi/?comune=bruino"' in page  # "Riprova" reloads the same page


def test_page_answer_in_english(refused_error, django_assert_num_queries):
    from django.utils import translation

    with translation.override("en"), django_assert_num_queries(0):
        response = unavailable_response(RequestFactory().get("/gaf/"), refused_error)
    assert "Service temporarily unavailable" in response.content.decode()


def test_api_answer_is_in_the_error_format(refused_error, django_assert_num_queries):
    request = RequestFactory().put("/api/v1/gaf/orders/mine/")
    with django_assert_num_queries(0):
        response = unavailable_response(request, refused_error)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    error = json.loads(response.content)["error"]
    assert error["code"] == "service_unavailable"
    assert error["retry_after_seconds"] == 5
    assert error["message"]
