"""The GAF demo: a realistic group, loaded through the services, idempotent."""

import pytest

from gaf import demo, selectors
from gaf.models import FundEntry, OrderRound, Product, PurchaseGroup
from hub.demo import DEMO_ADMIN_EMAIL, load_demo_data
from hub.models import User

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_adds_up():
    load_demo_data()
    admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
    assert demo.load(admin=admin) == {"purchase groups": 1, "order rounds": 2}
    counts = (PurchaseGroup.objects.count(), Product.objects.count(), FundEntry.objects.count())
    assert demo.load(admin=admin) == {"purchase groups": 0, "order rounds": 0}
    assert (
        PurchaseGroup.objects.count(),
        Product.objects.count(),
        FundEntry.objects.count(),
    ) == counts

    group = PurchaseGroup.objects.get(slug="gaf-bruino")
    assert group.municipality.name == "Bruino"
    assert group.memberships.count() == 4
    settled = OrderRound.objects.get(group=group, state="settled")
    documents = selectors.round_documents(settled)
    assert sum(slip.total for slip in documents.slips) == (
        documents.supplier_order.total + documents.fund_total + documents.shared_costs_total
    )
    assert FundEntry.objects.get(round=settled).amount == documents.fund_total
    open_round = OrderRound.objects.get(group=group, state="open")
    assert open_round.orders.count() == 3
    kinds = set(FundEntry.objects.values_list("kind", flat=True))
    assert kinds == {"contribution", "donation", "disbursement"}
