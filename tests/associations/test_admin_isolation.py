"""An editor of association A can never see, edit, publish or delete what belongs to B.

The matrix walks the URL resolver for every Wagtail admin route that touches pages, images
or documents, and each route must have a case below: a new Wagtail route makes
`test_every_admin_route_has_an_isolation_case` fail until someone writes its case. Each case
sends A's editor at B's objects (GET, then POST with realistic data) and asserts that the
answer is a refusal (302 away, 400, 403, 404, 405) or, for listings, a page that shows none of
B's content; and that nothing of B changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import get_resolver, reverse
from wagtail.admin.models import EditingSession
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    PageViewRestriction,
    Revision,
    Task,
    TaskState,
    UploadedFile,
    Workflow,
    WorkflowPage,
    WorkflowState,
)
from wagtail.test.utils.form_data import querydict_from_html

from associations import services
from associations.models import AssociationMembership, InitiativePage
from hub.roles import staff_group
from tests.associations.factories import approver, make_association, make_initiative
from tests.hub.factories import UserFactory
from tests.hub.test_access import walk

# B's content: none of these strings may appear in anything A's editor is shown.
B_NAME = "Betarossa Riservata"
B_DRAFT = "Bozzasegreta Betarossa"
B_LIVE = "Iniziativapubblica Betarossa"
B_IMAGE = "Immaginesegreta Betarossa"
B_DOCUMENT = "Documentosegreto Betarossa"
B_PRIVATE_DOCUMENT = "Documentoprivato Betarossa"
B_PRIVATE_COLLECTION = "Betarossa privata"
# Searches ask for "Betarossa", a word of each: the echoed query is not a marker itself.
MARKERS = [B_NAME, B_DRAFT, B_LIVE, B_IMAGE, B_DOCUMENT, B_PRIVATE_DOCUMENT, B_PRIVATE_COLLECTION]

REFUSED = {302, 400, 403, 404, 405}


def editor_of(association, role=AssociationMembership.Role.EDITOR, email=None):
    user = UserFactory(email=email) if email else UserFactory()
    _invitation, token = services.invitation_create(
        association=association, email=user.email, role=role, by=approver()
    )
    services.invitation_accept(token=token, user=user)
    return user


def _uploaded_file(user, model) -> UploadedFile:
    return UploadedFile.objects.create(
        for_content_type=ContentType.objects.get_for_model(model),
        file=get_test_image_file(filename="caricato.png"),
        uploaded_by_user=user,
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Two associations of the same network, B with every kind of object the admin handles.

    Built once for the module inside a transaction that is rolled back at the end; each test
    runs in a savepoint of its own.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        staff = UserFactory(email="staff-isolamento@example.org")
        staff.groups.add(staff_group())
        a = make_association(name="Alfa Aquilone")
        b = make_association(name=B_NAME, network=a.network, municipalities=[])
        a_editor = editor_of(a)
        b_editor = editor_of(b)
        municipality = b.municipalities.first()
        area = b.areas.first()
        b_live = make_initiative(b, title=B_LIVE, area=area, municipalities=[municipality])
        b_draft = make_initiative(
            b, title=B_DRAFT, area=area, municipalities=[municipality], live=False
        )
        # The draft is in the staff review, as an untrusted association's page would be.
        workflow_state = b_draft.get_workflow().start(b_draft, b_editor)
        b_alias = b_live.create_alias(parent=b.page, update_slug="alias-iniziativa")
        b_locked = make_initiative(
            b, title=f"{B_LIVE} bloccata", area=area, municipalities=[municipality]
        )
        b_locked.locked, b_locked.locked_by = True, b_editor
        b_locked.save(update_fields=["locked", "locked_by"])

        b_image = Image.objects.create(
            title=B_IMAGE, file=get_test_image_file(), collection=b.collection
        )
        b_document = Document.objects.create(
            title=B_DOCUMENT,
            file=ContentFile(b"%PDF-1.4 riservato", name="riservato.pdf"),
            collection=b.collection,
        )
        private_collection = b.collection.add_child(name=B_PRIVATE_COLLECTION)
        restriction = CollectionViewRestriction.objects.create(
            collection=private_collection,
            restriction_type=CollectionViewRestriction.GROUPS,
        )
        restriction.groups.set([b.group])
        b_private_document = Document.objects.create(
            title=B_PRIVATE_DOCUMENT,
            file=ContentFile(b"%PDF-1.4 privato", name="privato.pdf"),
            collection=private_collection,
        )
        b_image_upload = _uploaded_file(b_editor, Image)
        b_document_upload = _uploaded_file(b_editor, Document)
        b_session = EditingSession.objects.create(
            user=b_editor,
            content_type=ContentType.objects.get_for_model(Page),
            object_id=str(b.page.pk),
            last_seen_at=b.page.latest_revision_created_at,
        )
        yield SimpleNamespace(
            staff=staff,
            a=a,
            b=b,
            a_editor=a_editor,
            b_editor=b_editor,
            area=area,
            municipality=municipality,
            b_page=b.page,
            b_live=b_live,
            b_draft=b_draft,
            b_alias=b_alias,
            b_locked=b_locked,
            b_revision=b.page.latest_revision,
            b_draft_revision=b_draft.latest_revision,
            workflow_state=workflow_state,
            task_state=workflow_state.current_task_state,
            b_image=b_image,
            b_document=b_document,
            b_private_document=b_private_document,
            private_collection=private_collection,
            b_image_upload=b_image_upload,
            b_document_upload=b_document_upload,
            b_session=b_session,
        )
        transaction.set_rollback(True)


# --- The cases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """How to aim one admin route at B's objects.

    `kwargs`, `query` and `post` take the world. Routes marked `shows_nothing` may answer 200
    (listings of A's own things, forms and modals that name nothing of B) but must not show
    anything of B; the others must refuse.
    """

    kwargs: object = None
    query: object = ""
    post: object = None
    shows_nothing: bool = False
    variant: str = ""
    extra: dict = field(default_factory=dict)


def _page(attr="b_page", key="page_id"):
    return lambda w: {key: getattr(w, attr).pk}


def _form_data_as_superuser(url: str, form_id: str = "page-edit-form") -> dict:
    """The form a superuser sees at `url`, as POST data (what a forged request would send)."""
    from django.test import Client

    superuser = Client()
    superuser.force_login(approver())
    response = superuser.get(url)
    assert response.status_code == 200, url
    return querydict_from_html(response.content.decode(), form_id=form_id)


def _edit_publish_data(w, attr="b_page"):
    data = _form_data_as_superuser(reverse("wagtailadmin_pages:edit", args=[getattr(w, attr).pk]))
    data["body-count"] = "0"  # the StreamField's inputs are drawn by JavaScript
    data["title"] = "Pagina presa da Alfa"
    data["action-publish"] = "action-publish"
    return data


def _new_initiative_data(w):
    return {
        "title": "Iniziativa infilata da Alfa",
        "slug": "infilata-da-alfa",
        "summary": "Non dovrebbe esistere.",
        "area": w.area.pk,
        "frequency": "ongoing",
        "municipalities": [w.municipality.pk],
        "is_free": "on",
        "body-count": "0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "action-publish": "action-publish",
    }


def _upload(w, collection_attr="b", title="Caricata da Alfa", field_name="file"):
    collection = getattr(w, collection_attr).collection
    return {
        "title": title,
        field_name: get_test_image_file(filename="alfa.png"),
        "collection": collection.pk,
    }


def _document_upload(w, field_name="file"):
    return {
        "title": "Documento caricato da Alfa",
        field_name: ContentFile(b"%PDF-1.4 alfa", name="alfa.pdf"),
        "collection": w.b.collection.pk,
    }


INITIATIVE_TYPE = {
    "content_type_app_name": "associations",
    "content_type_model_name": "initiativepage",
}
B_IDS = lambda w: f"?id={w.b_page.pk}&id={w.b_draft.pk}&id={w.b_live.pk}"  # noqa: E731

CASES: dict[str, list[Case]] = {
    # Explorer and page chooser.
    "wagtailadmin_home": [Case(shows_nothing=True)],
    "wagtailadmin_explore_root": [Case(shows_nothing=True)],
    "wagtailadmin_explore": [
        Case(kwargs=_page(key="parent_page_id")),
        Case(
            kwargs=lambda w: {"parent_page_id": w.b_page.get_parent().pk},
            shows_nothing=True,
            variant="network index, the common parent",
        ),
    ],
    "wagtailadmin_explore_results": [
        Case(kwargs=_page(key="parent_page_id")),
        Case(
            kwargs=lambda w: {"parent_page_id": w.b_page.get_parent().pk},
            query="?q=Betarossa",
            shows_nothing=True,
            variant="search under the common parent",
        ),
    ],
    "wagtailadmin_choose_page": [Case(shows_nothing=True)],
    "wagtailadmin_choose_page_child": [
        Case(kwargs=_page(key="parent_page_id")),
        Case(kwargs=_page("b_draft", "parent_page_id"), variant="B's draft"),
        Case(
            kwargs=lambda w: {"parent_page_id": w.b_page.get_parent().pk},
            shows_nothing=True,
            variant="network index",
        ),
    ],
    "wagtailadmin_choose_page_search": [Case(query="?q=Betarossa", shows_nothing=True)],
    "wagtailadmin_choose_page_chosen_multiple": [
        Case(query=lambda w: f"?id={w.b_draft.pk}&id={w.b_page.pk}")
    ],
    "wagtail_bulk_action": [],  # filled from Wagtail's bulk action registry below
    # Pages.
    "wagtailadmin_pages:add": [
        Case(
            kwargs=lambda w: {**INITIATIVE_TYPE, "parent_page_id": w.b_page.pk},
            post=_new_initiative_data,
        )
    ],
    "wagtailadmin_pages:preview_on_add": [
        Case(
            kwargs=lambda w: {**INITIATIVE_TYPE, "parent_page_id": w.b_page.pk},
            post=_new_initiative_data,
        )
    ],
    "wagtailadmin_pages:type_use": [Case(kwargs=lambda w: INITIATIVE_TYPE, shows_nothing=True)],
    "wagtailadmin_pages:type_use_results": [
        Case(kwargs=lambda w: INITIATIVE_TYPE, shows_nothing=True)
    ],
    "wagtailadmin_pages:choose_parent": [
        Case(
            kwargs=lambda w: {"app_label": "associations", "model_name": "initiativepage"},
            shows_nothing=True,
            post=lambda w: {"parent_page": w.b_page.pk},
        )
    ],
    "wagtailadmin_pages:usage": [
        Case(kwargs=_page()),
        Case(kwargs=_page("b_draft"), variant="draft"),
    ],
    "wagtailadmin_pages:edit": [
        Case(kwargs=_page(), post=_edit_publish_data),
        Case(
            kwargs=_page("b_live"),
            post=lambda w: _edit_publish_data(w, "b_live"),
            variant="B's initiative",
        ),
        Case(kwargs=_page("b_draft"), variant="B's draft in review"),
    ],
    "wagtailadmin_pages:preview_on_edit": [Case(kwargs=_page(), post=_edit_publish_data)],
    "wagtailadmin_pages:view_draft": [Case(kwargs=_page("b_draft"))],
    "wagtailadmin_pages:add_subpage": [Case(kwargs=_page(key="parent_page_id"))],
    "wagtailadmin_pages:delete": [
        Case(kwargs=_page()),
        Case(kwargs=_page("b_live"), variant="initiative"),
    ],
    "wagtailadmin_pages:unpublish": [
        Case(kwargs=_page(), post=lambda w: {"include_descendants": "on"}),
        Case(kwargs=_page("b_live"), variant="initiative"),
    ],
    "wagtailadmin_pages:convert_alias": [Case(kwargs=_page("b_alias"))],
    "wagtailadmin_pages:search": [Case(query="?q=Betarossa", shows_nothing=True)],
    "wagtailadmin_pages:search_results": [Case(query="?q=Betarossa", shows_nothing=True)],
    "wagtailadmin_pages:move": [Case(kwargs=_page(key="page_to_move_id"))],
    "wagtailadmin_pages:move_confirm": [
        Case(kwargs=lambda w: {"page_to_move_id": w.b_live.pk, "destination_id": w.a.page.pk}),
        Case(
            kwargs=lambda w: {"page_to_move_id": w.a.page.pk, "destination_id": w.b_page.pk},
            variant="A's page into B",
        ),
    ],
    "wagtailadmin_pages:set_page_position": [
        Case(kwargs=_page("b_live", "page_to_move_id"), query="?position=0")
    ],
    "wagtailadmin_pages:copy": [
        Case(
            kwargs=_page("b_live"),
            post=lambda w: {
                "new_title": "Copia di Alfa",
                "new_slug": "copia-di-alfa",
                "new_parent_page": w.a.page.pk,
                "copy_subpages": "on",
                "publish_copies": "on",
            },
            variant="B's initiative into A",
        ),
    ],
    "wagtailadmin_pages:workflow_action": [
        Case(
            kwargs=lambda w, action=action: {
                "page_id": w.b_draft.pk,
                "action_name": action,
                "task_state_id": w.task_state.pk,
            },
            post=lambda w: {"comment": "Alfa decide"},
            variant=action,
        )
        for action in ("approve", "reject")
    ],
    "wagtailadmin_pages:collect_workflow_action_data": [
        Case(
            kwargs=lambda w, action=action: {
                "page_id": w.b_draft.pk,
                "action_name": action,
                "task_state_id": w.task_state.pk,
            },
            post=lambda w: {"comment": "Alfa decide"},
            variant=action,
        )
        for action in ("approve", "reject")
    ],
    # The modal names the workflow and its task (the network's), nothing of the page.
    "wagtailadmin_pages:confirm_workflow_cancellation": [
        Case(kwargs=_page("b_draft"), shows_nothing=True)
    ],
    "wagtailadmin_pages:workflow_preview": [
        Case(kwargs=lambda w: {"page_id": w.b_draft.pk, "task_id": w.task_state.task_id})
    ],
    "wagtailadmin_pages:set_privacy": [
        Case(kwargs=_page(), post=lambda w: {"restriction_type": "password", "password": "alfa"})
    ],
    "wagtailadmin_pages:lock": [Case(kwargs=_page())],
    "wagtailadmin_pages:unlock": [Case(kwargs=_page("b_locked"))],
    "wagtailadmin_pages:revisions_index": [Case(kwargs=_page())],
    "wagtailadmin_pages:revisions_view": [
        Case(kwargs=lambda w: {"page_id": w.b_draft.pk, "revision_id": w.b_draft_revision.pk})
    ],
    "wagtailadmin_pages:revisions_revert": [
        Case(
            kwargs=lambda w: {"page_id": w.b_page.pk, "revision_id": w.b_revision.pk},
            post=_edit_publish_data,
        )
    ],
    "wagtailadmin_pages:revisions_unschedule": [
        Case(kwargs=lambda w: {"page_id": w.b_page.pk, "revision_id": w.b_revision.pk})
    ],
    "wagtailadmin_pages:revisions_compare": [
        Case(
            kwargs=lambda w: {
                "pk": w.b_draft.pk,
                "revision_id_a": "earliest",
                "revision_id_b": "latest",
            }
        )
    ],
    "wagtailadmin_pages:workflow_history": [Case(kwargs=_page("b_draft"))],
    "wagtailadmin_pages:workflow_history_detail": [
        Case(kwargs=lambda w: {"page_id": w.b_draft.pk, "workflow_state_id": w.workflow_state.pk})
    ],
    "wagtailadmin_pages:history": [Case(kwargs=_page("b_draft"))],
    "wagtailadmin_pages:history_results": [Case(kwargs=_page("b_draft"))],
    # Workflows, reports, collections, editing sessions, form submissions.
    "wagtailadmin_workflows:index": [Case(shows_nothing=True)],
    "wagtailadmin_workflows:index_results": [Case(shows_nothing=True)],
    "wagtailadmin_workflows:add": [Case()],
    "wagtailadmin_workflows:enable": [Case(kwargs=lambda w: {"pk": w.workflow_state.workflow_id})],
    "wagtailadmin_workflows:disable": [Case(kwargs=lambda w: {"pk": w.workflow_state.workflow_id})],
    "wagtailadmin_workflows:edit": [Case(kwargs=lambda w: {"pk": w.workflow_state.workflow_id})],
    "wagtailadmin_workflows:usage": [Case(kwargs=lambda w: {"pk": w.workflow_state.workflow_id})],
    "wagtailadmin_workflows:usage_results": [
        Case(kwargs=lambda w: {"pk": w.workflow_state.workflow_id})
    ],
    "wagtailadmin_workflows:remove": [
        Case(kwargs=lambda w: {"page_pk": w.b_page.pk}, variant="page"),
        Case(
            kwargs=lambda w: {"page_pk": w.b_page.pk, "workflow_pk": w.workflow_state.workflow_id},
            variant="page and workflow",
        ),
    ],
    "wagtailadmin_workflows:add_task": [
        Case(kwargs=lambda w: {"app_label": "wagtailcore", "model_name": "groupapprovaltask"})
    ],
    "wagtailadmin_workflows:select_task_type": [Case()],
    "wagtailadmin_workflows:task_index": [Case(shows_nothing=True)],
    "wagtailadmin_workflows:task_index_results": [Case(shows_nothing=True)],
    "wagtailadmin_workflows:edit_task": [Case(kwargs=lambda w: {"pk": w.task_state.task_id})],
    "wagtailadmin_workflows:disable_task": [Case(kwargs=lambda w: {"pk": w.task_state.task_id})],
    "wagtailadmin_workflows:enable_task": [Case(kwargs=lambda w: {"pk": w.task_state.task_id})],
    "wagtailadmin_workflows:task_chooser": [Case(shows_nothing=True)],
    "wagtailadmin_workflows:task_chooser_results": [Case(shows_nothing=True)],
    # The task chooser shows the network's review task; creating one needs add_task.
    "wagtailadmin_workflows:task_chooser_create": [Case(shows_nothing=True)],
    "wagtailadmin_workflows:task_chosen": [
        Case(kwargs=lambda w: {"task_id": w.task_state.task_id}, shows_nothing=True)
    ],
    "wagtailadmin_collections:index": [Case(shows_nothing=True)],
    "wagtailadmin_collections:add": [
        Case(post=lambda w: {"name": "Alfa dentro B", "parent": w.b.collection.pk})
    ],
    "wagtailadmin_collections:edit": [
        Case(kwargs=lambda w: {"pk": w.b.collection.pk}, post=lambda w: {"name": "Presa da Alfa"})
    ],
    "wagtailadmin_collections:delete": [Case(kwargs=lambda w: {"pk": w.private_collection.pk})],
    "wagtailadmin_collections:set_privacy": [
        Case(
            kwargs=lambda w: {"collection_id": w.private_collection.pk},
            post=lambda w: {"restriction_type": "none"},
        )
    ],
    "wagtailadmin_editing_sessions:ping": [
        Case(
            kwargs=lambda w: {
                "app_label": "wagtailcore",
                "model_name": "page",
                "object_id": str(w.b_page.pk),
                "session_id": w.b_session.pk,
            }
        )
    ],
    # Releasing someone else's session answers 200 and does nothing (the snapshot checks it).
    "wagtailadmin_editing_sessions:release": [
        Case(kwargs=lambda w: {"session_id": w.b_session.pk}, shows_nothing=True)
    ],
    # Images.
    "wagtailimages:index": [Case(query="?q=Betarossa", shows_nothing=True)],
    "wagtailimages:index_results": [Case(query="?q=Betarossa", shows_nothing=True)],
    "wagtailimages:edit": [
        Case(
            kwargs=lambda w: {"image_id": w.b_image.pk},
            post=lambda w: {"title": "Presa da Alfa", "collection": w.a.collection.pk},
        )
    ],
    "wagtailimages:delete": [Case(kwargs=lambda w: {"image_id": w.b_image.pk})],
    "wagtailimages:url_generator": [Case(kwargs=lambda w: {"image_id": w.b_image.pk})],
    "wagtailimages:url_generator_output": [
        Case(
            kwargs=lambda w: {"image_id": w.b_image.pk},
            query="?filter_method=original&width=100&height=100&closeness=0",
        )
    ],
    "wagtailimages:preview": [
        Case(kwargs=lambda w: {"image_id": w.b_image.pk, "filter_spec": "original"})
    ],
    "wagtailimages:add": [
        Case(shows_nothing=True, post=_upload, variant="upload into B's collection")
    ],
    "wagtailimages:image_usage": [Case(kwargs=lambda w: {"image_id": w.b_image.pk})],
    "wagtailimages:add_multiple": [
        Case(
            shows_nothing=True,
            post=lambda w: _upload(w, field_name="files[]"),
            variant="upload into B's collection",
        )
    ],
    "wagtailimages:edit_multiple": [
        Case(
            kwargs=lambda w: {"image_id": w.b_image.pk},
            post=lambda w: {
                f"image-{w.b_image.pk}-title": "Presa da Alfa",
                f"image-{w.b_image.pk}-collection": w.a.collection.pk,
            },
        )
    ],
    "wagtailimages:create_multiple_from_uploaded_image": [
        Case(
            kwargs=lambda w: {"uploaded_file_id": w.b_image_upload.pk},
            post=lambda w: {f"uploaded-image-{w.b_image_upload.pk}-title": "Presa da Alfa"},
        )
    ],
    "wagtailimages:delete_multiple": [Case(kwargs=lambda w: {"image_id": w.b_image.pk})],
    "wagtailimages:delete_upload_multiple": [
        Case(kwargs=lambda w: {"uploaded_file_id": w.b_image_upload.pk})
    ],
    "wagtailimages_chooser:choose": [Case(shows_nothing=True)],
    "wagtailimages_chooser:choose_results": [Case(query="?q=Betarossa", shows_nothing=True)],
    "wagtailimages_chooser:chosen": [Case(kwargs=lambda w: {"pk": str(w.b_image.pk)})],
    "wagtailimages_chooser:chosen_multiple": [
        Case(query=lambda w: f"?id={w.b_image.pk}", shows_nothing=True)
    ],
    "wagtailimages_chooser:create": [
        Case(
            shows_nothing=True,
            post=lambda w: (
                _upload(w, field_name="image-chooser-upload-file")
                | {
                    "image-chooser-upload-title": "Caricata da Alfa",
                    "image-chooser-upload-collection": w.b.collection.pk,
                }
            ),
            variant="upload into B's collection",
        )
    ],
    "wagtailimages_chooser:select_format": [
        Case(
            kwargs=lambda w: {"image_id": w.b_image.pk},
            post=lambda w: {
                "image-chooser-insertion-format": "fullwidth",
                "image-chooser-insertion-image_is_decorative": "on",
            },
        )
    ],
    # Documents.
    "wagtaildocs:index": [Case(query="?q=Betarossa", shows_nothing=True)],
    "wagtaildocs:index_results": [Case(query="?q=Betarossa", shows_nothing=True)],
    "wagtaildocs:add": [
        Case(shows_nothing=True, post=_document_upload, variant="upload into B's collection")
    ],
    "wagtaildocs:edit": [
        Case(
            kwargs=lambda w: {"document_id": w.b_document.pk},
            post=lambda w: {"title": "Preso da Alfa", "collection": w.a.collection.pk},
        ),
        Case(kwargs=lambda w: {"document_id": w.b_private_document.pk}, variant="private"),
    ],
    "wagtaildocs:delete": [Case(kwargs=lambda w: {"document_id": w.b_document.pk})],
    "wagtaildocs:add_multiple": [
        Case(
            shows_nothing=True,
            post=lambda w: _document_upload(w, field_name="files[]"),
            variant="upload into B's collection",
        )
    ],
    "wagtaildocs:edit_multiple": [
        Case(
            kwargs=lambda w: {"doc_id": w.b_document.pk},
            post=lambda w: {
                f"doc-{w.b_document.pk}-title": "Preso da Alfa",
                f"doc-{w.b_document.pk}-collection": w.a.collection.pk,
            },
        )
    ],
    "wagtaildocs:create_multiple_from_uploaded_document": [
        Case(
            kwargs=lambda w: {"uploaded_file_id": w.b_document_upload.pk},
            post=lambda w: {f"uploaded-document-{w.b_document_upload.pk}-title": "Preso"},
        )
    ],
    "wagtaildocs:delete_multiple": [Case(kwargs=lambda w: {"doc_id": w.b_document.pk})],
    "wagtaildocs:delete_upload_multiple": [
        Case(kwargs=lambda w: {"uploaded_file_id": w.b_document_upload.pk})
    ],
    "wagtaildocs:document_usage": [Case(kwargs=lambda w: {"document_id": w.b_document.pk})],
    "wagtaildocs_chooser:choose": [Case(shows_nothing=True)],
    "wagtaildocs_chooser:choose_results": [Case(query="?q=Betarossa", shows_nothing=True)],
    "wagtaildocs_chooser:chosen": [
        Case(kwargs=lambda w: {"pk": str(w.b_document.pk)}),
        Case(kwargs=lambda w: {"pk": str(w.b_private_document.pk)}, variant="private"),
    ],
    "wagtaildocs_chooser:chosen_multiple": [
        Case(
            query=lambda w: f"?id={w.b_document.pk}&id={w.b_private_document.pk}",
            shows_nothing=True,
        )
    ],
    "wagtaildocs_chooser:create": [
        Case(
            shows_nothing=True,
            post=lambda w: {
                "document-chooser-upload-title": "Caricato da Alfa",
                "document-chooser-upload-file": ContentFile(b"%PDF-1.4", name="a.pdf"),
                "document-chooser-upload-collection": w.b.collection.pk,
            },
            variant="upload into B's collection",
        )
    ],
    "wagtaildocs_serve": [
        Case(
            kwargs=lambda w: {},
            extra={"args": lambda w: [w.b_private_document.pk, "privato.pdf"]},
            variant="private document",
        )
    ],
    # A password form for a group restriction: it names nothing and never lets anyone in.
    "wagtaildocs_authenticate_with_password": [
        Case(
            kwargs=lambda w: {"restriction_id": w.private_collection.view_restrictions.first().pk},
            post=lambda w: {"password": "indovina"},
            shows_nothing=True,
        )
    ],
    # The admin API (used by the explorer menu and the choosers).
    "wagtailadmin_api:pages:listing": [
        Case(query="?search=Betarossa", shows_nothing=True),
        Case(
            query=lambda w: f"?child_of={w.b_page.pk}", shows_nothing=True, variant="children of B"
        ),
    ],
    "wagtailadmin_api:pages:detail": [Case(kwargs=lambda w: {"pk": w.b_draft.pk})],
    "wagtailadmin_api:pages:find": [Case(query=lambda w: f"?id={w.b_draft.pk}")],
    "wagtailadmin_api:pages:action": [],  # one case per action, below
    "wagtailadmin_api:images:listing": [Case(query="?search=Betarossa", shows_nothing=True)],
    "wagtailadmin_api:images:detail": [Case(kwargs=lambda w: {"pk": w.b_image.pk})],
    "wagtailadmin_api:images:find": [Case(query=lambda w: f"?id={w.b_image.pk}")],
    "wagtailadmin_api:documents:listing": [Case(query="?search=Betarossa", shows_nothing=True)],
    "wagtailadmin_api:documents:detail": [Case(kwargs=lambda w: {"pk": w.b_document.pk})],
    "wagtailadmin_api:documents:find": [Case(query=lambda w: f"?id={w.b_document.pk}")],
}


def _api_action_cases() -> list[Case]:
    from wagtail.admin.api.views import PagesAdminAPIViewSet

    payloads = {
        "copy": lambda w: {"destination_page_id": w.a.page.pk, "recursive": True},
        "move": lambda w: {"destination_page_id": w.a.page.pk},
        "create_alias": lambda w: {"destination_page_id": w.a.page.pk},
        "revert_to_page_revision": lambda w: {"revision_id": w.b_revision.pk},
        "copy_for_translation": lambda w: {"locale": "en"},
    }
    return [
        Case(
            kwargs=lambda w, action=action: {
                "pk": (w.b_alias if action == "convert_alias" else w.b_page).pk,
                "action_name": action,
            },
            post=payloads.get(action, lambda w: {}),
            variant=action,
        )
        for action in sorted(PagesAdminAPIViewSet.actions)
    ]


def _bulk_action_cases() -> list[Case]:
    from wagtail.admin.views.bulk_action.registry import bulk_action_registry

    targets = {
        ("wagtailcore", "page"): lambda w: [w.b_page.pk, w.b_live.pk, w.b_draft.pk],
        ("wagtailimages", "image"): lambda w: [w.b_image.pk],
        ("wagtaildocs", "document"): lambda w: [w.b_document.pk, w.b_private_document.pk],
    }
    payloads = {
        "move": lambda w: {"chooser": w.a.page.pk},
        "add_to_collection": lambda w: {"collection": w.a.collection.pk},
        "add_tags": lambda w: {"tags": "presa-da-alfa"},
        "unpublish": lambda w: {"include_descendants": "on"},
    }
    cases = []
    for (app_label, model_name), ids in targets.items():
        for action in bulk_action_registry.get_bulk_actions_for_model(app_label, model_name):
            cases.append(
                Case(
                    kwargs=lambda w, a=app_label, m=model_name, t=action.action_type: {
                        "app_label": a,
                        "model_name": m,
                        "action": t,
                    },
                    query=lambda w, ids=ids: (
                        "?next=/admin/&" + "&".join(f"id={pk}" for pk in ids(w))
                    ),
                    post=payloads.get(action.action_type, lambda w: {}),
                    variant=f"{model_name} {action.action_type}",
                )
            )
    assert cases
    return cases


CASES["wagtailadmin_api:pages:action"] = _api_action_cases()
CASES["wagtail_bulk_action"] = _bulk_action_cases()

# Admin routes that touch pages, images or documents: everything under these namespaces and
# names must have cases above.
COVERED_NAMESPACES = (
    "wagtailadmin_pages:",
    "wagtailadmin_workflows:",
    "wagtailadmin_collections:",
    "wagtailadmin_editing_sessions:",
    "wagtailadmin_api:",
    "wagtailimages:",
    "wagtailimages_chooser:",
    "wagtaildocs:",
    "wagtaildocs_chooser:",
)
COVERED_NAMES = {
    "wagtailadmin_home",
    "wagtailadmin_explore_root",
    "wagtailadmin_explore",
    "wagtailadmin_explore_results",
    "wagtail_bulk_action",
    "wagtaildocs_serve",
    "wagtaildocs_authenticate_with_password",
}


def _admin_route_names() -> set[str]:
    names = set()
    for name, _route in walk(get_resolver().url_patterns):
        if not name:
            continue
        if (
            name.startswith(COVERED_NAMESPACES)
            or name in COVERED_NAMES
            or name.startswith("wagtailadmin_choose_page")
        ):
            names.add(name)
    return names


def _params():
    for name, cases in CASES.items():
        for case in cases:
            yield pytest.param(name, case, id=f"{name}[{case.variant}]" if case.variant else name)


def test_every_admin_route_has_an_isolation_case():
    routes = _admin_route_names()
    # Link choosers for external URLs, e-mail, phone and anchors touch no page.
    no_object = {
        "wagtailadmin_choose_page_external_link",
        "wagtailadmin_choose_page_email_link",
        "wagtailadmin_choose_page_phone_link",
        "wagtailadmin_choose_page_anchor_link",
    }
    missing = sorted(routes - set(CASES) - no_object)
    assert missing == [], f"admin routes without an isolation case: {missing}"
    assert sorted(set(CASES) - routes) == [], "cases for routes that no longer exist"


# --- Running the cases -------------------------------------------------------------------


def _snapshot(w) -> dict:
    """Everything of B that a forged request could change, and what it could create."""
    b_pages = Page.objects.filter(path__startswith=w.b_page.path)
    b_collection = w.b.collection
    return {
        "b_pages": list(
            b_pages.order_by("path").values_list(
                "pk",
                "title",
                "draft_title",
                "slug",
                "live",
                "path",
                "url_path",
                "locked",
                "locked_by_id",
                "has_unpublished_changes",
                "latest_revision_id",
                "alias_of_id",
                "expire_at",
            )
        ),
        "page_count": Page.objects.count(),
        "b_titles_elsewhere": list(
            Page.objects.filter(title__contains="Betarossa")
            .exclude(path__startswith=w.b_page.path)
            .values_list("pk", flat=True)
        ),
        "revisions": Revision.objects.count(),
        "restrictions": PageViewRestriction.objects.count(),
        "workflow_pages": list(WorkflowPage.objects.values_list("page_id", "workflow_id")),
        "workflow_states": list(WorkflowState.objects.values_list("pk", "status")),
        "task_states": list(TaskState.objects.values_list("pk", "status")),
        "workflows": list(Workflow.objects.values_list("pk", "name", "active")),
        "tasks": list(Task.objects.values_list("pk", "name", "active")),
        # A's uploads aimed at B's collection land in A's own (its only choice): only B's
        # collections and objects must stay as they were.
        "images": list(
            Image.objects.filter(collection__path__startswith=b_collection.path)
            .order_by("pk")
            .values_list("pk", "title", "collection_id", "file")
        ),
        "documents": list(
            Document.objects.filter(collection__path__startswith=b_collection.path)
            .order_by("pk")
            .values_list("pk", "title", "collection_id", "file")
        ),
        "b_objects_elsewhere": [
            Image.objects.filter(pk=w.b_image.pk).exclude(collection=b_collection).count(),
            Document.objects.filter(pk__in=[w.b_document.pk, w.b_private_document.pk])
            .exclude(collection__path__startswith=b_collection.path)
            .count(),
        ],
        "tags": sorted(
            [str(tag) for tag in w.b_image.tags.all()] + [str(t) for t in w.b_document.tags.all()]
        ),
        "collections": list(Collection.objects.order_by("path").values_list("pk", "name", "path")),
        "collection_restrictions": list(
            CollectionViewRestriction.objects.values_list("pk", "restriction_type", "password")
        ),
        "uploads": list(UploadedFile.objects.order_by("pk").values_list("pk", flat=True)),
        "sessions": list(EditingSession.objects.values_list("pk", "user_id", "object_id")),
        "page_permissions": GroupPagePermission.objects.count(),
        "collection_permissions": GroupCollectionPermission.objects.count(),
        "groups": Group.objects.count(),
    }


def _url(name: str, case: Case, w) -> str:
    kwargs = case.kwargs(w) if case.kwargs else {}
    args = case.extra["args"](w) if "args" in case.extra else None
    url = reverse(name, args=args) if args else reverse(name, kwargs=kwargs or None)
    query = case.query(w) if callable(case.query) else case.query
    return url + query


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _check(response, case: Case, method: str, url: str) -> None:
    body = _body(response)
    shown = [marker for marker in MARKERS if marker in body]
    where = f"{method} {url} → {response.status_code}"
    assert response.status_code != 500, where
    assert shown == [], f"{where} shows B's content: {shown}"
    if not case.shows_nothing:
        assert response.status_code in REFUSED, f"{where}: expected a refusal"
    if response.status_code == 302:
        assert "Betarossa".lower() not in response["Location"].lower(), where


ISOLATION_PARAMS = list(_params())


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "case"), ISOLATION_PARAMS)
def test_editor_of_a_cannot_see_or_change_b(client, world, name, case):
    w = world
    url = _url(name, case, w)
    data = case.post(w) if case.post else {}
    client.force_login(w.a_editor)
    before = _snapshot(w)

    _check(client.get(url), case, "GET", url)
    _check(client.post(url, data), case, "POST", url)

    assert _snapshot(w) == before


# --- Controls: the forged requests work for someone allowed, and A works on its own pages --


PAYLOAD_CONTROLS = [
    ("wagtailadmin_pages:edit", ""),
    ("wagtailadmin_pages:add", ""),
    ("wagtailadmin_pages:copy", "B's initiative into A"),
    ("wagtailadmin_pages:delete", "initiative"),
    ("wagtailadmin_pages:unpublish", ""),
    ("wagtailadmin_pages:move_confirm", ""),
    ("wagtailadmin_pages:workflow_action", "approve"),
    ("wagtailadmin_pages:set_privacy", ""),
    ("wagtailimages:edit", ""),
    ("wagtaildocs:edit", ""),
    ("wagtail_bulk_action", "page unpublish"),
    ("wagtailadmin_api:pages:action", "unpublish"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "variant"), PAYLOAD_CONTROLS)
def test_the_forged_requests_change_b_when_sent_by_a_superuser(client, world, name, variant):
    """Guards the matrix against payloads that would fail anyway: sent by someone allowed,
    the same requests do change B."""
    (case,) = [case for case in CASES[name] if case.variant == variant]
    w = world
    url = _url(name, case, w)
    data = case.post(w) if case.post else {}
    client.force_login(approver())
    before = _snapshot(w)
    response = client.post(url, data)
    assert response.status_code in {200, 302}, response.content.decode()[:500]
    assert _snapshot(w) != before


@pytest.mark.django_db
def test_an_editor_works_on_their_own_pages(client, world):
    w = world
    client.force_login(w.a_editor)
    page = w.a.page
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert client.get(edit_url).status_code == 200

    data = _form_data_as_superuser(edit_url)
    data["body-count"] = "0"
    data["title"] = "Alfa Aquilone — chi siamo"
    data["action-submit"] = "action-submit"
    assert client.post(edit_url, data).status_code == 302
    page.refresh_from_db()
    assert page.draft_title == "Alfa Aquilone — chi siamo"
    assert page.current_workflow_state is not None

    add_url = reverse("wagtailadmin_pages:add", args=["associations", "initiativepage", page.pk])
    assert client.get(add_url).status_code == 200
    data = _new_initiative_data(w)
    del data["action-publish"]
    data["action-submit"] = "action-submit"
    data["title"], data["slug"] = "Aquiloni al parco", "aquiloni-al-parco"
    assert client.post(add_url, data).status_code == 302
    initiative = InitiativePage.objects.get(slug="aquiloni-al-parco")
    assert initiative.get_parent().pk == page.pk
    assert initiative.current_workflow_state is not None

    explorer = client.get(reverse("wagtailadmin_explore_root"), follow=True)
    assert explorer.redirect_chain[-1][0] == reverse("wagtailadmin_explore", args=[page.pk])
    assert "Aquiloni al parco" in explorer.content.decode()
    own_images = client.get(reverse("wagtailimages:index"))
    assert own_images.status_code == 200


@pytest.mark.django_db
def test_the_page_chooser_leads_an_editor_to_their_own_pages(
    client, world, django_assert_max_num_queries
):
    w = world
    make_initiative(
        w.a, title="Laboratorio di aquiloni", area=w.area, municipalities=[w.municipality]
    )
    client.force_login(w.a_editor)
    index = w.a.page.get_parent()

    root = client.get(reverse("wagtailadmin_choose_page"))
    assert root.status_code == 200
    with django_assert_max_num_queries(40) as first:
        listing = client.get(reverse("wagtailadmin_choose_page_child", args=[index.pk]))
    queries_with_two = len(first.captured_queries)
    assert "Alfa Aquilone" in listing.content.decode()
    own = client.get(reverse("wagtailadmin_choose_page_child", args=[w.a.page.pk]))
    assert "Laboratorio di aquiloni" in own.content.decode()
    found = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "aquiloni"})
    assert "Laboratorio di aquiloni" in found.content.decode()

    for number in range(4):
        make_association(name=f"Vicina {number}", network=w.a.network, municipalities=[])
    with django_assert_max_num_queries(queries_with_two):
        listing = client.get(reverse("wagtailadmin_choose_page_child", args=[index.pk]))
    assert "Vicina" not in listing.content.decode()

    # Staff and site editors keep Wagtail's whole chooser.
    client.force_login(approver())
    everything = client.get(reverse("wagtailadmin_choose_page_child", args=[index.pk]))
    assert B_NAME in everything.content.decode()
