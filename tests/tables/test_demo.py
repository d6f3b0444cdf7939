"""The tables' demo: the CIdiS table and the private Lissone table, every proposal status,
through the services, idempotent; the demo's table account has its powers."""

import pytest
from django.urls import reverse

from hub.demo import DEMO_ADMIN_EMAIL, load_demo_data
from hub.models import User
from hub.task_queue import discarding
from tables import demo
from tables.models import Proposal, ProposalStatus, Table

pytestmark = pytest.mark.django_db


def test_demo_loads_once_with_every_status_and_keeps_the_private_table_private(client):
    with discarding():
        load_demo_data()
        admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
        first, again = demo.load(admin=admin), demo.load(admin=admin)
    tables_part = ("tables", "table proposals", "table meetings")
    assert [first[key] for key in tables_part] == [2, 10, 4]
    assert [again[key] for key in tables_part] == [0, 0, 0]
    assert set(Proposal.objects.values_list("status", flat=True)) == set(ProposalStatus.values)
    cidis = Table.objects.get(slug=demo.CIDIS_TABLE)
    lissone = Table.objects.get(slug=demo.LISSONE_TABLE)
    assert cidis.memberships.get(user__email=demo.TABLE_MEMBER_EMAIL).role == "coordinator"
    assert lissone.municipality.name == "Lissone" and not lissone.is_public

    client.force_login(User.objects.get(email=demo.TABLE_MEMBER_EMAIL))
    assert client.get(reverse("tables:table", kwargs={"slug": lissone.slug})).status_code == 200
    client.force_login(User.objects.get(email="famiglia.rossi@example.org"))
    assert client.get(reverse("tables:table", kwargs={"slug": lissone.slug})).status_code == 404
    assert lissone.name not in client.get(reverse("tables:index")).content.decode()
