"""Factories for events: EventPages published through Wagtail (so event_sync runs)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from wagtail.models import Page

from associations.models import Association
from events.models import EventExclusion, EventOccurrenceChange, EventPage, MunicipalEventsIndexPage
from events.recurrence import ROME
from hub.models import AgeBand, Area, HomePage, Municipality
from tests.associations.factories import _as_objects, approver


def rome(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ROME)


def municipal_index(municipality: Municipality) -> MunicipalEventsIndexPage:
    existing = MunicipalEventsIndexPage.objects.filter(municipality=municipality).first()
    if existing:
        return existing
    home = HomePage.objects.first() or Page.objects.get(depth=1)
    page = MunicipalEventsIndexPage(
        title=f"Eventi del Comune di {municipality.name}",
        slug=f"eventi-{municipality.slug}",
        municipality=municipality,
    )
    home.add_child(instance=page)
    page.save_revision(user=approver()).publish(user=approver())
    return page


def make_event(
    *,
    association: Association | None = None,
    municipality: Municipality | None = None,
    title: str = "Laboratorio di lettura",
    start: datetime,
    end: datetime,
    areas: Iterable[Area | str] = (),
    age_bands: Iterable[AgeBand | str] = (),
    exclusions: Iterable[date] = (),
    changes: Iterable[dict] = (),
    live: bool = True,
    **fields,
) -> EventPage:
    """An EventPage under the association's page (or the municipality's events index).

    Extra keyword arguments are EventPage fields (repeat, repeat_until, status, ...).
    """
    if association is not None:
        parent = association.page
        municipality = municipality or association.municipalities.first()
    else:
        parent = municipal_index(municipality)
    page = EventPage(
        title=title, start=start, end=end, municipality=municipality, live=live, **fields
    )
    page.areas.set(_as_objects(Area, areas))
    page.age_bands.set(_as_objects(AgeBand, age_bands))
    page.exclusions = [EventExclusion(date=day) for day in exclusions]
    page.occurrence_changes = [EventOccurrenceChange(**change) for change in changes]
    page.full_clean(exclude=["path", "depth", "slug"])
    parent.add_child(instance=page)
    if live:
        return publish(page)
    return page


def publish(page: EventPage) -> EventPage:
    """Save a revision of the page as it is in memory and publish it, as an editor would."""
    page.full_clean()
    page.save_revision(user=approver()).publish(user=approver())
    return EventPage.objects.get(pk=page.pk)
