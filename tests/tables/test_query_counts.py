"""The table page and the proposal page run a fixed number of queries whatever the amount
of data (issue 13, item 10): measured on a small table, then asserted on a large one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tables import services
from tables.models import Comment, Endorsement, Membership, ProposalVersion, Role
from tests.hub.factories import UserFactory
from tests.tables.factories import make_meeting, make_proposal, make_table

pytestmark = pytest.mark.django_db


def grow(setup, proposal, *, comments: int, versions: int, members: int):
    """Add people, versions (through the service), comments in threads and endorsements."""
    people = [UserFactory() for _ in range(members)]
    Membership.objects.bulk_create(
        Membership(table=setup.table, user=person, role=Role.MEMBER) for person in people
    )
    for n in range(versions - proposal.versions.count()):
        services.proposal_update(by=setup.member, proposal=proposal, body=f"Testo {n} " * 20)
    proposal.refresh_from_db()
    existing = proposal.comments.count()
    made = []
    for n in range(comments - existing):
        parent = made[-1] if made and made[-1].depth < 3 and n % 3 else None
        comment = Comment.objects.create(
            proposal=proposal,
            author=people[n % len(people)] if people else setup.member,
            parent=parent,
            depth=parent.depth + 1 if parent else 1,
            body=f"Commento {n} con @menzione e <b>markup</b>",
            stance=("for", "against", "neutral")[n % 3],
            version_number=1,
            hidden=n % 17 == 0,
            hidden_reason="Fuori tema" if n % 17 == 0 else "",
            hidden_by=setup.coordinator if n % 17 == 0 else None,
        )
        made.append(comment)
    Endorsement.objects.bulk_create(
        Endorsement(proposal=proposal, user=person, version_number=1) for person in people[:30]
    )
    for _ in range(3):
        make_proposal(setup, title="Altra proposta")
        make_meeting(setup, days=5)


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["coordinator", "member", "visitor"])
def test_the_proposal_and_table_pages_do_not_grow_with_the_data(
    client, django_assert_max_num_queries, who
):
    setup = make_table()
    proposal = make_proposal(setup)
    # The viewer endorsed and commented: the page also shows what changed since.
    Endorsement.objects.create(proposal=proposal, user=setup.member, version_number=1)
    viewer = {"coordinator": setup.coordinator, "member": setup.member, "visitor": None}[who]
    if viewer is not None:
        client.force_login(viewer)
    proposal_url = reverse(
        "tables:proposal", kwargs={"slug": setup.table.slug, "proposal_id": proposal.pk}
    )
    table_url = reverse("tables:table", kwargs={"slug": setup.table.slug})
    comments_url = reverse(
        "tables:comments", kwargs={"slug": setup.table.slug, "proposal_id": proposal.pk}
    )
    grow(setup, proposal, comments=5, versions=3, members=3)
    small = {url: count(client, url) for url in (proposal_url, table_url, comments_url)}

    grow(setup, proposal, comments=200, versions=50, members=40)
    assert proposal.comments.count() == 200
    assert ProposalVersion.objects.filter(proposal=proposal).count() == 50
    for url, queries in small.items():
        with django_assert_max_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200
    html = client.get(proposal_url).content.decode()
    assert "Commento 194" in html
    assert "&lt;b&gt;markup&lt;/b&gt;" in html and "<b>markup</b>" not in html
