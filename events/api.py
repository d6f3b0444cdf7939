"""API of events: public reads with the listings' filters, and an association's writes.

Reads list what the public site lists (live events on public pages) and take the same
filter parameters as the pages and feeds (events.filters: `comune`, `associazione`, `area`,
`eta`, `dal`, `al`, `gratis`), strictly: an unknown value or parameter is a 400 naming it,
never an empty list.

An association's API token (associations.api_auth) creates, changes and cancels that
association's events, through events.authoring, which follows the association's trust:
published at once (201/200) or submitted to the staff's review (202, `publication` is
`in_review`). Another association's event answers 404.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from associations.api_auth import is_association_principal
from events import authoring, filters, selectors
from events.api_serializers import (  # noqa: F401 (re-exported from events.api)
    MAX_SLUGS,
    MODEL_ERROR_FIELDS,
    NOT_FILTERS,
    TOKEN_AUTH,
    TOO_MANY_EXCLUSIONS,
    UPCOMING_DATES,
    WEEKDAY_CODES,
    EventDetailSerializer,
    EventSerializer,
    EventWriteSerializer,
    EventWrittenSerializer,
    OccurrenceChangeSerializer,
    OccurrenceSerializer,
    RecurrenceSerializer,
    UpcomingDateSerializer,
)
from events.models import EventPage
from hub.access import DeclaredPolicyPermission
from hub.api import reject_control_characters
from hub.models import AgeBand, Area

# --- Filters ----------------------------------------------------------------------------------


def _list_parameter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name, OpenApiTypes.STR, many=True, explode=True, description=description
    )


FILTER_PARAMETERS = [
    _list_parameter("comune", "Slug of a municipality; repeat it for several (any matches)."),
    _list_parameter("associazione", "Slug of an association; repeatable."),
    _list_parameter("area", "Slug of an area of the mappatura; repeatable."),
    _list_parameter("eta", "Slug of an age band (e.g. `6-10`); repeatable."),
    OpenApiParameter(
        "dal",
        OpenApiTypes.DATE,
        description=(
            "First day (Europe/Rome). With `dal` or `al`, only events with a date in "
            f"[dal, al]; `dal` defaults to today, `al` to {selectors.LIST_DAYS - 1} days "
            "after `dal`."
        ),
    ),
    OpenApiParameter("al", OpenApiTypes.DATE, description="Last day, inclusive."),
    OpenApiParameter("gratis", OpenApiTypes.STR, enum=["1", "0"], description="`1`: free only."),
]


def parse_filter(request) -> filters.EventFilter:
    reject_control_characters(request.query_params)
    query = request.query_params.copy()
    for name in NOT_FILTERS:
        query.pop(name, None)
    try:
        return filters.parse(query, strict=True)
    except filters.FilterError as error:
        raise exceptions.ValidationError(error.errors) from None


# --- Views ------------------------------------------------------------------------------------


class ReadOrAssociationToken(DeclaredPolicyPermission):
    """Anyone reads; writing takes an association's API token."""

    message = _(
        "Per creare o modificare eventi serve il token API dell'associazione "
        "(Authorization: Bearer <token>)."
    )

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or is_association_principal(request.user)


def _with_relations(events):
    return events.select_related("municipality", "association").prefetch_related(
        "exclusions",
        "occurrence_changes",
        Prefetch("areas", queryset=Area.objects.order_by(*Area._meta.ordering)),
        Prefetch("age_bands", queryset=AgeBand.objects.order_by(*AgeBand._meta.ordering)),
    )


class EventViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Events of the network's associations and municipalities."""

    permission_classes = [ReadOrAssociationToken]
    serializer_class = EventSerializer
    queryset = EventPage.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]
    # hub.api_errors puts a service's ValidationError on the API's field names.
    service_error_fields = MODEL_ERROR_FIELDS

    def get_queryset(self):
        if self.request.method not in SAFE_METHODS:
            # An association writes its own events only (drafts and pages under review too).
            return EventPage.objects.child_of(self.request.user.association.page)
        events = _with_relations(filters.public_events()).order_by("start", "pk")
        if self.action != "list":
            return events
        event_filter = parse_filter(self.request)
        events = event_filter.apply(events)
        if event_filter.date_from or event_filter.date_to:
            window_start, window_end = selectors.list_window(event_filter)
            events = events.filter(
                pk__in=selectors.window_occurrences(
                    filters.EventFilter(), window_start=window_start, window_end=window_end
                ).values("event_id")
            )
        return events

    def get_serializer_class(self):
        if self.action == "retrieve":
            return EventDetailSerializer
        return EventSerializer

    @extend_schema(summary="Published events", parameters=FILTER_PARAMETERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="A published event, with its next dates")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def _written(self, write: authoring.EventWrite, *, created: bool) -> Response:
        page = write.page
        page.publication = write.publication
        if write.publication == authoring.IN_REVIEW:
            page.message = _(
                "Evento in revisione: sarà pubblicato quando lo staff della rete lo approva."
            )
            code = status.HTTP_202_ACCEPTED
        elif write.publication == authoring.DRAFT:
            page.message = _("Evento salvato come bozza: non è pubblico.")
            code = status.HTTP_200_OK
        else:
            page.message = _("Evento pubblicato.")
            code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(EventWrittenSerializer(page, context={"request": self.request}).data, code)

    def _principal(self):
        return self.request.user.association, getattr(self.request.auth, "created_by", None)

    @extend_schema(
        summary="Create an event of the token's association",
        request=EventWriteSerializer,
        responses={201: EventWrittenSerializer, 202: EventWrittenSerializer},
        auth=TOKEN_AUTH,
    )
    def create(self, request, *args, **kwargs):
        form = EventWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        association, user = self._principal()
        write = authoring.event_create(
            association=association, values=form.to_model_values(), user=user
        )
        return self._written(write, created=True)

    @extend_schema(
        summary="Change an event of the token's association",
        request=EventWriteSerializer(partial=True),
        responses={200: EventWrittenSerializer, 202: EventWrittenSerializer},
        auth=TOKEN_AUTH,
    )
    def partial_update(self, request, *args, **kwargs):
        page = self.get_object()
        form = EventWriteSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        association, user = self._principal()
        write = authoring.event_update(
            page=page, association=association, values=form.to_model_values(), user=user
        )
        return self._written(write, created=False)

    @extend_schema(
        summary="Cancel an event of the token's association",
        description=(
            "Published at once, also for associations whose changes are otherwise reviewed: "
            "the event stays in the listings and feeds, marked cancelled."
        ),
        request=None,
        responses={200: EventWrittenSerializer},
        auth=TOKEN_AUTH,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        page = self.get_object()
        association, user = self._principal()
        write = authoring.event_cancel(page=page, association=association, user=user)
        return self._written(write, created=False)

    @extend_schema(
        summary="Dates of published events in a window",
        description=(
            "Every date (recurring events expanded) that overlaps [dal, al]; by default from "
            f"today for {selectors.LIST_DAYS} days. Cancelled dates are included, marked."
        ),
        parameters=FILTER_PARAMETERS,
        responses=OccurrenceSerializer(many=True),
    )
    @action(detail=False, methods=["get"], serializer_class=OccurrenceSerializer)
    def occurrences(self, request):
        event_filter = parse_filter(request)
        window_start, window_end = selectors.list_window(event_filter)
        occurrences = selectors.window_occurrences(
            event_filter, window_start=window_start, window_end=window_end
        ).select_related("event__municipality", "event__association")
        page = self.paginate_queryset(occurrences)
        serializer = OccurrenceSerializer(page, many=True, context={"request": request})
        return self.get_paginated_response(serializer.data)
