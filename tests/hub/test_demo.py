"""seed_demo loads both real networks and is idempotent."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from associations.models import Association
from hub.models import Family, Municipality, Network, User

pytestmark = pytest.mark.django_db

COUNTED = (Network, Municipality, Association, Family, User)


def snapshot():
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_seed_demo_twice_changes_nothing(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    first = snapshot()
    output = capsys.readouterr().out
    assert "famiglie-in-rete-2026" in output
    assert "staff@example.org" in output
    call_command("seed_demo")
    assert snapshot() == first
    assert "nothing changed" in capsys.readouterr().out

    cidis = Network.objects.get(slug="cidis")
    assert sorted(cidis.municipalities.values_list("name", flat=True)) == [
        "Beinasco",
        "Bruino",
        "Orbassano",
        "Piossasco",
        "Rivalta di Torino",
        "Volvera",
    ]
    lombard = Network.objects.get(slug="rete-lombarda")
    assert lombard.municipalities.count() == 7
    assert lombard.municipalities.filter(name="Muggiò", province="MB").exists()
    for network in (cidis, lombard):
        assert network.associations.count() >= 3
        assert Family.objects.filter(municipality__networks=network).count() >= 3


def test_demo_accounts_log_in(client, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assert client.login(email="staff@example.org", password="famiglie-in-rete-2026")
    assert client.get("/admin/").status_code == 200


def test_seed_demo_refuses_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_staff_edit_the_taxonomy_and_families_cannot(client, settings):
    from hub.models import Area

    settings.DEBUG = True
    call_command("seed_demo")
    area = Area.objects.get(slug="governance")
    edit_url = f"/admin/area/edit/{area.pk}/"

    client.login(email="famiglia.rossi@example.org", password="famiglie-in-rete-2026")
    assert client.get(edit_url).status_code == 403  # signed in without admin access

    client.login(email="staff@example.org", password="famiglie-in-rete-2026")
    assert client.get(edit_url).status_code == 200
    response = client.post(
        edit_url,
        {
            "name": "Governance e reti",
            "slug": "governance",
            "macro_area": area.macro_area_id,
            "sort_order": 40,
        },
    )
    assert response.status_code == 302
    area.refresh_from_db()
    assert area.name == "Governance e reti"
