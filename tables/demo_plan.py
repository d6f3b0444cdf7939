"""Demo Piano Family: the CIdiS «Piano Family e benessere della comunità 2022/23».

Drawn from the CIdiS document (shared/domain): the Tavolo Intercomunale set up in May
2021, the 2021 mappatura published in 2022, the Family in Italia certification of
February 2022, the «Genitorialità Sostenibile» research with the University of Turin
(an online questionnaire to families with children aged 0–2) and the Carta Famiglia
«di prossima attuazione»; the figures of the indicators are invented but plausible.
Objectives cover the five macro-areas A–E; actions link the demo initiatives of the
mappatura where they exist.

Everything is written through tables.services.plan, as staff would. Idempotent: a plan
whose slug exists is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from associations.models import InitiativePage
from hub.models import Area, MacroArea, Network, User
from tables.models import Objective, PianoFamily, Status
from tables.services import plan as services

D = Decimal
PLAN_SLUG = "cidis-2022-2023"
NUMBER = Objective.IndicatorKind.NUMBER
PERCENTAGE = Objective.IndicatorKind.PERCENTAGE
YES_NO = Objective.IndicatorKind.YES_NO
INDICATOR = Objective.ProgressMethod.INDICATOR
AVERAGE = Objective.ProgressMethod.ACTIONS_AVERAGE
WEIGHTED = Objective.ProgressMethod.ACTIONS_WEIGHTED


@dataclass(frozen=True)
class DemoAction:
    title: str
    status: str
    weight: int = 1
    initiative: str = ""  # the title of a demo initiative, linked when it exists


@dataclass(frozen=True)
class DemoUpdate:
    on: date
    status: str
    value: Decimal | None
    note: str


@dataclass(frozen=True)
class DemoObjective:
    macro_area: str
    area: str
    title: str
    description: str
    expected_results: str
    indicator_name: str
    indicator_unit: str
    indicator_kind: str
    baseline: Decimal
    target: Decimal
    responsible: str
    due_date: date
    method: str = INDICATOR
    weight: int = 1
    municipalities: list[str] = field(default_factory=list)
    actions: list[DemoAction] = field(default_factory=list)
    updates: list[DemoUpdate] = field(default_factory=list)


OBJECTIVES = [
    DemoObjective(
        "A",
        "governance",
        "Tavolo Intercomunale delle Politiche Family e benessere della comunità",
        "Il Tavolo, costituito nel maggio 2021 dai tecnici dei sei Comuni e del CIdiS, "
        "coordina le politiche per le famiglie dell'ambito e segue la realizzazione del piano.",
        "Una programmazione condivisa tra i sei Comuni e il CIdiS, con una verifica del piano "
        "ogni anno.",
        "Incontri del Tavolo Intercomunale nel biennio",
        "incontri",
        NUMBER,
        D(0),
        D(8),
        "CIdiS — Ufficio di piano",
        date(2023, 12, 31),
        weight=2,
        updates=[
            DemoUpdate(date(2022, 3, 31), Status.IN_PROGRESS, D(1), "Approvato il piano."),
            DemoUpdate(date(2022, 6, 30), Status.IN_PROGRESS, D(3), ""),
            DemoUpdate(
                date(2022, 12, 15), Status.IN_PROGRESS, D(5), "Prima verifica annuale del piano."
            ),
            DemoUpdate(date(2023, 6, 30), Status.IN_PROGRESS, D(7), ""),
            DemoUpdate(
                date(2023, 12, 15),
                Status.ACHIEVED,
                D(9),
                "Seconda verifica annuale: nove incontri nel biennio.",
            ),
        ],
    ),
    DemoObjective(
        "A",
        "governance",
        "Certificazione Family in Italia dei sei Comuni e del CIdiS",
        "Il marchio «Comune amico della famiglia», ottenuto nel febbraio 2022, si mantiene "
        "realizzando gli obiettivi del piano e rendicontandoli ogni anno.",
        "La relazione annuale inviata per ogni anno del piano e il nuovo piano biennale.",
        "Certificazione confermata al termine del biennio",
        "",
        YES_NO,
        D(0),
        D(1),
        "CIdiS e i sei Comuni",
        date(2023, 12, 31),
        updates=[
            DemoUpdate(
                date(2022, 2, 28),
                Status.IN_PROGRESS,
                D(0),
                "Certificazione territoriale del marchio Family in Italia.",
            ),
            DemoUpdate(
                date(2023, 1, 31), Status.IN_PROGRESS, D(0), "Relazione annuale 2022 inviata."
            ),
        ],
    ),
    DemoObjective(
        "B",
        "misure-economiche",
        "Carta Famiglia per le famiglie dei Comuni consorziati",
        "Una carta che dà alle famiglie con almeno un figlio minorenne sconti e agevolazioni "
        "presso servizi ed esercizi convenzionati.",
        "La Carta Famiglia attiva in tutti i sei Comuni.",
        "Carta Famiglia attivata",
        "",
        YES_NO,
        D(0),
        D(1),
        "CIdiS",
        date(2023, 12, 31),
        method=WEIGHTED,
        weight=2,
        actions=[
            DemoAction("Regolamento della Carta Famiglia approvato dall'assemblea", "achieved", 2),
            DemoAction("Convenzioni con gli esercizi commerciali del territorio", "in_progress", 2),
            DemoAction("Emissione della carta digitale alle famiglie", "not_started", 1),
        ],
        updates=[
            DemoUpdate(
                date(2023, 6, 30),
                Status.IN_PROGRESS,
                D(0),
                "Regolamento approvato; convenzioni in corso.",
            )
        ],
    ),
    DemoObjective(
        "B",
        "misure-economiche",
        "Agevolazioni per i figli nelle attività sportive e di tempo libero",
        "Quote ridotte per il secondo figlio e per le famiglie numerose nelle associazioni "
        "sportive convenzionate.",
        "Più associazioni con quote ridotte per le famiglie numerose.",
        "Associazioni con quote ridotte per le famiglie",
        "associazioni",
        NUMBER,
        D(2),
        D(10),
        "Uffici sport dei Comuni",
        date(2023, 9, 30),
        actions=[
            DemoAction(
                "Sconto dal secondo figlio al minibasket",
                "achieved",
                1,
                "Minibasket del martedì e giovedì",
            ),
            DemoAction(
                "Banca del tempo tra famiglie", "in_progress", 1, "Banca del tempo tra famiglie"
            ),
        ],
        updates=[
            DemoUpdate(date(2022, 9, 30), Status.IN_PROGRESS, D(4), ""),
            DemoUpdate(date(2023, 9, 30), Status.IN_PROGRESS, D(7), "Tre nuove convenzioni."),
        ],
    ),
    DemoObjective(
        "C",
        "comunicazione",
        "Pubblicare la Mappatura 2022 dei servizi per bambini, giovani e famiglie",
        "La mappatura dei progetti, interventi e servizi realizzata nel 2021 dai tecnici dei "
        "sei Comuni e del CIdiS, per aree: ambiente e sport, comunicazione, comunità "
        "educante, governance, misure economiche, welfare territoriale.",
        "La mappatura consultabile da tutte le famiglie.",
        "Mappatura pubblicata",
        "",
        YES_NO,
        D(0),
        D(1),
        "CIdiS",
        date(2022, 6, 30),
        updates=[
            DemoUpdate(
                date(2022, 5, 31), Status.ACHIEVED, D(1), "Mappatura 2022 pubblicata online."
            )
        ],
    ),
    DemoObjective(
        "C",
        "comunicazione",
        "Una sezione Family sui siti dei Comuni e del CIdiS",
        "Sui siti istituzionali una sezione con i servizi, le agevolazioni e le iniziative "
        "per le famiglie, aggiornata dai Comuni.",
        "Tutti i sette siti (sei Comuni e CIdiS) con la sezione Family.",
        "Siti istituzionali con la sezione Family",
        "",
        PERCENTAGE,
        D(0),
        D(100),
        "Uffici comunicazione dei Comuni",
        date(2023, 12, 31),
        updates=[
            DemoUpdate(date(2022, 12, 15), Status.IN_PROGRESS, D("42.86"), "Tre siti su sette."),
            DemoUpdate(date(2023, 12, 15), Status.IN_PROGRESS, D("85.71"), "Sei siti su sette."),
        ],
    ),
    DemoObjective(
        "D",
        "comunita-educante",
        "Ricerca «Genitorialità Sostenibile» con l'Università di Torino",
        "Con il Dipartimento di Culture, Politica e Società dell'Università degli Studi di "
        "Torino, un questionario online a tutte le famiglie residenti con figli da 0 a 2 anni "
        "sui servizi socio-educativi, sanitari, socio-assistenziali e culturali, sui bisogni "
        "e sulle sfide dell'essere genitori.",
        "Una ricerca sociale qualitativa che orienti il prossimo piano.",
        "Famiglie con figli 0–2 anni che hanno risposto",
        "",
        PERCENTAGE,
        D(0),
        D(30),
        "CIdiS e Università degli Studi di Torino",
        date(2023, 12, 31),
        weight=2,
        updates=[
            DemoUpdate(date(2022, 12, 15), Status.IN_PROGRESS, D("12.5"), "Questionario online."),
            DemoUpdate(date(2023, 6, 30), Status.IN_PROGRESS, D(24), "Solleciti via scuole."),
            DemoUpdate(
                date(2023, 12, 15),
                Status.ACHIEVED,
                D(31),
                "Raccolta chiusa: risultati in elaborazione.",
            ),
        ],
    ),
    DemoObjective(
        "D",
        "comunita-educante",
        "Mettere in rete associazioni e gruppi informali per le famiglie",
        "Le associazioni, i gruppi informali e le società sportive del territorio "
        "collaborano alle iniziative per bambini, giovani e famiglie.",
        "Iniziative co-progettate tra Comuni e associazioni.",
        "Iniziative in rete",
        "iniziative",
        NUMBER,
        D(0),
        D(6),
        "Tavolo Intercomunale",
        date(2023, 12, 31),
        method=AVERAGE,
        municipalities=["beinasco", "orbassano", "piossasco"],
        actions=[
            DemoAction("Estate ragazzi con l'oratorio", "achieved", 1, "Estate ragazzi"),
            DemoAction(
                "Spazio gioco e allattamento in biblioteca",
                "in_progress",
                1,
                "Spazio gioco e allattamento",
            ),
            DemoAction("Patto educativo con le scuole", "not_started", 1),
        ],
        updates=[DemoUpdate(date(2023, 6, 30), Status.IN_PROGRESS, None, "")],
    ),
    DemoObjective(
        "E",
        "ambiente-e-sport",
        "Sport e ambiente per tutta la famiglia",
        "Giornate di sport e di cura dell'ambiente aperte alle famiglie, con le società "
        "sportive e le associazioni ambientaliste.",
        "Più iniziative di ambiente e sport per le famiglie nella mappatura.",
        "Iniziative di ambiente e sport per famiglie",
        "iniziative",
        NUMBER,
        D(12),
        D(20),
        "Comuni di Bruino, Volvera e Rivalta di Torino",
        date(2023, 10, 31),
        municipalities=["bruino", "volvera", "rivalta-di-torino"],
        actions=[DemoAction("Sport in piazza", "achieved", 1, "Sport in piazza")],
        updates=[
            DemoUpdate(date(2022, 10, 31), Status.IN_PROGRESS, D(14), ""),
            DemoUpdate(date(2023, 10, 31), Status.IN_PROGRESS, D(18), ""),
        ],
    ),
    DemoObjective(
        "E",
        "welfare-territoriale",
        "Gruppi di auto mutuo aiuto per genitori di bambini 0–6 anni",
        "Incontri mensili tra genitori, con una facilitatrice, nei centri per le famiglie.",
        "Un gruppo attivo in ogni Comune dell'area nord dell'ambito.",
        "Gruppi attivi",
        "gruppi",
        NUMBER,
        D(1),
        D(4),
        "Servizi sociali del CIdiS",
        date(2023, 12, 31),
        municipalities=["orbassano", "beinasco"],
        actions=[
            DemoAction(
                "Gruppo per neogenitori a Orbassano",
                "achieved",
                1,
                "Gruppo di auto mutuo aiuto per neogenitori",
            )
        ],
        updates=[
            DemoUpdate(date(2022, 12, 15), Status.IN_PROGRESS, D(2), ""),
            DemoUpdate(date(2023, 12, 15), Status.IN_PROGRESS, D(3), ""),
        ],
    ),
]


@transaction.atomic
def load(*, admin: User) -> dict[str, int]:
    created = {"Piani Family": 0, "objectives": 0, "progress updates": 0}
    network = Network.objects.filter(slug="cidis").first()
    if network is None or PianoFamily.objects.filter(slug=PLAN_SLUG).exists():
        return created
    plan = services.plan_create(
        by=admin,
        data=services.PlanData(
            title="Piano Family e benessere della comunità 2022/23",
            network=network,
            start_year=2022,
            end_year=2023,
            first_review_on=date(2022, 12, 15),
            second_review_on=date(2023, 12, 15),
            description=(
                "Approvato a gennaio/febbraio 2022 dal Tavolo Intercomunale delle Politiche "
                "Family e benessere della comunità, raccoglie le attività e gli interventi "
                "dei sei Comuni e del CIdiS per le famiglie ed è lo strumento propedeutico "
                "alla certificazione Family in Italia."
            ),
        ),
    )
    created["Piani Family"] += 1
    macro_areas = {m.code: m for m in MacroArea.objects.all()}
    areas = {a.slug: a for a in Area.objects.select_related("macro_area")}
    municipalities = {m.slug: m for m in network.municipalities.all()}
    initiatives = {page.title: page for page in InitiativePage.objects.live()}
    for spec in OBJECTIVES:
        objective = services.objective_create(
            plan=plan,
            by=admin,
            data=services.ObjectiveData(
                macro_area=macro_areas[spec.macro_area],
                area=areas.get(spec.area),
                title=spec.title,
                description=spec.description,
                expected_results=spec.expected_results,
                indicator_name=spec.indicator_name,
                indicator_unit=spec.indicator_unit,
                indicator_kind=spec.indicator_kind,
                baseline=spec.baseline,
                target=spec.target,
                progress_method=spec.method,
                responsible=spec.responsible,
                due_date=spec.due_date,
                weight=spec.weight,
                municipalities=[municipalities[slug] for slug in spec.municipalities],
            ),
        )
        created["objectives"] += 1
        for action in spec.actions:
            services.action_add(
                objective=objective,
                by=admin,
                data=services.ActionData(
                    title=action.title,
                    status=action.status,
                    weight=action.weight,
                    initiative=initiatives.get(action.initiative),
                ),
            )
        for update in spec.updates:
            services.progress_update_record(
                objective=objective,
                by=admin,
                on=update.on,
                status=update.status,
                indicator_value=update.value,
                note=update.note,
            )
            created["progress updates"] += 1
    services.plan_publish(plan=plan, by=admin)
    return created
