"""Writes of an association to its own events from outside the Wagtail admin (the API).

The same path as an editor's: a revision of the page, then Wagtail publishes it (and its
`page_published` signal runs `services.event_sync`) or submits it to the staff's review,
following the association's trust (see associations.services.association_set_trusted):

- a trusted association publishes at once;
- the others' changes are submitted to the review workflow of their page (the staff's),
  and go live when approved; the live page, if any, stays as it is meanwhile.

Cancelling is the exception: it publishes at once whatever the trust, because holding a
cancellation for review would send families to an event that is off. It changes nothing
but the status, and stops any review in progress, whose older revision would otherwise bring
the event back when approved.

Each function validates before writing (the page's own `clean`, i.e. `event_validate`) and
runs in one transaction: a refused change leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from associations.models import Association
from associations.services import staff_review_workflow
from events.models import EventExclusion, EventOccurrenceChange, EventPage

PUBLISHED = "published"
IN_REVIEW = "in_review"
DRAFT = "draft"

# Written through the page's relations rather than as attributes.
_RELATIONS = ("areas", "age_bands", "exclusions", "occurrence_changes")


@dataclass(frozen=True)
class EventWrite:
    """The page as written (its live content, or the revision waiting for review)."""

    page: EventPage
    publication: str  # PUBLISHED, IN_REVIEW or DRAFT


def _apply(page: EventPage, values: dict) -> None:
    for name, value in values.items():
        if name in ("areas", "age_bands"):
            getattr(page, name).set(value)
        elif name == "exclusions":
            page.exclusions = [EventExclusion(date=day) for day in sorted(set(value))]
        elif name == "occurrence_changes":
            page.occurrence_changes = [EventOccurrenceChange(**change) for change in value]
        else:
            setattr(page, name, value)
    if not page.repeat:
        # A single event is changed or cancelled as a whole (see events.recurrence).
        errors = {}
        if page.exclusions.all():
            errors["exclusions"] = _("Le date escluse valgono solo per gli eventi che si ripetono.")
        if page.occurrence_changes.all():
            errors["occurrence_changes"] = _(
                "Le modifiche di singole date valgono solo per gli eventi che si ripetono."
            )
        if errors:
            raise ValidationError(errors)


def _free_slug(parent, title: str) -> str:
    # "0–3 anni" reads "0-3-anni", not "03-anni".
    base = slugify(title.replace("–", " "))[:200] or "evento"
    taken = set(parent.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, counter = base, 2
    while slug in taken:
        slug = f"{base}-{counter}"
        counter += 1
    return slug


def _publish_or_submit(page: EventPage, *, association: Association, user) -> EventWrite:
    revision = page.save_revision(user=user, log_action=True)
    if association.trusted:
        # The association's trust is the permission here, not the token creator's page rights.
        revision.publish(user=user, skip_permission_checks=True)
        return EventWrite(EventPage.objects.get(pk=page.pk), PUBLISHED)
    state = page.current_workflow_state
    if state is not None:
        # A newer revision replaces the one under review.
        state.cancel(user=user)
    workflow = page.get_workflow() or staff_review_workflow()
    workflow.start(page, user)
    return EventWrite(page, IN_REVIEW)


@transaction.atomic
def event_create(*, association: Association, values: dict, user=None) -> EventWrite:
    """A new event under the association's page. `values` are EventPage field values, plus
    `areas`, `age_bands`, `exclusions` (dates) and `occurrence_changes` (dicts)."""
    parent = association.page
    fields = {name: value for name, value in values.items() if name not in _RELATIONS}
    # The association is derived from the tree on publication (services.event_sync); set
    # here too, so a page waiting for review already says whose it is.
    page = EventPage(**fields, association=association, live=False)
    _apply(page, {name: value for name, value in values.items() if name in _RELATIONS})
    page.slug = _free_slug(parent, page.title)
    page.full_clean(exclude=["path", "depth"])
    parent.add_child(instance=page)
    # Saved: now the single-date changes can be checked against the series.
    page.full_clean()
    return _publish_or_submit(page, association=association, user=user)


def _locked(page: EventPage) -> EventPage:
    return EventPage.objects.select_for_update().get(pk=page.pk)


@transaction.atomic
def event_update(
    *, page: EventPage, association: Association, values: dict, user=None
) -> EventWrite:
    """Change some fields of the event (its latest revision, as the admin's editor does)."""
    draft = _locked(page).get_latest_revision_as_object()
    _apply(draft, values)
    draft.full_clean()
    return _publish_or_submit(draft, association=association, user=user)


@transaction.atomic
def event_cancel(*, page: EventPage, association: Association, user=None) -> EventWrite:
    """Cancel the event: published at once if it is live (see the module's docstring)."""
    page = _locked(page)
    state = page.current_workflow_state
    if state is not None:
        state.cancel(user=user)
    # The live content if there is one: a change still under review is not published with it.
    target = page if page.live else page.get_latest_revision_as_object()
    if target.status == EventPage.Status.CANCELLED:
        return EventWrite(target, PUBLISHED if target.live else DRAFT)
    target.status = EventPage.Status.CANCELLED
    revision = target.save_revision(user=user, log_action=True)
    if not target.live:
        return EventWrite(target, DRAFT)
    revision.publish(user=user, skip_permission_checks=True)
    return EventWrite(EventPage.objects.get(pk=page.pk), PUBLISHED)
