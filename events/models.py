"""Events: pages with a date, their expanded occurrences, registrations, feeds and imports.

An `EventPage` lives under an association's page or under a municipality's events index
(municipal events). Its dates are wall-clock times in Europe/Rome; recurrence, excluded
dates and single-occurrence changes follow `events.recurrence`. The rules (validation,
expansion, feed building) live in `events.recurrence`, `events.ical` and
`events.services`; the page model holds data, panels and constraints.

`EventOccurrence` rows are the expanded series, rewritten by `services.event_sync` each
time a page is published, so listings and feeds query a window with one indexed query
instead of expanding every series on every request. A series is bounded (at most 500
occurrences or two years, see `recurrence.validate`), so the table stays small.
"""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from associations.models import Association, BodyBlock
from events.forms import EventPageForm
from hub.models import AgeBand, Area, Cost, Decision, Municipality
from hub.rich_text import SanitizedRichTextField


class MunicipalEventsIndexPage(Page):
    """A municipality's own events (the Comune as organizer), and its events listing."""

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.PROTECT,
        related_name="events_index",
        verbose_name=_("comune"),
    )
    intro = SanitizedRichTextField(
        _("introduzione"), blank=True, features=["bold", "italic", "link"]
    )

    content_panels = [*Page.content_panels, FieldPanel("municipality"), FieldPanel("intro")]
    parent_page_types = ["hub.HomePage"]
    subpage_types = ["events.EventPage"]

    class Meta:
        verbose_name = _("eventi del comune")
        verbose_name_plural = _("eventi dei comuni")

    def serve(self, request, *args, **kwargs):
        from events.views import municipality_events

        return municipality_events(request, index_page=self)


class EventPage(Cost, Page):
    class Repeat(models.TextChoices):
        NONE = "", _("non si ripete")
        DAILY = "daily", _("ogni giorno")
        WEEKLY = "weekly", _("ogni settimana")
        MONTHLY = "monthly", _("ogni mese")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("confermato")
        CANCELLED = "cancelled", _("annullato")
        POSTPONED = "postponed", _("rinviato")

    # The iCalendar UID: permanent, never derived from the slug or URL, so editing or
    # moving the page never duplicates the event in people's calendars.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Denormalized from the parent page by services.event_sync, for filtering.
    association = models.ForeignKey(
        Association,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="events",
        verbose_name=_("associazione"),
    )

    summary = models.TextField(_("in breve"), max_length=400, blank=True)
    start = models.DateTimeField(_("inizio"))
    end = models.DateTimeField(_("fine"))
    all_day = models.BooleanField(
        _("tutto il giorno"),
        default=False,
        help_text=_("Per gli eventi di uno o più giorni interi: gli orari vengono ignorati."),
    )

    repeat = models.CharField(
        _("ripetizione"), max_length=10, choices=Repeat.choices, default=Repeat.NONE, blank=True
    )
    repeat_interval = models.PositiveSmallIntegerField(
        _("ogni quante volte"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("1 = ogni settimana (o giorno, o mese), 2 = una sì e una no, …"),
    )
    repeat_weekdays = models.JSONField(
        _("giorni della settimana"),
        default=list,
        blank=True,
        help_text=_("Solo per la ripetizione settimanale; se vuoto, il giorno dell'inizio."),
    )
    repeat_until = models.DateField(_("fino al"), null=True, blank=True)
    repeat_count = models.PositiveSmallIntegerField(
        _("numero di volte"), null=True, blank=True, validators=[MinValueValidator(1)]
    )

    venue = models.CharField(_("luogo"), max_length=200, blank=True)
    address = models.CharField(_("indirizzo"), max_length=250, blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="events", verbose_name=_("comune")
    )
    latitude = models.DecimalField(
        _("latitudine"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitudine"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    areas = ParentalManyToManyField(Area, related_name="events", blank=True, verbose_name=_("aree"))
    age_bands = ParentalManyToManyField(
        AgeBand, related_name="events", blank=True, verbose_name=_("fasce d'età")
    )

    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("immagine"),
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("descrizione"))

    registration_required = models.BooleanField(_("iscrizione obbligatoria"), default=False)
    capacity = models.PositiveIntegerField(
        _("posti disponibili"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Vuoto = senza limite. Oltre i posti si entra in lista d'attesa."),
    )
    registration_closes_at = models.DateTimeField(
        _("iscrizioni aperte fino al"), null=True, blank=True
    )

    # Feed bookkeeping, maintained by services.event_sync on every publish.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    schedule_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    content_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Set for events created by an ICS import: the source and the UID in that calendar.
    import_source = models.ForeignKey(
        "events.IcsImportSource",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="events",
    )
    import_uid = models.CharField(max_length=255, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("all_day"),
                FieldPanel("status"),
            ],
            heading=_("Quando"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("repeat"), FieldPanel("repeat_interval")]),
                FieldPanel("repeat_weekdays"),
                FieldRowPanel([FieldPanel("repeat_until"), FieldPanel("repeat_count")]),
                InlinePanel("exclusions", heading=_("Date escluse"), label=_("data esclusa")),
                InlinePanel(
                    "occurrence_changes",
                    heading=_("Singole date spostate o annullate"),
                    label=_("modifica di una data"),
                ),
            ],
            heading=_("Ripetizione"),
            classname="collapsed",
        ),
        MultiFieldPanel(
            [
                FieldPanel("venue"),
                FieldPanel("address"),
                FieldPanel("municipality"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Dove"),
        ),
        FieldPanel("areas", widget=forms.CheckboxSelectMultiple),
        FieldPanel("age_bands", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [FieldPanel("is_free"), FieldPanel("cost"), FieldPanel("cost_note")],
            heading=_("Costo"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("registration_required"),
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("registration_closes_at")]),
            ],
            heading=_("Iscrizioni"),
        ),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("venue"),
        index.SearchField("body"),
        index.FilterField("start"),
        index.FilterField("municipality"),
    ]
    parent_page_types = ["associations.AssociationPage", "events.MunicipalEventsIndexPage"]
    base_form_class = EventPageForm
    subpage_types: list[str] = []
    # A copy is a new event: it must not share the original's UID or feed history.
    exclude_fields_in_copy = [
        "uid",
        "sequence",
        "schedule_fingerprint",
        "content_fingerprint",
        "changed_at",
        "cancelled_at",
        "import_source",
        "import_uid",
    ]

    class Meta:
        verbose_name = _("evento")
        verbose_name_plural = _("eventi")
        constraints = [
            *Cost.Meta.constraints,
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(repeat_until__isnull=True) | Q(repeat_count__isnull=True),
                name="event_repeat_until_or_count",
            ),
            models.UniqueConstraint(
                fields=["import_source", "import_uid"],
                condition=Q(import_source__isnull=False),
                name="event_unique_import_uid",
            ),
        ]

    # Kept from the live page when a revision is published: they record the feed's
    # history, which an older revision's copy of them must not roll back.
    _live_only_fields = (
        "uid",
        "association_id",
        "sequence",
        "schedule_fingerprint",
        "content_fingerprint",
        "changed_at",
        "cancelled_at",
        "import_source_id",
        "import_uid",
    )

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        for name in self._live_only_fields:
            setattr(obj, name, getattr(self, name))
        return obj

    def clean(self):
        from events import schedule

        super().clean()
        schedule.event_validate(self)

    def get_context(self, request, *args, **kwargs):
        from events import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(
            selectors.event_page_context(
                self, user=request.user, preview=getattr(request, "is_preview", False)
            )
        )
        return context


