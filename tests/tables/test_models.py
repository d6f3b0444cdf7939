"""The database itself refuses what no table row may hold."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from hub.models import Municipality, Network
from tables.models import Meeting, Table

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    return Network.objects.create(name="Rete di prova", slug="rete-prova", kind="network")


def test_a_municipal_table_needs_its_municipality(network):
    with pytest.raises(IntegrityError), transaction.atomic():
        Table.objects.create(kind="municipal", network=network, name="Tavolo", slug="tavolo")
    town = Municipality.objects.create(
        name="Bruino", slug="bruino-test", istat_code="999001", province="TO"
    )
    Table.objects.create(
        kind="municipal", network=network, municipality=town, name="Tavolo", slug="tavolo"
    )


def test_a_meeting_ends_after_it_starts_and_has_a_place_or_a_link(network):
    table = Table.objects.create(
        kind="intercommunal", network=network, name="Tavolo", slug="tavolo"
    )
    start = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(table=table, title="R", starts_at=start, ends_at=start, place="Sala")
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(
            table=table, title="R", starts_at=start, ends_at=start + dt.timedelta(hours=1)
        )
