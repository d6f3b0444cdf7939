"""Demo events of the demo associations and of two municipalities, published as an editor
would (a revision, then publish, so `event_sync` runs).

Dates are relative to the day the demo is loaded, so the demo always has upcoming events,
and cover the cases worth seeing: a weekly course that runs across the next October
daylight-saving change with one cancelled date, an all-day festa over a weekend, a
municipality's own events, a cancelled and a postponed event, and a workshop with
registration and a handful of places. Loading is idempotent: an event is looked up by its
title under its parent page and created only when missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import GroupPagePermission, Page

from associations.models import AssociationPage
from events.models import EventOccurrenceChange, EventPage, MunicipalEventsIndexPage
from events.recurrence import ROME
from hub.models import AgeBand, Area, HomePage, Municipality, User
from hub.roles import staff_group
from hub.services import page_add_published

# (municipality slug, intro): the municipalities whose own events the demo shows.
MUNICIPAL_INDEXES = [
    (
        "bruino",
        "<p>Gli appuntamenti organizzati dal <b>Comune di Bruino</b> per bambini, ragazzi e "
        "famiglie, insieme a quelli delle associazioni del territorio.</p>",
    ),
    (
        "sesto-san-giovanni",
        "<p>Gli eventi del <b>Comune di Sesto San Giovanni</b> per le famiglie: incontri, "
        "feste di quartiere e iniziative del Tavolo comunale delle famiglie in rete.</p>",
    ),
]


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _next_october_change(today: date) -> date:
    """The next last Sunday of October (when Italy goes back to CET)."""
    change = _weekday_on_or_after(date(today.year, 10, 25), 6)
    if change < today:
        change = _weekday_on_or_after(date(today.year + 1, 10, 25), 6)
    return change


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ROME)


@dataclass(frozen=True)
class DemoEvent:
    """An event of the demo; `fields` and `changes` are computed from today's date."""

    title: str
    parent: str  # an association's name, or "comune:<municipality slug>"
    municipality: str
    fields: Callable[[date], dict]
    areas: tuple[str, ...] = ()
    age_bands: tuple[str, ...] = ()
    changes: Callable[[date], list[dict]] = field(default=lambda today: [])


def _minibasket(today: date) -> dict:
    first = _weekday_on_or_after(today - timedelta(days=14), 1)
    return {
        "summary": "Minibasket per bambini dai 6 ai 10 anni, con gli istruttori della "
        "Polisportiva. Portare scarpe da ginnastica e una borraccia.",
        "start": _at(first, 17),
        "end": _at(first, 18, 30),
        "repeat": EventPage.Repeat.WEEKLY,
        "repeat_weekdays": [1],
        # Across the next return to CET: the course stays at 17:00 on both sides.
        "repeat_until": _next_october_change(today) + timedelta(days=21),
        "venue": "Palestra comunale",
        "address": "Via Rivalta 16",
        "latitude": Decimal("45.018640"),
        "longitude": Decimal("7.467020"),
        "is_free": False,
        "cost": Decimal("25.00"),
        "cost_note": "al mese, sconto per i fratelli",
    }


def _minibasket_changes(today: date) -> list[dict]:
    # The gym is closed for a school event one Tuesday soon.
    closed = _weekday_on_or_after(today + timedelta(days=7), 1)
    return [{"original_date": closed, "cancelled": True}]


def _festa(today: date) -> dict:
    saturday = _weekday_on_or_after(today + timedelta(days=18), 5)
    return {
        "summary": "Due giorni di giochi, laboratori, musica e merende in piazza per tutte "
        "le famiglie, con gli stand delle associazioni di Bruino.",
        "start": _at(saturday, 0),
        "end": _at(saturday + timedelta(days=1), 0),
        "all_day": True,
        "venue": "Piazza Municipio",
        "address": "Piazza Municipio 3",
    }


def _fattore_famiglia(today: date) -> dict:
    day = _weekday_on_or_after(today + timedelta(days=9), 3)
    return {
        "summary": "Come funziona il Fattore Famiglia e come cambia le tariffe dei servizi: "
        "incontro informativo con gli uffici comunali e il CIdiS.",
        "start": _at(day, 20, 45),
        "end": _at(day, 22, 15),
        "venue": "Sala consiliare",
        "address": "Piazza Municipio 3",
    }


