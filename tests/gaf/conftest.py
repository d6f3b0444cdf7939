"""Fixtures shared by the GAF tests: a group with its coordinator, a supplier, a member
family and the people of a permission matrix. A test file that needs a different catalogue
or round declares its own fixture of that name."""

import pytest
from django.db import transaction

from tests.gaf.factories import make_family, make_group, make_member, make_supplier


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker):
    """Data that a module's tests share, built once: a module-scoped fixture that asks for
    this one writes inside a transaction rolled back after the module, and each test still
    runs in its own savepoint (pytest-django's `db`), so what a test writes is undone after
    it (Django's setUpTestData, for pytest). Not for modules with `transaction=True` tests."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def setup(db):
    """A group with a coordinator family and a pickup point (tests.gaf.factories.GroupSetup)."""
    return make_group()


@pytest.fixture
def supplier(setup):
    return make_supplier(setup)


@pytest.fixture
def member(setup):
    """(family, user) of a member family."""
    return make_member(setup, name="Famiglia Rossi")


@pytest.fixture
def people(setup, member):
    """Who asks, for a permission matrix: role → user (None: anonymous)."""
    other = make_group()
    _family, other_member = make_member(other, name="Famiglia Altrove")
    _family, outsider = make_family(municipality=setup.municipality, name="Famiglia Esterna")
    return {
        "member": member[1],
        "coordinator": setup.coordinator,
        "non_member": outsider,
        "other_group_member": other_member,
        "anonymous": None,
    }
