"""hub.services.page_add_published: a new page published, validated once, as Wagtail's
add_child, save_revision and publish leave it."""

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from wagtail.models import PageLogEntry, Revision
from wagtail.signals import page_published

from hub.models import HomePage, StandardPage
from hub.services import PUBLISHED_FIELDS, page_add_published
from tests.hub.factories import UserFactory

pytestmark = pytest.mark.django_db

# Different on every page, or set at the moment of each save.
VOLATILE = {
    "id",
    "page_ptr",
    "path",
    "url_path",
    "title",
    "draft_title",
    "slug",
    "translation_key",
    "latest_revision",
    "live_revision",
    "first_published_at",
    "last_published_at",
    "latest_revision_created_at",
}


def _state(page: StandardPage) -> dict:
    page = StandardPage.objects.get(pk=page.pk)
    revisions = [
        {
            "user": revision.user_id,
            "approved_go_live_at": revision.approved_go_live_at,
            "object_str": revision.object_str.removeprefix("Wagtail "),
            "is_live": revision.pk == page.live_revision_id,
            "is_latest": revision.pk == page.latest_revision_id,
            "content": {
                key: value
                for key, value in revision.content.items()
                if key not in VOLATILE | {"pk", "live", "body"}
            },
        }
        for revision in Revision.page_revisions.filter(object_id=str(page.pk))
    ]
    logs = [
        (entry.action, entry.user_id, entry.revision_id == page.live_revision_id)
        for entry in PageLogEntry.objects.filter(page=page).order_by("pk")
    ]
    fields = {key: value for key, value in model_to_dict(page).items() if key not in VOLATILE}
    return {
        "fields": fields,
        "published": page.first_published_at is not None
        and page.first_published_at == page.last_published_at,
        "revisions": revisions,
        "logs": logs,
        "title": page.title.removeprefix("Wagtail "),
        "draft_title": page.draft_title.removeprefix("Wagtail "),
    }


def test_the_same_page_as_add_child_save_revision_publish():
    home = HomePage.objects.get()
    user = UserFactory(is_superuser=True)
    published = []

    def receiver(sender, instance, **kwargs):
        published.append(instance.title)

    page_published.connect(receiver)
    try:
        wagtails = StandardPage(title="Wagtail Chi siamo", slug="chi-siamo-w", body="<p>Noi</p>")
        home.add_child(instance=wagtails)
        wagtails.save_revision(user=user).publish(user=user)

        ours = StandardPage(title="Chi siamo", slug="chi-siamo-h", body="<p>Noi</p>")
        revision = page_add_published(parent=home, page=ours, user=user)
    finally:
        page_published.disconnect(receiver)

    assert _state(ours) == _state(wagtails)
    assert published == ["Wagtail Chi siamo", "Chi siamo"]
    assert revision.pk == ours.live_revision_id == ours.latest_revision_id
    fresh = StandardPage.objects.get(pk=ours.pk)
    for field in PUBLISHED_FIELDS:
        assert getattr(ours, field) == getattr(fresh, field), field
    assert ours.live and fresh.live and not fresh.has_unpublished_changes


def test_an_invalid_page_is_refused_and_leaves_nothing():
    home = HomePage.objects.get()
    StandardPage.objects.filter(slug="doppia").delete()
    home.add_child(instance=StandardPage(title="Prima", slug="doppia"))
    before = StandardPage.objects.count()
    with pytest.raises(ValidationError):
        page_add_published(parent=home, page=StandardPage(title="Seconda", slug="doppia"))
    assert StandardPage.objects.count() == before


def test_what_only_the_full_validation_checks_is_checked_at_the_publish():
    """A slug's characters are not checked for a draft, nor by the database: the publish's
    full validation refuses it, and the page added as a draft goes with it."""
    home = HomePage.objects.get()
    before = StandardPage.objects.count()
    page = StandardPage(title="Slug sbagliato", slug="slug sbagliato!")
    with pytest.raises(ValidationError, match="slug"):
        page_add_published(parent=home, page=page)
    assert StandardPage.objects.count() == before