def _laboratorio(today: date) -> dict:
    day = _weekday_on_or_after(today + timedelta(days=5), 5)
    return {
        "summary": "Giochi sensoriali e letture per bambini da 0 a 3 anni con un genitore. "
        "Posti limitati: iscrizione obbligatoria.",
        "start": _at(day, 10),
        "end": _at(day, 11, 30),
        "venue": "Biblioteca civica",
        "address": "Via dei Mulini 1",
        "registration_required": True,
        "capacity": 8,
        "registration_closes_at": _at(day - timedelta(days=1), 20),
    }


def _puliamo(today: date) -> dict:
    day = _weekday_on_or_after(today + timedelta(days=10), 6)
    return {
        "summary": "Raccolta dei rifiuti nel parco con guanti e sacchi forniti "
        "dall'associazione. Annullata per l'allerta meteo.",
        "start": _at(day, 9, 30),
        "end": _at(day, 12, 30),
        "venue": "Parco del Sangone",
        "status": EventPage.Status.CANCELLED,
    }


def _doposcuola(today: date) -> dict:
    monday = _weekday_on_or_after(today, 0)
    return {
        "summary": "Aiuto compiti per le elementari e le medie, il lunedì e il mercoledì.",
        "start": _at(monday, 15),
        "end": _at(monday, 17),
        "repeat": EventPage.Repeat.WEEKLY,
        "repeat_weekdays": [0, 2],
        "repeat_count": 24,
        "venue": "Oratorio San Vito",
        "address": "Via San Vito 2",
    }


def _torneo(today: date) -> dict:
    day = _weekday_on_or_after(today + timedelta(days=12), 6)
    return {
        "summary": "Torneo di calcio per le categorie Pulcini ed Esordienti. Rinviato per il "
        "campo impraticabile: la nuova data sarà pubblicata qui.",
        "start": _at(day, 9),
        "end": _at(day, 13),
        "venue": "Stadio Brianteo",
        "status": EventPage.Status.POSTPONED,
    }


def _mercatino(today: date) -> dict:
    saturday = _weekday_on_or_after(today + timedelta(days=3), 5)
    return {
        "summary": "Ritiro degli ordini del Gruppo di Acquisto Familiare e mercatino dei "
        "produttori della filiera: una parte va al Fondo Solidale.",
        "start": _at(saturday, 9),
        "end": _at(saturday, 12),
        "repeat": EventPage.Repeat.MONTHLY,
        "repeat_count": 6,
        "venue": "Cortile di Villa Zorn",
        "address": "Via Fratelli Casiraghi 29",
    }


def _patto(today: date) -> dict:
    day = _weekday_on_or_after(today + timedelta(days=15), 2)
    return {
        "summary": "Il Patto di Corresponsabilità Educativa tra scuola e famiglia: serata "
        "di confronto per genitori e insegnanti.",
        "start": _at(day, 20, 30),
        "end": _at(day, 22),
        "venue": "Auditorium comunale",
    }


def _consiglio_ragazzi(today: date) -> dict:
    day = _weekday_on_or_after(today + timedelta(days=20), 4)
    return {
        "summary": "Seduta pubblica del Consiglio comunale dei ragazzi: le proposte delle "
        "scuole medie per i parchi e la mobilità.",
        "start": _at(day, 17),
        "end": _at(day, 18, 30),
        "venue": "Villa Mylius",
        "address": "Largo Lamarmora 17",
    }


