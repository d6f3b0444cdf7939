"""Seed data every installation needs: the taxonomy, the age bands and the site's first pages.

The taxonomy is data, editable by network staff afterwards: the five macro-areas of the
Family in Italia plans, and the six areas of the CIdiS mappatura, each mapped to one.
"""

from django.db import migrations

MACRO_AREAS = [
    ("A", "Governance e azioni di rete"),
    ("B", "Misure economiche"),
    ("C", "Informazione e comunicazione"),
    ("D", "Comunità educante"),
    ("E", "Welfare territoriale e sostenibilità"),
]

# (sort order, name, slug, macro-area code)
AREAS = [
    (10, "Ambiente e sport", "ambiente-e-sport", "E"),
    (20, "Comunicazione", "comunicazione", "C"),
    (30, "Comunità educante", "comunita-educante", "D"),
    (40, "Governance", "governance", "A"),
    (50, "Misure economiche", "misure-economiche", "B"),
    (60, "Welfare territoriale", "welfare-territoriale", "E"),
]

# (sort order, name, slug, min age, max age, whole family)
AGE_BANDS = [
    (10, "0–2 anni", "0-2", 0, 2, False),
    (20, "3–5 anni", "3-5", 3, 5, False),
    (30, "6–10 anni", "6-10", 6, 10, False),
    (40, "11–13 anni", "11-13", 11, 13, False),
    (50, "14–17 anni", "14-17", 14, 17, False),
    (60, "Adulti", "adulti", 18, None, False),
    (70, "Tutta la famiglia", "famiglia", None, None, True),
]

HOME_INTRO = (
    "<p>Il portale della rete dei <b>Comuni amici della famiglia</b>: associazioni, società "
    "sportive e gruppi informali pubblicano qui iniziative ed eventi per bambini, ragazzi e "
    "famiglie; le famiglie si organizzano nei Gruppi di Acquisto Familiare; i tavoli "
    "co-progettano il Piano Family.</p>"
)

ACCESSIBILITY_BODY = (
    "<p>La rete si impegna a rendere il proprio sito accessibile, conformemente alla Legge "
    "4/2004 e alle Linee guida AgID sull'accessibilità degli strumenti informatici.</p>"
    "<h2>Stato di conformità</h2><p>Il sito è parzialmente conforme ai requisiti della norma "
    "UNI CEI EN 301549 (WCAG 2.1 livello AA). Le pagine pubbliche sono verificate "
    "automaticamente a ogni modifica.</p>"
    "<h2>Feedback e contatti</h2><p>Per segnalare problemi di accessibilità scrivi alla "
    "redazione della rete. Se la risposta non è soddisfacente puoi rivolgerti al Difensore "
    "civico per il digitale presso AgID.</p>"
)

PRIVACY_BODY = (
    "<p>Informativa ai sensi degli articoli 13 e 14 del Regolamento (UE) 2016/679 (GDPR).</p>"
    "<h2>Quali dati trattiamo</h2><p>Indirizzo e-mail e nome di chi si registra; per le "
    "famiglie il comune di residenza e il solo anno di nascita dei figli, mai i loro nomi.</p>"
    "<h2>Perché</h2><p>Per permettere la partecipazione alle iniziative della rete, ai Gruppi "
    "di Acquisto Familiare e ai tavoli. I dati non sono ceduti a terzi.</p>"
    "<h2>Cookie</h2><p>Usiamo solo cookie tecnici (sessione, lingua, protezione CSRF).</p>"
    "<h2>I tuoi diritti</h2><p>Puoi chiedere accesso, rettifica e cancellazione dei tuoi dati "
    "scrivendo al titolare del trattamento.</p>"
)


def seed(apps, schema_editor):
    MacroArea = apps.get_model("hub", "MacroArea")
    Area = apps.get_model("hub", "Area")
    AgeBand = apps.get_model("hub", "AgeBand")

    macro = {}
    for code, name in MACRO_AREAS:
        macro[code], _ = MacroArea.objects.get_or_create(code=code, defaults={"name": name})
    for order, name, slug, code in AREAS:
        Area.objects.get_or_create(
            slug=slug, defaults={"name": name, "macro_area": macro[code], "sort_order": order}
        )
    for order, name, slug, min_age, max_age, whole in AGE_BANDS:
        AgeBand.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "min_age": min_age,
                "max_age": max_age,
                "whole_family": whole,
                "sort_order": order,
            },
        )
    _create_pages(apps)


def _create_pages(apps):
    """Replace Wagtail's welcome page with the hub's home page and its footer pages."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("hub", "HomePage")
    StandardPage = apps.get_model("hub", "StandardPage")

    if HomePage.objects.exists():
        return
    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    locale = Locale.objects.first() or Locale.objects.create(language_code="it")
    home_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="hub")
    standard_type, _ = ContentType.objects.get_or_create(model="standardpage", app_label="hub")

    root = Page.objects.get(depth=1)
    home = HomePage.objects.create(
        title="Comuni amici della famiglia",
        draft_title="Comuni amici della famiglia",
        slug="home",
        content_type=home_type,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        live=True,
        intro=HOME_INTRO,
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost",
        port=80,
        root_page_id=home.id,
        is_default_site=True,
        site_name="Comuni amici della famiglia",
    )
    for position, (title, slug, body) in enumerate(
        [
            ("Dichiarazione di accessibilità", "accessibilita", ACCESSIBILITY_BODY),
            ("Informativa sulla privacy", "privacy", PRIVACY_BODY),
        ],
        start=1,
    ):
        StandardPage.objects.create(
            title=title,
            draft_title=title,
            slug=slug,
            content_type=standard_type,
            path=f"{home.path}{position:04d}",
            depth=3,
            numchild=0,
            url_path=f"/home/{slug}/",
            locale=locale,
            live=True,
            body=body,
        )
    home.numchild = 2
    home.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0002_pages"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
