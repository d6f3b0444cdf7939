"""Demo initiatives of the demo associations: the entries of the mappatura.

Two to four published initiatives per association, across all six areas, several age bands
and every municipality of both networks. Each is created as an editor would, as a child of
its association's page, saved as a revision and published. Loading is idempotent: an
initiative whose slug already exists under its association's page is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from associations.models import Association, InitiativePage
from hub.models import AgeBand, Area, Municipality, User
from hub.services import page_add_published

SCHOOL_YEAR = (date(2026, 9, 14), date(2027, 6, 5))


@dataclass(frozen=True)
class DemoInitiative:
    association: str  # name (the demo associations' slugs come from their names)
    title: str
    area: str  # slug
    municipalities: list[str]
    summary: str
    age_bands: list[str] = field(default_factory=list)
    frequency: str = InitiativePage.Frequency.ONGOING
    cost: Decimal | None = None  # None: free
    cost_note: str = ""
    period: tuple[date, date] | None = None
    place: str = ""
    good_practice: bool = False
    body: str = ""
    call_to_action: tuple[str, str] | None = None  # (text, url)


INITIATIVES = [
    # --- CIdiS ---
    DemoInitiative(
        "Polisportiva Bruinese",
        "Minibasket del martedì e giovedì",
        "ambiente-e-sport",
        ["bruino"],
        "Due allenamenti a settimana per imparare il basket giocando, con istruttori FIP.",
        age_bands=["6-10"],
        frequency=InitiativePage.Frequency.WEEKLY,
        cost=Decimal("120.00"),
        cost_note="quota annuale, sconto del 20% dal secondo figlio",
        period=SCHOOL_YEAR,
        place="Palestra comunale di via Volvera, Bruino",
        body="<p>Gli allenamenti si tengono il martedì e il giovedì dalle 17 alle 18.30. "
        "La prima settimana di prova è gratuita.</p>",
        call_to_action=("Iscriviti alla prova", "https://www.example.org/polisportiva/prova"),
    ),
    DemoInitiative(
        "Polisportiva Bruinese",
        "Ginnastica per i più piccoli",
        "ambiente-e-sport",
        ["volvera"],
        "Percorsi motori e giochi di equilibrio per bambine e bambini della scuola dell'infanzia.",
        age_bands=["3-5"],
        frequency=InitiativePage.Frequency.WEEKLY,
        cost=Decimal("80.00"),
        cost_note="quota annuale",
        period=SCHOOL_YEAR,
        place="Palestra della scuola primaria, Volvera",
    ),
    DemoInitiative(
        "Polisportiva Bruinese",
        "Sport in piazza",
        "ambiente-e-sport",
        ["bruino", "volvera"],
        "Una domenica di sport per tutta la famiglia: si provano gratis tutte le discipline.",
        age_bands=["famiglia"],
        frequency=InitiativePage.Frequency.ONCE,
        period=(date(2027, 5, 16), date(2027, 5, 16)),
        place="Piazza Municipio, Bruino",
        good_practice=True,
    ),
    DemoInitiative(
        "Genitori in cammino Orbassano",
        "Gruppo di auto mutuo aiuto per neogenitori",
        "welfare-territoriale",
        ["orbassano"],
        "Un incontro al mese per confrontarsi sulle fatiche e le gioie dei primi anni, con "
        "una facilitatrice.",
        age_bands=["adulti", "0-2"],
        frequency=InitiativePage.Frequency.MONTHLY,
        place="Centro per le famiglie, Orbassano",
        good_practice=True,
    ),
    DemoInitiative(
        "Genitori in cammino Orbassano",
        "Spazio gioco e allattamento",
        "comunita-educante",
        ["beinasco"],
        "Uno spazio accogliente dove giocare con i più piccoli e scambiarsi consigli.",
        age_bands=["0-2", "3-5"],
        frequency=InitiativePage.Frequency.WEEKLY,
        place="Biblioteca civica, Beinasco",
    ),
    DemoInitiative(
        "Genitori in cammino Orbassano",
        "Banca del tempo tra famiglie",
        "misure-economiche",
        ["orbassano", "beinasco"],
        "Le famiglie si scambiano ore di aiuto: accompagnamenti, baby-sitting, ripetizioni.",
        age_bands=["famiglia"],
    ),
    DemoInitiative(
        "Oratorio San Vito Piossasco",
        "Estate ragazzi",
        "comunita-educante",
        ["piossasco"],
        "Sei settimane di giochi, laboratori e gite per bambini e ragazzi.",
        age_bands=["6-10", "11-13"],
        frequency=InitiativePage.Frequency.SEASONAL,
        cost=Decimal("65.00"),
        cost_note="a settimana, pranzo incluso; riduzioni con ISEE",
        period=(date(2027, 6, 14), date(2027, 7, 23)),
        place="Oratorio San Vito, Piossasco",
    ),
    DemoInitiative(
        "Oratorio San Vito Piossasco",
        "Doposcuola solidale",
        "comunita-educante",
        ["piossasco"],
        "Aiuto nei compiti con volontari e studenti universitari, tre pomeriggi a settimana.",
        age_bands=["6-10", "11-13"],
        frequency=InitiativePage.Frequency.WEEKLY,
        period=SCHOOL_YEAR,
        place="Oratorio San Vito, Piossasco",
        good_practice=True,
    ),
    DemoInitiative(
        "Oratorio San Vito Piossasco",
        "Il giornalino dei ragazzi",
        "comunicazione",
        ["piossasco"],
        "Una redazione di ragazzi che racconta il paese: interviste, foto e un numero al mese.",
        age_bands=["11-13", "14-17"],
        frequency=InitiativePage.Frequency.MONTHLY,
        period=SCHOOL_YEAR,
    ),
    DemoInitiative(
        "Legambiente Rivalta",
        "Puliamo il mondo",
        "ambiente-e-sport",
        ["rivalta-di-torino"],
        "Una mattinata per pulire i parchi del paese insieme, con guanti e sacchi forniti.",
        age_bands=["famiglia"],
        frequency=InitiativePage.Frequency.ONCE,
        period=(date(2027, 4, 18), date(2027, 4, 18)),
        place="Parco del Sangone, Rivalta di Torino",
    ),
    DemoInitiative(
        "Legambiente Rivalta",
        "Orti condivisi",
        "ambiente-e-sport",
        ["rivalta-di-torino"],
        "Un orto per ogni famiglia che lo chiede, con un tutor e gli attrezzi in comune.",
        age_bands=["famiglia"],
        frequency=InitiativePage.Frequency.SEASONAL,
        cost=Decimal("20.00"),
        cost_note="contributo per semi e attrezzi",
        period=(date(2027, 3, 1), date(2027, 10, 31)),
        place="Orti di via Pinerolo, Rivalta di Torino",
    ),
    DemoInitiative(
        "Legambiente Rivalta",
        "Notizie verdi",
        "comunicazione",
        ["rivalta-di-torino"],
        "La newsletter mensile con le passeggiate naturalistiche e le iniziative per famiglie.",
        age_bands=["adulti"],
        frequency=InitiativePage.Frequency.MONTHLY,
    ),
    # --- Rete lombarda ---
    DemoInitiative(
        "Associazione Famiglie Sestesi",
        "Gruppo di Acquisto Familiare di Sesto",
        "misure-economiche",
        ["sesto-san-giovanni"],
        "Le famiglie acquistano insieme alimenti e prodotti per l'infanzia; una parte del "
        "risparmio alimenta il Fondo Solidale.",
        age_bands=["famiglia"],
        good_practice=True,
    ),
    DemoInitiative(
        "Associazione Famiglie Sestesi",
        "Rete dei Negozi di Buon Vicinato",
        "misure-economiche",
        ["sesto-san-giovanni", "cinisello-balsamo"],
        "Sconti riservati alle famiglie con figli minori nei negozi di quartiere aderenti.",
        age_bands=["famiglia"],
    ),
    DemoInitiative(
        "Associazione Famiglie Sestesi",
        "Sportello famiglie",
        "welfare-territoriale",
        ["cinisello-balsamo"],
        "Orientamento ai servizi, ai bonus e alle agevolazioni per le famiglie, su appuntamento.",
        age_bands=["adulti"],
        frequency=InitiativePage.Frequency.WEEKLY,
        place="Casa delle associazioni, Cinisello Balsamo",
    ),
    DemoInitiative(
        "GS Lissonese",
        "Calcio giovanile",
        "ambiente-e-sport",
        ["lissone"],
        "Squadre dai Pulcini agli Allievi, con allenatori qualificati.",
        age_bands=["6-10", "11-13", "14-17"],
        frequency=InitiativePage.Frequency.WEEKLY,
        cost=Decimal("150.00"),
        cost_note="quota annuale, riduzione del 30% per famiglie numerose",
        period=SCHOOL_YEAR,
        place="Centro sportivo di via Cilea, Lissone",
    ),
    DemoInitiative(
        "GS Lissonese",
        "Atletica leggera",
        "ambiente-e-sport",
        ["muggio"],
        "Corsa, salti e lanci per ragazze e ragazzi, due volte a settimana.",
        age_bands=["11-13", "14-17"],
        frequency=InitiativePage.Frequency.WEEKLY,
        cost=Decimal("90.00"),
        cost_note="quota annuale",
        period=SCHOOL_YEAR,
        place="Stadio comunale, Muggiò",
    ),
    DemoInitiative(
        "Scuola dei Genitori Brianza",
        "Patto di Corresponsabilità Educativa",
        "governance",
        ["carate-brianza", "cesano-maderno"],
        "Scuole, famiglie e Comuni scrivono insieme le regole condivise per l'uso dei social "
        "e degli smartphone.",
        age_bands=["adulti"],
        frequency=InitiativePage.Frequency.SEASONAL,
        period=SCHOOL_YEAR,
        good_practice=True,
    ),
    DemoInitiative(
        "Scuola dei Genitori Brianza",
        "Genitori di adolescenti: serate di confronto",
        "comunita-educante",
        ["cesano-maderno"],
        "Quattro serate con psicologi ed educatori su autonomia, conflitti e vita digitale.",
        age_bands=["adulti", "14-17"],
        frequency=InitiativePage.Frequency.MONTHLY,
        cost=Decimal("10.00"),
        cost_note="a serata; gratuita per chi ha l'ISEE sotto 15.000 €",
        period=(date(2027, 1, 20), date(2027, 4, 21)),
        place="Auditorium comunale, Cesano Maderno",
    ),
    DemoInitiative(
        "Scuola dei Genitori Brianza",
        "Tavolo comunale delle famiglie",
        "governance",
        ["carate-brianza"],
        "Le associazioni familiari e il Comune si incontrano per co-progettare il Piano Family.",
        age_bands=["adulti"],
        frequency=InitiativePage.Frequency.MONTHLY,
        place="Sala consiliare, Carate Brianza",
    ),
    DemoInitiative(
        "Famiglie per l'accoglienza Milano",
        "Accoglienza familiare temporanea",
        "welfare-territoriale",
        ["milano"],
        "Famiglie che accolgono per qualche mese un bambino o un ragazzo in difficoltà, "
        "accompagnate dall'associazione.",
        age_bands=["famiglia"],
        good_practice=True,
    ),
    DemoInitiative(
        "Famiglie per l'accoglienza Milano",
        "Incontri di mutuo aiuto tra famiglie affidatarie",
        "welfare-territoriale",
        ["milano"],
        "Un sabato al mese per condividere esperienze, con uno spazio gioco per i bambini.",
        age_bands=["adulti", "famiglia"],
        frequency=InitiativePage.Frequency.MONTHLY,
        place="Sede dell'associazione, Milano",
    ),
    DemoInitiative(
        "Famiglie per l'accoglienza Milano",
        "Guida ai servizi per le famiglie",
        "comunicazione",
        ["milano"],
        "Una guida aggiornata ai servizi pubblici e del terzo settore per le famiglie milanesi.",
        age_bands=["adulti"],
    ),
]


def _body(spec: DemoInitiative) -> list:
    blocks = []
    if spec.body:
        blocks.append(("paragraph", spec.body))
    if spec.call_to_action:
        text, url = spec.call_to_action
        blocks.append(("call_to_action", {"text": text, "url": url}))
    return blocks


@transaction.atomic
def load_initiatives(*, admin: User) -> dict[str, int]:
    """Create the demo initiatives that are missing; returns how many were created."""
    created = {"initiatives": 0}
    associations = {
        a.name: a
        for a in Association.objects.select_related("page").filter(
            name__in={spec.association for spec in INITIATIVES}, page__isnull=False
        )
    }
    areas = {area.slug: area for area in Area.objects.all()}
    bands = {band.slug: band for band in AgeBand.objects.all()}
    municipalities = {m.slug: m for m in Municipality.objects.all()}
    for spec in INITIATIVES:
        association = associations.get(spec.association)
        if association is None:
            continue
        parent = association.page
        slug = slugify(spec.title)[:80]
        if parent.get_children().filter(slug=slug).exists():
            continue
        start, end = spec.period or (None, None)
        page = InitiativePage(
            title=spec.title,
            slug=slug,
            area=areas[spec.area],
            summary=spec.summary,
            is_free=spec.cost is None,
            cost=spec.cost,
            cost_note=spec.cost_note,
            frequency=spec.frequency,
            period_start=start,
            period_end=end,
            place=spec.place,
            contact_email=association.email,
            contact_phone=association.phone,
            good_practice=spec.good_practice,
            body=_body(spec),
        )
        page.municipalities.set([municipalities[m] for m in spec.municipalities])
        page.age_bands.set([bands[b] for b in spec.age_bands])
        page_add_published(parent=parent, page=page, user=admin)
        created["initiatives"] += 1
    return created
