"""The categories of the national Carta Famiglia list and the two badges with their
thresholds, as rows staff can edit. Created once, by slug."""

from decimal import Decimal

from django.db import migrations

CATEGORIES = [
    ("alimentari", "Alimentari e prodotti per la casa"),
    ("abbigliamento", "Abbigliamento e calzature"),
    ("infanzia", "Prodotti per l'infanzia"),
    ("libri-cartoleria", "Libri, cartoleria e materiale scolastico"),
    ("cultura-tempo-libero", "Cultura e tempo libero"),
    ("sport", "Sport"),
    ("salute-benessere", "Salute e benessere"),
    ("servizi-casa", "Servizi per la casa"),
    ("trasporti", "Trasporti e mobilità"),
    ("istruzione-formazione", "Istruzione e formazione"),
    ("ristorazione", "Ristorazione"),
    ("turismo", "Turismo"),
]
BADGES = [
    ("amico-della-famiglia", "Amico della famiglia", Decimal("5")),
    ("sostenitore-della-famiglia", "Sostenitore della famiglia", Decimal("20")),
]


def create(apps, schema_editor):
    Category = apps.get_model("carta", "Category")
    Badge = apps.get_model("carta", "Badge")
    for order, (slug, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": order})
    for slug, name, minimum in BADGES:
        Badge.objects.get_or_create(slug=slug, defaults={"name": name, "min_percentage": minimum})


def delete(apps, schema_editor):
    apps.get_model("carta", "Category").objects.filter(slug__in=[c[0] for c in CATEGORIES]).delete()
    apps.get_model("carta", "Badge").objects.filter(slug__in=[b[0] for b in BADGES]).delete()


class Migration(migrations.Migration):
    dependencies = [("carta", "0004_offers_categories_badges")]

    operations = [migrations.RunPython(create, delete)]
