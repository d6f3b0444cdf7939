import pytest

from hub import notifications
from tests.hub.factories import UserFactory

# Kinds of the tests' own (registering is idempotent; they stay for the session).
NEWS = notifications.register_kind("test.news", label="novità di prova")
DIGEST = notifications.register_kind("test.digest", label="riepiloghi di prova", default="daily")
QUIET = notifications.register_kind("test.quiet", label="avvisi di prova", default="inbox")


@pytest.fixture
def alice(db):
    return UserFactory(email="alice@example.org")


@pytest.fixture
def bob(db):
    return UserFactory(email="bob@example.org")
