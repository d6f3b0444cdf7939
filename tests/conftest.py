import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from tests.services import require_postgres, require_redis
from tests.sqlite_file import threads_on_a_sqlite_file  # noqa: F401 (a fixture)


@pytest.fixture(autouse=True)
def italian_by_default():
    """Every test starts in the site's default language, whatever the previous one left
    active in this thread (a request in English, a task rendering in English)."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def redis_url():
    return require_redis()


@pytest.fixture
def postgres(db):
    require_postgres(connection)
    return connection


@pytest.fixture
def sqlite_only():
    # Not a missing service: on PostgreSQL CI deselects these with -m "not sqlite".
    if connection.vendor != "sqlite":
        pytest.skip("about SQLite's own behaviour; the suite is running on PostgreSQL")


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(item.fixturenames))


def pytest_collection_modifyitems(config, items):
    """A test marked `postgres` needs PostgreSQL: give it the check without a fixture.

    Every transactional test restores the data the migrations made (the Wagtail page tree,
    the taxonomy) when it ends, instead of leaving an empty database behind. Mixing the two
    kinds breaks whichever runs second: after a plain flush Django re-creates the content
    types, and the next serialized restore then inserts them twice; and a test that needs the
    page tree finds none after a plain flush.
    """
    for item in items:
        if _is_transactional(item) and "django_db_serialized_rollback" not in item.fixturenames:
            item.fixturenames.append("django_db_serialized_rollback")
        if item.get_closest_marker("postgres") and "postgres" not in item.fixturenames:
            item.fixturenames.append("postgres")
        if item.get_closest_marker("sqlite") and "sqlite_only" not in item.fixturenames:
            item.fixturenames.append("sqlite_only")
        if item.get_closest_marker("redis") and "redis_url" not in item.fixturenames:
            item.fixturenames.append("redis_url")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: throttle counters (hub.abuse, allauth's rate
    limits) and cached pages never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
