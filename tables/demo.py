"""Demo data of the tables (seed_demo): the CIdiS intercommunal table, public, with
meetings, minutes and proposals in every status; and the private municipal table of
families of Lissone (Lombard network). Everything goes through tables.services, as people
would do it. Idempotent: nothing is created when the CIdiS table exists.

Roberto Tavolo (tavolo@example.org) coordinates the intercommunal table and is a member
of the Lissone table; a non-member account (e.g. famiglia.rossi@example.org for Lissone)
sees nothing of the private table.

The Piano Family's demo data: tables.demo_plan.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from associations.models import Association
from hub.models import AgeBand, Area, Municipality, Network, User
from tables import demo_plan, rules, services
from tables.models import Membership, Role, Table

CIDIS_TABLE = "tavolo-intercomunale-politiche-family-cidis"
LISSONE_TABLE = "tavolo-comunale-famiglie-lissone"
TABLE_MEMBER_EMAIL = "tavolo@example.org"


def _people(*emails: str) -> dict[str, User]:
    return {user.email: user for user in User.objects.filter(email__in=emails)}


def _join(table: Table, user: User | None, role: str, association=None) -> None:
    if user is not None:
        Membership.objects.get_or_create(
            table=table, user=user, defaults={"role": role, "association": association}
        )
        rules.forget_memberships(user)


def _leave(table: Table, user: User) -> None:
    """The admin who created the table steps back (a superuser still sees everything)."""
    Membership.objects.filter(table=table, user=user).delete()
    rules.forget_memberships(user)


def _propose(table, by, *, title, area, summary, body, bands=(), towns=(), partners=(), budget):
    return services.proposal_create(
        by=by,
        table=table,
        title=title,
        summary=summary,
        body=body,
        area=area,
        age_bands=bands,
        municipalities=towns,
        partner_associations=partners,
        budget_estimate=Decimal(budget) if budget is not None else None,
    )


def _meeting(table, by, *, title, days, place="", online_url="", hours=2):
    start = (timezone.localtime() + dt.timedelta(days=days)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    return services.meeting_create(
        by=by,
        table=table,
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        place=place,
        online_url=online_url,
    )


def load(*, admin: User) -> dict[str, int]:
    created = _load_tables(admin=admin)
    created.update(demo_plan.load(admin=admin))
    return created


def _load_tables(*, admin: User) -> dict[str, int]:
    created = {"tables": 0, "table proposals": 0, "table meetings": 0}
    if Table.objects.filter(slug=CIDIS_TABLE).exists():
        return created
    people = _people(
        TABLE_MEMBER_EMAIL,
        "staff@example.org",
        "volontario@example.org",
        "famiglia.rossi@example.org",
        "famiglia.gallo@example.org",
        "famiglia.ferrero@example.org",
        "famiglia.brambilla@example.org",
        "famiglia.colombo@example.org",
        "famiglia.ricci@example.org",
    )
    roberto = people[TABLE_MEMBER_EMAIL]
    areas = {area.slug: area for area in Area.objects.all()}
    bands = {band.slug: band for band in AgeBand.objects.all()}
    towns = {town.slug: town for town in Municipality.objects.all()}
    polisportiva = Association.objects.filter(slug="polisportiva-bruinese").first()
    genitori = Association.objects.filter(slug="genitori-in-cammino-orbassano").first()
    cidis_partners = [a for a in (polisportiva, genitori) if a is not None]

    # --- The CIdiS intercommunal table (public) ----------------------------------------------
    cidis = services.table_create(
        by=admin,
        kind=Table.Kind.INTERCOMMUNAL,
        network=Network.objects.get(slug="cidis"),
        name="Tavolo Intercomunale delle Politiche Family e benessere della comunità",
        description=(
            "Costituito nel maggio 2021 dai sei Comuni consorziati (Beinasco, Bruino, "
            "Orbassano, Piossasco, Rivalta di Torino, Volvera) e dal CIdiS: elabora le "
            "politiche per le famiglie e il Piano Family e benessere della comunità."
        ),
        visibility=Table.Visibility.PUBLIC,
    )
    Table.objects.filter(pk=cidis.pk).update(slug=CIDIS_TABLE)
    cidis.refresh_from_db()
    created["tables"] += 1
    _join(cidis, roberto, Role.COORDINATOR)
    _leave(cidis, admin)
    _join(cidis, people.get("staff@example.org"), Role.MEMBER)
    _join(cidis, people.get("volontario@example.org"), Role.MEMBER, polisportiva)
    _join(cidis, people.get("famiglia.rossi@example.org"), Role.MEMBER)
    _join(cidis, people.get("famiglia.gallo@example.org"), Role.MEMBER)
    _join(cidis, people.get("famiglia.ferrero@example.org"), Role.OBSERVER)
    rossi = people.get("famiglia.rossi@example.org") or roberto
    gallo = people.get("famiglia.gallo@example.org") or roberto
    volunteer = people.get("volontario@example.org") or roberto
    cidis_towns = [
        towns[s]
        for s in ("beinasco", "bruino", "orbassano", "piossasco", "rivalta-di-torino", "volvera")
        if s in towns
    ]

    past = _meeting(
        cidis,
        roberto,
        title="Tavolo di primavera",
        days=-40,
        place="Sala consiliare del Comune di Orbassano",
    )
    recent = _meeting(
        cidis,
        roberto,
        title="Tavolo di verifica del Piano Family",
        days=-7,
        place="Sede CIdiS, Orbassano",
        online_url="https://meet.example.org/cidis",
    )
    upcoming = _meeting(
        cidis, roberto, title="Tavolo d'autunno", days=14, place="Biblioteca civica di Piossasco"
    )
    created["table meetings"] += 3

    def publish(proposal, by):
        services.proposal_publish(by=by, proposal=proposal)

    def submit(proposal, by):
        services.proposal_set_status(by=by, proposal=proposal, to_status="submitted")

    def decide(proposal, meeting, outcome, votes, motivation):
        services.decision_record(
            by=roberto,
            proposal=proposal,
            meeting=meeting,
            outcome=outcome,
            votes_for=votes[0],
            votes_against=votes[1],
            votes_abstained=votes[2],
            motivation=motivation,
        )

    carta = _propose(
        cidis,
        roberto,
        title="Carta Famiglia intercomunale",
        area=areas["misure-economiche"],
        summary="Una sola Carta Famiglia per i sei Comuni, con sconti nei negozi di vicinato.",
        body="La Carta Famiglia vale in tutti i Comuni consorziati.\n\nI negozi aderenti "
        "espongono il marchio e offrono uno sconto alle famiglie con figli minori.",
        bands=[bands["famiglia"]],
        towns=cidis_towns,
        budget="25000",
    )
    services.coauthor_add(by=roberto, proposal=carta, user=rossi)
    publish(carta, roberto)
    submit(carta, roberto)
    decide(carta, past, "approved", (9, 0, 1), "Obiettivo del Piano Family 2022/23.")
    services.proposal_set_status(
        by=roberto,
        proposal=carta,
        to_status="in_progress",
        note="Avviata la raccolta delle adesioni dei negozi.",
    )

    mappatura = _propose(
        cidis,
        roberto,
        title="Mappatura 2024 delle iniziative per le famiglie",
        area=areas["governance"],
        summary="Aggiornare la mappatura dei progetti, interventi e servizi.",
        body="I tecnici dei sei Comuni aggiornano la mappatura per area.",
        towns=cidis_towns,
        budget="0",
    )
    publish(mappatura, roberto)
    submit(mappatura, roberto)
    decide(mappatura, past, "approved", (10, 0, 0), "Necessaria per il rinnovo del marchio.")
    services.proposal_set_status(by=roberto, proposal=mappatura, to_status="in_progress")
    services.proposal_set_status(
        by=roberto, proposal=mappatura, to_status="completed", note="Mappatura pubblicata sul sito."
    )

    pedibus = _propose(
        cidis,
        gallo,
        title="Pedibus in tutti i Comuni",
        area=areas["ambiente-e-sport"],
        summary="Linee di pedibus verso le scuole primarie di ogni Comune.",
        body="Genitori volontari accompagnano a piedi i bambini lungo linee con fermate.",
        bands=[bands["6-10"]],
        towns=cidis_towns,
        partners=cidis_partners,
        budget="3500",
    )
    publish(pedibus, gallo)
    submit(pedibus, gallo)
    decide(pedibus, recent, "approved", (8, 1, 1), "Buona pratica da estendere.")

    bonus = _propose(
        cidis,
        rossi,
        title="Bonus nuovi nati uniforme",
        area=areas["misure-economiche"],
        summary="Lo stesso bonus per i nuovi nati in tutti i Comuni.",
        body="Un contributo di 300 euro per ogni nuovo nato residente.",
        bands=[bands["0-2"]],
        towns=cidis_towns,
        budget="120000",
    )
    publish(bonus, rossi)
    submit(bonus, rossi)
    decide(
        bonus,
        recent,
        "rejected",
        (2, 6, 2),
        "Costo non sostenibile nel bilancio 2024: da riproporre con l'ISEE.",
    )

    sportello = _propose(
        cidis,
        gallo,
        title="Sportello genitorialità 0–2 anni",
        area=areas["welfare-territoriale"],
        summary="Uno sportello itinerante per i genitori dei bambini da 0 a 2 anni.",
        body="Nasce dai risultati del questionario sulla genitorialità sostenibile.",
        bands=[bands["0-2"]],
        towns=cidis_towns,
        partners=cidis_partners[1:],
        budget="8000",
    )
    publish(sportello, gallo)
    submit(sportello, gallo)
    services.agenda_item_add(by=roberto, meeting=upcoming, title="", proposal=sportello)

    patto = _propose(
        cidis,
        volunteer,
        title="Patto educativo scuola-famiglia",
        area=areas["comunita-educante"],
        summary="Un Patto di Corresponsabilità Educativa comune alle scuole dei sei Comuni.",
        body="Scuole, famiglie e associazioni sottoscrivono un patto con impegni reciproci.",
        bands=[bands["6-10"], bands["11-13"]],
        towns=cidis_towns,
        partners=cidis_partners,
        budget="2000",
    )
    services.coauthor_add(by=volunteer, proposal=patto, user=gallo)
    publish(patto, volunteer)
    services.endorsement_create(by=rossi, proposal=patto)
    if polisportiva is not None:
        services.endorsement_create(by=volunteer, proposal=patto, on_behalf_of_association=True)
    first = services.comment_create(
        by=rossi,
        proposal=patto,
        stance="for",
        body="Molto utile: a Bruino le famiglie lo chiedono da tempo.",
    )
    services.comment_create(
        by=gallo,
        proposal=patto,
        parent=first,
        stance="neutral",
        body="@Giulia Rossi a Piossasco c'è già una bozza: la porto alla prossima riunione.",
    )
    services.comment_create(
        by=roberto,
        proposal=patto,
        stance="against",
        body="Serve prima il parere dei dirigenti scolastici.",
    )
    services.proposal_update(
        by=volunteer,
        proposal=patto,
        body="Scuole, famiglie e associazioni sottoscrivono un patto con impegni reciproci, "
        "dopo aver sentito i dirigenti scolastici.",
    )
    services.agenda_item_add(by=roberto, meeting=upcoming, title="", proposal=patto)

    _propose(
        cidis,
        roberto,
        title="Centri estivi coordinati tra i sei Comuni",
        area=areas["ambiente-e-sport"],
        summary="Calendari e tariffe allineati per i centri estivi.",
        body="Bozza da completare con i tecnici.",
        bands=[bands["6-10"], bands["11-13"]],
        towns=cidis_towns,
        budget=None,
    )
    festival = _propose(
        cidis,
        rossi,
        title="Festival della famiglia itinerante",
        area=areas["comunicazione"],
        summary="Un fine settimana di festa in un Comune diverso ogni anno.",
        body="Spettacoli, laboratori e stand delle associazioni.",
        bands=[bands["famiglia"]],
        towns=cidis_towns,
        budget="15000",
    )
    publish(festival, rossi)
    services.proposal_set_status(
        by=rossi,
        proposal=festival,
        to_status="withdrawn",
        note="Confluisce nella festa di fine estate già esistente.",
    )
    created["table proposals"] += 8

    services.minutes_save(
        by=roberto,
        meeting=past,
        body="Presenti i referenti dei sei Comuni e del CIdiS.\n\n1. Carta Famiglia "
        "intercomunale: approvata.\n2. Mappatura 2024: approvata.",
    )
    services.attendance_set(
        by=roberto,
        meeting=past,
        present=[u.pk for u in (roberto, rossi, gallo, volunteer)],
    )
    services.minutes_approve(by=roberto, meeting=past)
    services.minutes_save(
        by=roberto,
        meeting=recent,
        body="Bozza di verbale: decisioni su Pedibus e bonus nuovi nati.",
    )

    # --- The municipal table of families of Lissone (private) --------------------------------
    brambilla = people.get("famiglia.brambilla@example.org")
    lissone = services.table_create(
        by=admin,
        kind=Table.Kind.MUNICIPAL,
        network=Network.objects.get(slug="rete-lombarda"),
        municipality=towns["lissone"],
        name="Tavolo comunale delle famiglie in rete di Lissone",
        description="Programma, reperisce i finanziamenti e co-progetta le buone pratiche "
        "con le famiglie di Lissone.",
        visibility=Table.Visibility.PRIVATE,
    )
    Table.objects.filter(pk=lissone.pk).update(slug=LISSONE_TABLE)
    lissone.refresh_from_db()
    lissone_coordinator = brambilla or admin
    if brambilla is not None:
        _join(lissone, brambilla, Role.COORDINATOR)
        _leave(lissone, admin)
    created["tables"] += 1
    _join(lissone, roberto, Role.MEMBER)
    _join(lissone, people.get("famiglia.colombo@example.org"), Role.MEMBER)
    _join(lissone, people.get("famiglia.ricci@example.org"), Role.OBSERVER)
    _meeting(
        lissone,
        lissone_coordinator,
        title="Primo incontro del tavolo",
        days=10,
        place="Sala Terragni, Lissone",
    )
    created["table meetings"] += 1
    gaf = _propose(
        lissone,
        lissone_coordinator,
        title="GAF e Fondo Solidale a Lissone",
        area=areas["misure-economiche"],
        summary="Un Gruppo di Acquisto Familiare che alimenta il Fondo Solidale.",
        body="Le famiglie fanno la spesa insieme dai produttori della filiera e devolvono "
        "il 2% al Fondo Solidale.",
        bands=[bands["famiglia"]],
        towns=[towns["lissone"]],
        budget="500",
    )
    publish(gaf, lissone_coordinator)
    services.comment_create(
        by=roberto,
        proposal=gaf,
        stance="for",
        body="A Sesto il GAF funziona bene: possiamo condividere i fornitori.",
    )
    _propose(
        lissone,
        roberto,
        title="Spazio compiti in biblioteca",
        area=areas["comunita-educante"],
        summary="Pomeriggi di aiuto compiti gestiti da famiglie volontarie.",
        body="Bozza.",
        bands=[bands["11-13"]],
        towns=[towns["lissone"]],
        budget=None,
    )
    created["table proposals"] += 2
    return created
