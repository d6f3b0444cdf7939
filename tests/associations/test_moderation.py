"""Moderation: an untrusted association's changes go through the staff's review workflow.

Editors save and submit; network staff approve (the page goes live) or request changes with a
comment, which the editor reads in the page editor. A trusted association publishes directly.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.models import WorkflowPage, WorkflowState
from wagtail.test.utils.form_data import querydict_from_html

from associations import services
from associations.models import AssociationMembership, InitiativePage
from hub.roles import staff_group
from tests.associations.factories import approver, make_association
from tests.hub.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGES_REQUESTED = "Manca il luogo: indicate la palestra e l'indirizzo."


def editor_of(association, role=AssociationMembership.Role.ADMIN):
    user = UserFactory()
    _invitation, token = services.invitation_create(
        association=association, email=user.email, role=role, by=None
    )
    services.invitation_accept(token=token, user=user)
    return user


@pytest.fixture
def staff():
    user = UserFactory(email="revisione@example.org", is_staff=True)
    user.groups.add(staff_group())
    return user


@pytest.fixture
def association():
    return make_association(name="Oratorio Santa Rita")


def edit_form(client, page, **changes) -> dict:
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    # The StreamField's inputs are drawn by JavaScript: post it as empty (the tests' pages
    # have no body).
    data["body-count"] = "0"
    data.update(changes)
    return data


def new_initiative_data(association, title) -> dict:
    return {
        "title": title,
        "slug": slugify(title),
        "summary": "Doposcuola gratuito per le elementari, due pomeriggi a settimana.",
        "area": association.areas.first().pk,
        "frequency": InitiativePage.Frequency.WEEKLY,
        "municipalities": [association.municipalities.first().pk],
        "is_free": "on",
        "place": "Oratorio, via Roma 3",
        "body-count": "0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }


def workflow_action(client, page, action, comment=""):
    state = WorkflowState.objects.get(
        object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS
    )
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[page.pk, action, state.current_task_state.pk],
    )
    return client.post(url, {"comment": comment})


def test_an_untrusted_editor_cannot_publish_directly(client, association):
    editor = editor_of(association)
    client.force_login(editor)
    page = association.page

    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert 'name="action-submit"' in html
    assert 'name="action-publish"' not in html

    data = edit_form(client, page, title="Oratorio Santa Rita — nuovo titolo")
    data["action-publish"] = "action-publish"
    client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    page.refresh_from_db()
    assert page.title == "Oratorio Santa Rita"
    assert not WorkflowState.objects.filter(object_id=str(page.pk)).exists()


def test_submitted_changes_wait_for_staff_and_go_live_when_approved(client, association, staff):
    editor = editor_of(association)
    page = association.page
    client.force_login(editor)
    data = edit_form(client, page, title="Oratorio Santa Rita — estate ragazzi")
    data["action-submit"] = "action-submit"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 302

    page.refresh_from_db()
    assert page.title == "Oratorio Santa Rita"  # still the published version
    assert page.has_unpublished_changes
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == services.STAFF_WORKFLOW_NAME
    client.logout()
    assert "estate ragazzi" not in client.get(page.url).content.decode()

    client.force_login(staff)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Oratorio Santa Rita" in dashboard  # awaiting their review
    response = workflow_action(client, page, "approve", comment="Ok, grazie.")
    # Back to the editor: a refusal would send the staff member to the admin home instead.
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])

    page.refresh_from_db()
    assert page.title == "Oratorio Santa Rita — estate ragazzi"
    assert not page.has_unpublished_changes
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED


def test_a_new_initiative_is_published_only_after_review(client, association, staff):
    editor = editor_of(association)
    client.force_login(editor)
    add_url = reverse(
        "wagtailadmin_pages:add",
        args=["associations", "initiativepage", association.page.pk],
    )
    assert client.get(add_url).status_code == 200
    data = new_initiative_data(association, "Doposcuola in oratorio")
    data["action-submit"] = "action-submit"
    assert client.post(add_url, data).status_code == 302

    initiative = InitiativePage.objects.get(title="Doposcuola in oratorio")
    assert initiative.get_parent().pk == association.page.pk
    assert not initiative.live
    assert WorkflowState.objects.filter(
        object_id=str(initiative.pk), status=WorkflowState.STATUS_IN_PROGRESS
    ).exists()
    client.logout()
    assert client.get(association.page.url + initiative.slug + "/").status_code == 404

    client.force_login(staff)
    workflow_action(client, initiative, "approve")
    initiative.refresh_from_db()
    assert initiative.live
    client.logout()
    assert client.get(initiative.url).status_code == 200


def test_editors_read_why_their_change_was_rejected(client, association, staff):
    editor = editor_of(association)
    page = association.page
    client.force_login(editor)
    data = edit_form(client, page, title="Oratorio Santa Rita (bozza)")
    data["action-submit"] = "action-submit"
    client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)

    client.force_login(staff)
    response = workflow_action(client, page, "reject", comment=CHANGES_REQUESTED)
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    page.refresh_from_db()
    assert page.title == "Oratorio Santa Rita"
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES

    client.force_login(editor)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert escape(CHANGES_REQUESTED) in edit
    history = client.get(
        reverse("wagtailadmin_pages:workflow_history_detail", args=[page.pk, state.pk])
    ).content.decode()
    assert escape(CHANGES_REQUESTED) in history


def test_a_trusted_association_publishes_directly(client, association, staff):
    editor = editor_of(association)
    client.force_login(staff)
    trust_url = reverse("association:trust", args=[association.pk])
    assert client.get(trust_url).status_code == 200
    response = client.post(trust_url, {"trusted": "True"}, follow=True)
    assert "ora pubblica direttamente" in response.content.decode()
    association.refresh_from_db()
    assert association.trusted
    assert not WorkflowPage.objects.filter(page=association.page).exists()

    client.force_login(editor)
    page = association.page
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert 'name="action-publish"' in html
    data = edit_form(client, page, title="Oratorio Santa Rita — pubblicato subito")
    data["action-publish"] = "action-publish"
    assert client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data).status_code == 302
    page.refresh_from_db()
    assert page.title == "Oratorio Santa Rita — pubblicato subito"
    assert not WorkflowState.objects.filter(object_id=str(page.pk)).exists()

    # Trust withdrawn: back to review, no more direct publishing.
    client.force_login(staff)
    client.post(trust_url, {"trusted": ""})
    association.refresh_from_db()
    assert not association.trusted
    assert WorkflowPage.objects.filter(page=page).exists()
    assert not page.permissions_for_user(editor).can_publish()


def test_staff_see_associations_and_their_trust(client, staff, django_assert_max_num_queries):
    first = make_association(name="Banda Musicale Giovani")
    make_association(name="Gruppo Scout", network=first.network, trusted=True)
    client.force_login(staff)
    client.get(reverse("association:index"))
    with django_assert_max_num_queries(20) as context:
        response = client.get(reverse("association:index"))
    queries_with_two = len(context.captured_queries)
    html = response.content.decode()
    assert "Banda Musicale Giovani" in html and "Gruppo Scout" in html
    assert reverse("association:trust", args=[first.pk]) in html
    assert client.get(reverse("association:inspect", args=[first.pk])).status_code == 200

    for number in range(5):
        make_association(name=f"Associazione numero {number}", network=first.network)
    with django_assert_max_num_queries(queries_with_two):
        assert client.get(reverse("association:index")).status_code == 200


@pytest.mark.parametrize("url_name", ["index", "inspect", "trust", "edit", "delete"])
def test_editors_cannot_set_trust_or_edit_associations(client, association, url_name):
    editor = editor_of(association)
    client.force_login(editor)
    args = [] if url_name == "index" else [association.pk]
    url = reverse(f"association:{url_name}", args=args)
    for response in (client.get(url), client.post(url, {"trusted": "True", "name": "Altro"})):
        assert response.status_code in {302, 403}
    association.refresh_from_db()
    assert not association.trusted
    assert association.name == "Oratorio Santa Rita"
    assert WorkflowPage.objects.filter(page=association.page).exists()


def test_association_pages_cannot_be_copied_in_the_admin(client, association):
    """Each association has one page: the copy screen refuses instead of failing."""
    client.force_login(approver())
    copy_url = reverse("wagtailadmin_pages:copy", args=[association.page.pk])
    index = association.page.get_parent()
    for response in (
        client.get(copy_url),
        client.post(
            copy_url,
            {"new_title": "Copia", "new_slug": "copia", "new_parent_page": index.pk},
        ),
    ):
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_explore", args=[index.pk])
    assert index.get_children().count() == 1
