"""Serializers of the events API (events.api): reading an event and its dates, and an
association's writes."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from associations.api import AssociationTokenScheme, MunicipalityRefSerializer
from events import authoring
from events.models import EventOccurrence, EventPage
from events.recurrence import MAX_CHANGES, MAX_EXCLUSIONS
from hub.api import SlugLookupField
from hub.api_fields import BoundedDateField, BoundedDateTimeField, StrictDecimalField
from hub.models import AgeBand, Area, Municipality
from hub.urls_absolute import page_url

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
UPCOMING_DATES = 10
# Query parameters that are not filters: DRF's pagination and format override.
NOT_FILTERS = ("page", "format")
TOKEN_AUTH = [{AssociationTokenScheme.name: []}]
# Areas and age bands are a handful each; a longer list is not a mistake worth a query each.
MAX_SLUGS = 50
TOO_MANY_EXCLUSIONS = _("Al massimo {max_length} date escluse.")


# --- Serializers: reading ---------------------------------------------------------------------


class RecurrenceSerializer(serializers.Serializer):
    # Named as in iCalendar's RRULE (FREQ, INTERVAL, UNTIL, COUNT).
    freq = serializers.ChoiceField(
        choices=[("daily", "daily"), ("weekly", "weekly"), ("monthly", "monthly")],
        help_text="How often the event repeats (nothing more frequent than daily).",
    )
    interval = serializers.IntegerField(
        min_value=1, max_value=99, default=1, help_text="Every how many days, weeks or months."
    )
    weekdays = serializers.ListField(
        child=serializers.ChoiceField(choices=[(code, code) for code in WEEKDAY_CODES]),
        default=list,
        max_length=len(WEEKDAY_CODES),
        help_text=(
            "Weekly events only: the days, as iCalendar codes (MO … SU). Empty: the day of "
            "the start. The start must fall on one of them."
        ),
    )
    until = BoundedDateField(
        required=False,
        allow_null=True,
        help_text="Last day on which a date may fall (Europe/Rome). Give this or `count`.",
    )
    count = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="Number of dates of the series."
    )


class OccurrenceChangeSerializer(serializers.Serializer):
    original_date = BoundedDateField(help_text="The date of the series that changes.")
    cancelled = serializers.BooleanField(default=False, help_text="That date is cancelled.")
    new_start = BoundedDateTimeField(
        required=False, allow_null=True, help_text="Where it moves to (when not cancelled)."
    )
    new_end = BoundedDateTimeField(required=False, allow_null=True)


class UpcomingDateSerializer(serializers.ModelSerializer):
    cancelled = serializers.SerializerMethodField()

    class Meta:
        model = EventOccurrence
        fields = ["start", "end", "cancelled", "moved"]

    def get_cancelled(self, occurrence) -> bool:
        return occurrence.cancelled or occurrence.event.status == EventPage.Status.CANCELLED


class EventSerializer(serializers.ModelSerializer):
    uid = serializers.SerializerMethodField(
        help_text="Permanent iCalendar UID of the event (as in the calendar feeds)."
    )
    url = serializers.SerializerMethodField(help_text="Absolute URL of the event's page.")
    association = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="Slug of the organising association; null for a municipality's own events.",
    )
    municipality = MunicipalityRefSerializer(read_only=True)
    start = serializers.DateTimeField(
        help_text="Start (Europe/Rome). For all-day events, midnight of the first day."
    )
    end = serializers.DateTimeField(
        help_text="End (Europe/Rome). For all-day events, midnight of the LAST day (inclusive)."
    )
    recurrence = serializers.SerializerMethodField()
    excluded_dates = serializers.SerializerMethodField(
        help_text="Dates of the series on which the event does not take place."
    )
    changes = serializers.SerializerMethodField(help_text="Single dates moved or cancelled.")
    areas = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    age_bands = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    cost = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        coerce_to_string=True,
        allow_null=True,
        read_only=True,
        help_text='Cost in euros as a decimal string (e.g. "5.00"); null when free or unset.',
    )
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, coerce_to_string=True, allow_null=True, read_only=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, coerce_to_string=True, allow_null=True, read_only=True
    )
    last_modified = serializers.DateTimeField(
        source="changed_at",
        read_only=True,
        allow_null=True,
        help_text="Last real change of the event (as LAST-MODIFIED in the feeds).",
    )

    class Meta:
        model = EventPage
        fields = [
            "id",
            "uid",
            "title",
            "url",
            "summary",
            "association",
            "status",
            "start",
            "end",
            "all_day",
            "recurrence",
            "excluded_dates",
            "changes",
            "venue",
            "address",
            "municipality",
            "latitude",
            "longitude",
            "areas",
            "age_bands",
            "is_free",
            "cost",
            "cost_note",
            "registration_required",
            "capacity",
            "registration_closes_at",
            "sequence",
            "last_modified",
        ]
        read_only_fields = fields

    def get_uid(self, page) -> str:
        return f"{page.uid}@comuni-amici-della-famiglia"

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, page) -> str | None:
        return page_url(page)

    @extend_schema_field(RecurrenceSerializer(allow_null=True))
    def get_recurrence(self, page) -> dict | None:
        if not page.repeat:
            return None
        return {
            "freq": page.repeat,
            "interval": page.repeat_interval,
            "weekdays": [WEEKDAY_CODES[day] for day in sorted(page.repeat_weekdays or [])],
            "until": page.repeat_until.isoformat() if page.repeat_until else None,
            "count": page.repeat_count,
        }

    @extend_schema_field(serializers.ListField(child=serializers.DateField()))
    def get_excluded_dates(self, page) -> list[str]:
        return sorted(exclusion.date.isoformat() for exclusion in page.exclusions.all())

    @extend_schema_field(OccurrenceChangeSerializer(many=True))
    def get_changes(self, page) -> list[dict]:
        changes = sorted(page.occurrence_changes.all(), key=lambda change: change.original_date)
        return OccurrenceChangeSerializer(changes, many=True).data


class EventDetailSerializer(EventSerializer):
    upcoming = serializers.SerializerMethodField(
        help_text=f"The next {UPCOMING_DATES} dates from now (cancelled ones included, marked)."
    )

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "upcoming"]
        read_only_fields = fields

    @extend_schema_field(UpcomingDateSerializer(many=True))
    def get_upcoming(self, page) -> list[dict]:
        occurrences = (
            EventOccurrence.objects.filter(event=page, end__gt=timezone.now())
            .select_related("event")
            .order_by("start", "pk")[:UPCOMING_DATES]
        )
        return UpcomingDateSerializer(occurrences, many=True).data


class EventWrittenSerializer(EventSerializer):
    publication = serializers.ChoiceField(
        choices=[
            (authoring.PUBLISHED, authoring.PUBLISHED),
            (authoring.IN_REVIEW, authoring.IN_REVIEW),
            (authoring.DRAFT, authoring.DRAFT),
        ],
        read_only=True,
        help_text=(
            "`published`: live now; `in_review`: submitted to the network staff's review "
            "(the association is not trusted to publish directly), live once approved; "
            "`draft`: not public."
        ),
    )
    message = serializers.CharField(read_only=True, help_text="What happened, in words.")

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "publication", "message"]
        read_only_fields = fields


class OccurrenceSerializer(serializers.ModelSerializer):
    event = serializers.IntegerField(source="event_id", read_only=True, help_text="Event id.")
    title = serializers.CharField(source="event.title", read_only=True)
    url = serializers.SerializerMethodField(help_text="Absolute URL of the event's page.")
    all_day = serializers.BooleanField(source="event.all_day", read_only=True)
    status = serializers.CharField(source="event.status", read_only=True)
    cancelled = serializers.SerializerMethodField(
        help_text="This date is cancelled (on its own, or with the whole event)."
    )
    municipality = serializers.CharField(source="event.municipality.slug", read_only=True)
    association = serializers.SerializerMethodField(help_text="Slug of the association.")
    start = serializers.DateTimeField(read_only=True, help_text="Start (Europe/Rome).")
    end = serializers.DateTimeField(
        read_only=True, help_text="End, exclusive (midnight after the last day if all-day)."
    )

    class Meta:
        model = EventOccurrence
        fields = [
            "event",
            "title",
            "url",
            "start",
            "end",
            "all_day",
            "status",
            "cancelled",
            "moved",
            "municipality",
            "association",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, occurrence) -> str | None:
        return page_url(occurrence.event)

    def get_cancelled(self, occurrence) -> bool:
        return occurrence.cancelled or occurrence.event.status == EventPage.Status.CANCELLED

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_association(self, occurrence) -> str | None:
        association = occurrence.event.association
        return association.slug if association else None


# --- Serializers: writing ---------------------------------------------------------------------


class _SlugList(serializers.ManyRelatedField):
    """Slugs resolved one query each: the list is bounded before any is looked up."""

    def to_internal_value(self, data):
        if isinstance(data, list) and len(data) > MAX_SLUGS:
            raise serializers.ValidationError(
                _("Al massimo {max} valori.").format(max=MAX_SLUGS), code="max_length"
            )
        return super().to_internal_value(data)


def _slugs(queryset, message):
    return _SlugList(
        child_relation=SlugLookupField(
            slug_field="slug", queryset=queryset, error_messages={"does_not_exist": message}
        ),
        required=False,
    )


class EventWriteSerializer(serializers.Serializer):
    """An event as an association writes it. Times without an offset are Europe/Rome."""

    title = serializers.CharField(max_length=255)
    summary = serializers.CharField(max_length=400, required=False, allow_blank=True)
    start = BoundedDateTimeField(
        help_text="Start (ISO 8601; without offset: Europe/Rome), years 1900 to 2100."
    )
    end = BoundedDateTimeField(
        help_text="End. For all-day events, any time of the LAST day (inclusive)."
    )
    all_day = serializers.BooleanField(required=False, default=False)
    recurrence = RecurrenceSerializer(required=False, allow_null=True)
    excluded_dates = serializers.ListField(
        child=BoundedDateField(),
        required=False,
        max_length=MAX_EXCLUSIONS,
        help_text=f"Dates of the series to skip (at most {MAX_EXCLUSIONS}).",
        error_messages={"max_length": TOO_MANY_EXCLUSIONS},
    )
    changes = OccurrenceChangeSerializer(
        many=True,
        required=False,
        max_length=MAX_CHANGES,
        help_text=f"Single dates moved or cancelled (at most {MAX_CHANGES}).",
    )
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(max_length=250, required=False, allow_blank=True)
    municipality = SlugLookupField(
        slug_field="slug",
        queryset=Municipality.objects.all(),
        help_text="Slug of the municipality where it takes place.",
        error_messages={"does_not_exist": _("Comune sconosciuto: {value}.")},
    )
    latitude = StrictDecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, allow_null=True
    )
    longitude = StrictDecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        allow_null=True,
    )
    areas = _slugs(Area.objects.all(), _("Area sconosciuta: {value}."))
    age_bands = _slugs(AgeBand.objects.all(), _("Fascia d'età sconosciuta: {value}."))
    is_free = serializers.BooleanField(
        required=False, help_text="Default: true, unless a cost is given."
    )
    cost = StrictDecimalField(
        max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    cost_note = serializers.CharField(max_length=200, required=False, allow_blank=True)
    # The same choices as the read side's (one enum in the schema); cancelling has its URL.
    status = serializers.ChoiceField(
        choices=EventPage.Status.choices,
        required=False,
        help_text="`scheduled` or `postponed`. To cancel an event, POST to its `cancel/` URL.",
    )
    registration_required = serializers.BooleanField(required=False)
    capacity = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    registration_closes_at = BoundedDateTimeField(required=False, allow_null=True)

    def validate_status(self, value):
        if value == EventPage.Status.CANCELLED:
            raise serializers.ValidationError(
                _("Per annullare un evento usa il suo indirizzo cancel/.")
            )
        return value

    def validate_changes(self, changes):
        days = [change["original_date"] for change in changes]
        if len(days) != len(set(days)):
            raise serializers.ValidationError(
                _("Ogni data della serie può cambiare una volta sola.")
            )
        return changes

    def validate(self, data):
        if not self.partial and "is_free" not in data:
            data["is_free"] = data.get("cost") is None
        return data

    def to_model_values(self) -> dict:
        """The validated data as EventPage fields (what events.authoring takes)."""
        data = dict(self.validated_data)
        values = {}
        if "recurrence" in data:
            rule = data.pop("recurrence")
            values.update(
                repeat=rule["freq"] if rule else "",
                repeat_interval=rule.get("interval", 1) if rule else 1,
                repeat_weekdays=(
                    sorted(WEEKDAY_CODES.index(code) for code in set(rule.get("weekdays", [])))
                    if rule
                    else []
                ),
                repeat_until=rule.get("until") if rule else None,
                repeat_count=rule.get("count") if rule else None,
            )
        if "excluded_dates" in data:
            values["exclusions"] = data.pop("excluded_dates")
        if "changes" in data:
            values["occurrence_changes"] = [dict(change) for change in data.pop("changes")]
        values.update(data)
        return values


# Model fields (as events.services names them in its errors) → the API's fields.
# The model's field names as the write serializer's: hub.api_errors uses them to put a
# service's ValidationError on the fields the API client sent (EventViewSet declares it).
MODEL_ERROR_FIELDS = {
    "repeat": ("recurrence", "non_field_errors"),
    "repeat_interval": ("recurrence", "interval"),
    "repeat_weekdays": ("recurrence", "weekdays"),
    "repeat_until": ("recurrence", "until"),
    "repeat_count": ("recurrence", "count"),
    "exclusions": ("excluded_dates",),
    "occurrence_changes": ("changes",),
    "slug": ("title",),
}
