"""The filters shared by the event list, the month view, the feeds and the API.

Filters are GET parameters with short Italian names, so a filtered listing and its feed
have short, shareable URLs: `?comune=bruino&area=welfare-territoriale&eta=6-10&gratis=1`.
Each of `comune`, `associazione`, `area` and `eta` may repeat (any of the values matches).
An unknown value is an error (the caller answers 400 with the form's message), never an
empty result: a mistyped feed URL in someone's calendar app must not look like "no events".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext_lazy as _
from wagtail.models import PageViewRestriction

from associations.models import Association
from events.recurrence import ROME
from hub.models import AgeBand, Area, Municipality
from hub.validation import validate_date_in_bounds

MAX_RANGE_DAYS = 400


class _SlugChoice(forms.Field):
    """Repeated slug parameter resolved to model instances; unknown slugs are errors."""

    def __init__(self, queryset, *, label, unknown_message, **kwargs):
        super().__init__(required=False, label=label, **kwargs)
        self.queryset = queryset
        self.unknown_message = unknown_message

    def to_python(self, value):
        if not value:
            return []
        values = [value] if isinstance(value, str) else list(value)
        slugs = [slug.strip() for slug in values if slug and slug.strip()]
        found = {obj.slug: obj for obj in self.queryset.filter(slug__in=slugs)}
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            raise forms.ValidationError(
                self.unknown_message, code="unknown", params={"values": ", ".join(unknown)}
            )
        return [found[slug] for slug in dict.fromkeys(slugs)]


class _MultipleValueInput(forms.MultipleHiddenInput):
    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)


class EventFilterForm(forms.Form):
    comune = _SlugChoice(
        Municipality.objects.all(),
        label=_("Comune"),
        unknown_message=_("Comune sconosciuto: %(values)s."),
        widget=_MultipleValueInput,
    )
    associazione = _SlugChoice(
        Association.objects.all(),
        label=_("Associazione"),
        unknown_message=_("Associazione sconosciuta: %(values)s."),
        widget=_MultipleValueInput,
    )
    area = _SlugChoice(
        Area.objects.all(),
        label=_("Area"),
        unknown_message=_("Area sconosciuta: %(values)s."),
        widget=_MultipleValueInput,
    )
    eta = _SlugChoice(
        AgeBand.objects.all(),
        label=_("Fascia d'età"),
        unknown_message=_("Fascia d'età sconosciuta: %(values)s."),
        widget=_MultipleValueInput,
    )
    dal = forms.DateField(
        label=_("Dal"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        validators=[validate_date_in_bounds],
    )
    al = forms.DateField(
        label=_("Al"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        validators=[validate_date_in_bounds],
    )
    gratis = forms.TypedChoiceField(
        label=_("Solo gratuiti"),
        required=False,
        choices=[("", ""), ("1", _("sì")), ("0", _("no"))],
        coerce=lambda value: value == "1",
        empty_value=False,
    )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("dal"), cleaned.get("al")
        if first and last:
            if last < first:
                self.add_error("al", _("La data finale è prima di quella iniziale."))
            elif (last - first).days > MAX_RANGE_DAYS:
                self.add_error(
                    "al",
                    _("L'intervallo di date può coprire al massimo %(days)s giorni.")
                    % {"days": MAX_RANGE_DAYS},
                )
        return cleaned


ALLOWED_PARAMETERS = frozenset(EventFilterForm.base_fields)


@dataclass(frozen=True)
class EventFilter:
    municipalities: tuple[Municipality, ...] = ()
    associations: tuple[Association, ...] = ()
    areas: tuple[Area, ...] = ()
    age_bands: tuple[AgeBand, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    free_only: bool = False

    @property
    def is_empty(self) -> bool:
        return self == EventFilter()

    def query_items(self) -> list[tuple[str, str]]:
        """The filter back as GET parameters, in a stable order (for short, canonical URLs)."""
        items = [("comune", m.slug) for m in self.municipalities]
        items += [("associazione", a.slug) for a in self.associations]
        items += [("area", a.slug) for a in self.areas]
        items += [("eta", b.slug) for b in self.age_bands]
        if self.date_from:
            items.append(("dal", self.date_from.isoformat()))
        if self.date_to:
            items.append(("al", self.date_to.isoformat()))
        if self.free_only:
            items.append(("gratis", "1"))
        return items

    def apply(self, events: QuerySet) -> QuerySet:
        """Filter an EventPage queryset (dates are the caller's window, not applied here)."""
        if self.municipalities:
            events = events.filter(municipality__in=self.municipalities)
        if self.associations:
            events = events.filter(association__in=self.associations)
        if self.areas:
            events = events.filter(areas__in=self.areas)
        if self.age_bands:
            events = events.filter(age_bands__in=self.age_bands)
        if self.free_only:
            events = events.filter(is_free=True)
        if self.areas or self.age_bands:
            events = events.distinct()
        return events

    def apply_to_occurrences(self, occurrences: QuerySet) -> QuerySet:
        """Occurrences of public events that match (one subquery, no duplicated rows)."""
        return occurrences.filter(event__in=self.apply(public_events()).values("pk"))

    def window(self, *, default_start: date, default_days: int) -> tuple[datetime, datetime]:
        """[start, end) in Rome for the dates asked, or the default from `default_start`."""
        first = self.date_from or default_start
        last = self.date_to or (first + timedelta(days=default_days - 1))
        return (
            datetime.combine(first, time(), tzinfo=ROME),
            datetime.combine(last + timedelta(days=1), time(), tzinfo=ROME),
        )


class FilterError(ValueError):
    """Bad filter parameters; `errors` maps parameter → list of messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(message for messages in errors.values() for message in messages))
        self.errors = errors


def parse(query, *, strict: bool = True) -> EventFilter:
    """The EventFilter of a QueryDict; FilterError on unknown values or parameters.

    `strict` also refuses parameters the filters don't know (feeds use it, so a typo in a
    subscribed URL is reported instead of silently ignored).
    """
    if strict:
        unknown = sorted(set(query) - ALLOWED_PARAMETERS)
        if unknown:
            raise FilterError(
                {
                    name: [str(_("Parametro sconosciuto: %(name)s.") % {"name": name})]
                    for name in unknown
                }
            )
    form = EventFilterForm(query)
    if not form.is_valid():
        raise FilterError({name: list(messages) for name, messages in form.errors.items()})
    data = form.cleaned_data
    return EventFilter(
        municipalities=tuple(data["comune"]),
        associations=tuple(data["associazione"]),
        areas=tuple(data["area"]),
        age_bands=tuple(data["eta"]),
        date_from=data["dal"],
        date_to=data["al"],
        free_only=bool(data["gratis"]),
    )


def public_events() -> QuerySet:
    """Published events on public pages: Wagtail's `live().public()` (no view restriction
    on the page or above it), with the restrictions as a subquery instead of read first, so
    a query over public events is one query."""
    from events.models import EventPage

    restricted_above = PageViewRestriction.objects.annotate(
        prefix=Substr(OuterRef("path"), 1, Length("page__path"))
    ).filter(prefix=F("page__path"))
    return EventPage.objects.live().filter(~Exists(restricted_above))