EVENTS = [
    DemoEvent(
        "Minibasket del martedì",
        "Polisportiva Bruinese",
        "bruino",
        _minibasket,
        areas=("ambiente-e-sport",),
        age_bands=("6-10",),
        changes=_minibasket_changes,
    ),
    DemoEvent(
        "Festa delle famiglie in piazza",
        "comune:bruino",
        "bruino",
        _festa,
        areas=("comunita-educante",),
        age_bands=("famiglia",),
    ),
    DemoEvent(
        "Fattore Famiglia: incontro informativo",
        "comune:bruino",
        "bruino",
        _fattore_famiglia,
        areas=("misure-economiche",),
        age_bands=("adulti",),
    ),
    DemoEvent(
        "Laboratorio 0–3 anni: giochi e letture",
        "Genitori in cammino Orbassano",
        "orbassano",
        _laboratorio,
        areas=("comunita-educante",),
        age_bands=("0-2", "3-5"),
    ),
    DemoEvent(
        "Puliamo il parco del Sangone",
        "Legambiente Rivalta",
        "rivalta-di-torino",
        _puliamo,
        areas=("ambiente-e-sport",),
        age_bands=("famiglia",),
    ),
    DemoEvent(
        "Doposcuola all'oratorio",
        "Oratorio San Vito Piossasco",
        "piossasco",
        _doposcuola,
        areas=("comunita-educante",),
        age_bands=("6-10", "11-13"),
    ),
    DemoEvent(
        "Torneo giovanile di calcio",
        "GS Lissonese",
        "lissone",
        _torneo,
        areas=("ambiente-e-sport",),
        age_bands=("6-10", "11-13"),
    ),
    DemoEvent(
        "Mercatino e ritiro ordini del GAF",
        "Associazione Famiglie Sestesi",
        "sesto-san-giovanni",
        _mercatino,
        areas=("misure-economiche", "welfare-territoriale"),
        age_bands=("famiglia",),
    ),
    DemoEvent(
        "Serata sul Patto di Corresponsabilità Educativa",
        "Scuola dei Genitori Brianza",
        "carate-brianza",
        _patto,
        areas=("comunita-educante",),
        age_bands=("adulti",),
    ),
    DemoEvent(
        "Consiglio comunale dei ragazzi",
        "comune:sesto-san-giovanni",
        "sesto-san-giovanni",
        _consiglio_ragazzi,
        areas=("governance",),
        age_bands=("11-13",),
    ),
]


def _municipal_index(municipality: Municipality, intro: str, *, admin: User):
    index = MunicipalEventsIndexPage.objects.filter(municipality=municipality).first()
    if index is not None:
        return index, False
    home = HomePage.objects.first()
    index = MunicipalEventsIndexPage(
        title=f"Eventi del Comune di {municipality.name}",
        slug=f"eventi-{municipality.slug}",
        municipality=municipality,
        intro=intro,
    )
    page_add_published(parent=home, page=index, user=admin)
    # Network staff publish the municipality's events, as they do the associations' pages.
    staff = staff_group()
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore",
        codename__in=["add_page", "change_page", "publish_page"],
    ):
        GroupPagePermission.objects.get_or_create(group=staff, page=index, permission=permission)
    return index, True


def _create(spec: DemoEvent, parent: Page, *, today: date, admin: User) -> EventPage:
    page = EventPage(
        title=spec.title,
        slug=slugify(spec.title.replace("–", " ")),
        municipality=Municipality.objects.get(slug=spec.municipality),
        **spec.fields(today),
    )
    page.areas.set(Area.objects.filter(slug__in=spec.areas))
    page.age_bands.set(AgeBand.objects.filter(slug__in=spec.age_bands))
    page.occurrence_changes = [EventOccurrenceChange(**change) for change in spec.changes(today)]
    page_add_published(parent=parent, page=page, user=admin)
    return page


@transaction.atomic
def load(*, admin: User) -> dict[str, int]:
    created = {"municipal event pages": 0, "events": 0}
    if HomePage.objects.first() is None:
        return created
    today = timezone.localdate(timezone=ROME)
    parents: dict[str, Page] = {}
    for slug, intro in MUNICIPAL_INDEXES:
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            continue
        index, was_created = _municipal_index(municipality, intro, admin=admin)
        parents[f"comune:{slug}"] = index
        created["municipal event pages"] += was_created
    for page in AssociationPage.objects.select_related("association"):
        parents[page.association.name] = page
    for spec in EVENTS:
        parent = parents.get(spec.parent)
        if parent is None:
            continue
        if EventPage.objects.child_of(parent).filter(title=spec.title).exists():
            continue
        _create(spec, parent, today=today, admin=admin)
        created["events"] += 1
    return created
