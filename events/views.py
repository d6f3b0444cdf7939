"""Public pages of events: the list of upcoming dates, the month grid, a municipality's
events (its MunicipalEventsIndexPage) and an event's "add to calendar" file.

Filters are the GET parameters of events.filters (comune, associazione, area, eta, dal, al,
gratis), so a filtered list is a URL to share and has a feed with the same criteria. An
unknown value answers 400 with the form's message, never an empty list.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from events import feeds, filters, selectors, services
from events.ical import single_event_ics
from events.models import MunicipalEventsIndexPage
from hub.models import Municipality
from hub.page_urls import PageUrls
from hub.urls_absolute import page_url

# The month view pages through this range of years (and answers 404 outside it), so crawlers
# following "next month" links stop somewhere.
FIRST_YEAR = 2000
YEARS_AHEAD = 5
MULTIPLE_PARAMETERS = ("comune", "associazione", "area", "eta")


@dataclass
class FilterForm:
    """The filter form as the templates draw it: choices, the values asked and their errors.

    Parsing and validation are events.filters'; this only keeps what the person typed, so
    a refused value is shown back with its message.
    """

    choices: selectors.FilterChoices
    data: QueryDict
    errors: dict[str, list[str]] = field(default_factory=dict)
    event_filter: filters.EventFilter | None = None
    fixed_municipality: Municipality | None = None

    @property
    def selected(self) -> dict[str, set[str]]:
        return {name: set(self.data.getlist(name)) for name in MULTIPLE_PARAMETERS}

    def _date(self, name: str, value: date | None) -> str:
        if value is not None and name not in self.errors:
            return value.isoformat()
        return self.data.get(name, "")

    @property
    def date_from(self) -> str:
        return self._date("dal", self.event_filter.date_from if self.event_filter else None)

    @property
    def date_to(self) -> str:
        return self._date("al", self.event_filter.date_to if self.event_filter else None)

    @property
    def is_active(self) -> bool:
        """Some filter is set (or refused): the form is shown open."""
        return bool(self.errors) or any(
            value for name in filters.ALLOWED_PARAMETERS for value in self.data.getlist(name)
        )

    @property
    def free_only(self) -> bool:
        return self.data.get("gratis") == "1"

    @property
    def error_list(self) -> list[tuple[str, str]]:
        labels = {name: field.label for name, field in filters.EventFilterForm.base_fields.items()}
        return [
            (str(labels.get(name, name)), message)
            for name, messages in self.errors.items()
            for message in messages
        ]


def _parse(form: FilterForm) -> filters.EventFilter | None:
    """The request's filter (None, with the form's errors set, if it is refused)."""
    try:
        event_filter = filters.parse(form.data, strict=False)
    except filters.FilterError as error:
        form.errors = error.errors
        return None
    if form.fixed_municipality is not None:
        event_filter = replace(event_filter, municipalities=(form.fixed_municipality,))
    form.event_filter = event_filter
    return event_filter


def _query(event_filter: filters.EventFilter) -> str:
    items = event_filter.query_items()
    return f"?{urlencode(items)}" if items else ""


def _query_prefix(url: str, event_filter: filters.EventFilter) -> str:
    """The URL with the filter's query, ready for one more parameter to be appended."""
    query = urlencode(event_filter.query_items())
    return f"{url}?{query}&" if query else f"{url}?"


def _month_url(year: int, month: int, event_filter: filters.EventFilter) -> str:
    url = reverse("events:month", kwargs={"year": year, "month": month})
    return url + _query(selectors.without_dates(event_filter))


def _page_range(page_obj) -> list:
    return list(
        page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
    )


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    return _event_list(request, index_page=None)


def municipality_events(request: HttpRequest, *, index_page: MunicipalEventsIndexPage):
    """A municipality's events page: the list, for that municipality, with its intro."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return _event_list(request, index_page=index_page)


def _event_list(request: HttpRequest, *, index_page: MunicipalEventsIndexPage | None):
    data = request.GET.copy()
    fixed = index_page.municipality if index_page is not None else None
    if fixed is not None:
        # The page is the municipality's: its own filter replaces any other.
        data.pop("comune", None)
    form = FilterForm(choices=selectors.filter_choices(), data=data, fixed_municipality=fixed)
    context = {"form": form, "page": index_page, "self": index_page}
    event_filter = _parse(form)
    if event_filter is None:
        return render(request, "events/list.html", context, status=400)
    page_obj, days = selectors.paginated_days(
        event_filter, request.GET.get("pagina"), urls=PageUrls(request)
    )
    window_start, window_end = selectors.list_window(event_filter)
    today = selectors.today()
    context.update(
        event_filter=event_filter,
        page_obj=page_obj,
        page_range=_page_range(page_obj),
        days=days,
        window_first_day=window_start.date(),
        window_last_day=window_end.date() - timedelta(days=1),
        subscription=feeds.subscription_links(event_filter),
        month_url=_month_url(today.year, today.month, event_filter),
    )
    return render(request, "events/list.html", context)


@require_safe
def month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    today = selectors.today()
    if not (1 <= month <= 12 and FIRST_YEAR <= year <= today.year + YEARS_AHEAD):
        raise Http404
    form = FilterForm(choices=selectors.filter_choices(), data=request.GET.copy())
    context = {"form": form, "month_start": date(year, month, 1)}
    event_filter = _parse(form)
    if event_filter is None:
        return render(request, "events/month.html", context, status=400)
    event_filter = selectors.without_dates(event_filter)
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    context.update(
        event_filter=event_filter,
        grid=selectors.month_grid(event_filter, year=year, month=month, urls=PageUrls(request)),
        previous_month=date(*previous, 1),
        next_month=date(*following, 1),
        previous_url=_month_url(*previous, event_filter) if previous[0] >= FIRST_YEAR else None,
        next_url=(
            _month_url(*following, event_filter)
            if following[0] <= today.year + YEARS_AHEAD
            else None
        ),
        list_url=reverse("events:list") + _query(event_filter),
        # "e altri N" in a day's cell: the list of that day, with the same filters.
        day_list_prefix=_query_prefix(reverse("events:list"), event_filter),
        subscription=feeds.subscription_links(event_filter),
    )
    return render(request, "events/month.html", context)


@require_safe
def event_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    """A live, public event as a one-event iCalendar file ("add to calendar")."""
    page = get_object_or_404(
        filters.public_events()
        .select_related("municipality")
        .prefetch_related("exclusions", "occurrence_changes", "areas", "age_bands"),
        pk=event_id,
    )
    body = single_event_ics(services.feed_event(page, url=page_url(page) or ""))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{page.slug}.ics"
    )
    return response