class EventExclusion(Orderable):
    """A date on which a recurring event does not take place (an EXDATE)."""

    free_label = _("Gratuito")
    free_with_cost_message = _("Un evento gratuito non ha un costo: togli la spunta o il costo.")

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="exclusions")
    date = models.DateField(_("data"))

    panels = [FieldPanel("date")]

    class Meta(Orderable.Meta):
        verbose_name = _("data esclusa")
        constraints = [
            models.UniqueConstraint(fields=["page", "date"], name="event_exclusion_unique_date")
        ]


class EventOccurrenceChange(Orderable):
    """One date of a series moved or cancelled (a RECURRENCE-ID override)."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="occurrence_changes")
    original_date = models.DateField(
        _("data originale"), help_text=_("La data della serie che cambia.")
    )
    cancelled = models.BooleanField(_("annullata"), default=False)
    new_start = models.DateTimeField(_("nuovo inizio"), null=True, blank=True)
    new_end = models.DateTimeField(_("nuova fine"), null=True, blank=True)

    panels = [
        FieldPanel("original_date"),
        FieldPanel("cancelled"),
        FieldRowPanel([FieldPanel("new_start"), FieldPanel("new_end")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("modifica di una data")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "original_date"], name="event_change_unique_date"
            )
        ]


class EventOccurrence(models.Model):
    """One expanded date of a published event (rewritten on every publish)."""

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="occurrences")
    original_start = models.DateTimeField()
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField()
    cancelled = models.BooleanField(default=False)
    moved = models.BooleanField(default=False)

    class Meta:
        ordering = ["start", "event_id"]
        # An event's dates from a moment on (its next dates), and whether it has one in a
        # window (a feed's events): answered from the index alone.
        indexes = [
            models.Index(fields=["event", "start", "end"], name="occurrence_event_start_end")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "original_start"], name="occurrence_unique_original_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} @ {self.start:%Y-%m-%d %H:%M}"


class EventFeedPart(models.Model):
    """An event's VEVENTs as every public feed serves them, kept where every process finds
    them (events.feed_parts writes them when the event is published, changed, cancelled,
    moved or renamed, and drops them when it is withdrawn): a feed is the join of its
    events' parts, framed by the calendar's properties and VTIMEZONE."""

    event = models.OneToOneField(
        EventPage, on_delete=models.CASCADE, primary_key=True, related_name="feed_part"
    )
    # What orders and frames the part in a feed (events.ical.EventPart).
    sort_start = models.DateTimeField()
    uid = models.CharField(max_length=255)
    body = models.BinaryField()
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()
    # What the part was written from: the code and addresses that shape its bytes
    # (feed_parts.part_format) and the event's last real change (its LAST-MODIFIED). A
    # part that no longer matches either is written again before a feed uses it.
    format = models.CharField(max_length=64)
    modified = models.DateTimeField()
    # Random, new whenever the bytes change: a feed's ETag sums its parts' tags.
    tag = models.BigIntegerField()
    written_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"feed part of {self.event_id}"


class FeedsVersion(models.Model):
    """One row whose number moves with every change that may change a public feed (an event
    synced or withdrawn, a part written, a view restriction, a page moved): a feed remembers
    its validators per version and day, so a calendar app revalidating an unchanged feed is
    answered from this row alone (events.feed_parts.feeds_changed, events.feeds)."""

    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"feeds version {self.number}"


class Registration(models.Model):
    """A person's place at an event that requires registration (or on its waiting list)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confermata")
        WAITLISTED = "waitlisted", _("in lista d'attesa")
        CANCELLED = "cancelled", _("annullata")

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    seats = models.PositiveSmallIntegerField(
        _("posti"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    status = models.CharField(_("stato"), max_length=12, choices=Status.choices)
    note = models.CharField(_("note per l'organizzatore"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("iscrizione")
        verbose_name_plural = _("iscrizioni")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~Q(status="cancelled"),
                name="one_active_registration_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.event_id} ({self.status})"


class EventProposal(Decision):
    """An event proposed from the public site by a resident or an informal group.

    Network staff approve it into the events of the chosen municipality (a new EventPage
    under its MunicipalEventsIndexPage, organizer: the Comune) or reject it with a reason;
    the proposer is told by e-mail either way (events.proposals).
    """

    class Repeat(models.TextChoices):
        NONE = "", _("non si ripete")
        WEEKLY = "weekly", _("ogni settimana")
        MONTHLY = "monthly", _("ogni mese")

    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="event_proposals",
        verbose_name=_("proposta da"),
    )
    organizer_name = models.CharField(
        _("chi organizza"),
        max_length=150,
        blank=True,
        help_text=_(
            "Il gruppo informale o le famiglie che organizzano; vuoto = a titolo personale."
        ),
    )
    title = models.CharField(_("nome dell'evento"), max_length=200)
    description = models.TextField(_("descrizione"), max_length=2000)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="event_proposals",
        verbose_name=_("comune"),
    )
    venue = models.CharField(_("luogo"), max_length=200)
    address = models.CharField(_("indirizzo"), max_length=250, blank=True)
    start = models.DateTimeField(_("inizio"))
    end = models.DateTimeField(_("fine"))
    repeat = models.CharField(
        _("ripetizione"), max_length=10, choices=Repeat.choices, default=Repeat.NONE, blank=True
    )
    repeat_until = models.DateField(_("ripetuto fino al"), null=True, blank=True)
    contact_email = models.EmailField(_("e-mail di contatto"))
    contact_phone = models.CharField(_("telefono di contatto"), max_length=40, blank=True)
    event = models.OneToOneField(
        EventPage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name=_("evento pubblicato"),
    )
    created_at = models.DateTimeField(_("ricevuta il"), auto_now_add=True)

    class Meta(Decision.Meta):
        verbose_name = _("proposta di evento")
        verbose_name_plural = _("proposte di eventi")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="event_proposal_status")]
        constraints = [
            *Decision.Meta.constraints,
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="event_proposal_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(repeat="") | Q(repeat_until__isnull=False),
                name="event_proposal_repeat_has_an_end",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CalendarFeedToken(models.Model):
    """The secret of a person's private calendar feed, stored as its SHA-256 only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_token"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id}"


class IcsImportSource(models.Model):
    """An association's existing ICS calendar, synced every hour into its events."""

    class SyncStatus(models.TextChoices):
        NEVER = "never", _("mai sincronizzato")
        OK = "ok", _("riuscita")
        ERROR = "error", _("non riuscita")

    association = models.ForeignKey(
        Association,
        on_delete=models.CASCADE,
        related_name="ics_sources",
        verbose_name=_("associazione"),
    )
    url = models.URLField(_("indirizzo del calendario (ICS)"), max_length=500)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("comune degli eventi"),
        help_text=_("Il comune in cui si svolgono gli eventi importati."),
    )
    active = models.BooleanField(_("attivo"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sync_at = models.DateTimeField(_("ultima sincronizzazione"), null=True, blank=True)
    last_status = models.CharField(
        _("esito"), max_length=10, choices=SyncStatus.choices, default=SyncStatus.NEVER
    )
    last_error = models.TextField(_("errore"), blank=True)
    last_counts = models.JSONField(default=dict, blank=True)
    http_etag = models.CharField(max_length=200, blank=True)
    http_last_modified = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendario importato")
        verbose_name_plural = _("calendari importati")
        constraints = [
            models.UniqueConstraint(fields=["association", "url"], name="ics_source_unique_url")
        ]

    def __str__(self) -> str:
        return self.url
