import pytest
from django.core.management import call_command
from hub.models import User


@pytest.mark.django_db
def test_smoke(client, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    from tables.models import PianoFamily, ProgressUpdate

    plan = PianoFamily.objects.get()
    print(plan, plan.objectives.count(), ProgressUpdate.objects.count())
    for url in [
        "/piano-family/",
        f"/piano-family/{plan.slug}/",
        f"/piano-family/{plan.slug}/cruscotto/",
        f"/piano-family/{plan.slug}/relazione.csv",
        f"/piano-family/{plan.slug}/relazione.pdf?anno=2022",
    ]:
        r = client.get(url)
        print(url, r.status_code, len(r.content))
        assert r.status_code == 200, r.content[:3000]
    o = plan.objectives.first()
    r = client.get(f"/piano-family/{plan.slug}/obiettivi/{o.pk}/")
    assert r.status_code == 200
    open("/tmp/dash.html", "wb").write(client.get(f"/piano-family/{plan.slug}/cruscotto/").content)
    open("/tmp/plan.html", "wb").write(client.get(f"/piano-family/{plan.slug}/").content)
    open("/tmp/obj.html", "wb").write(r.content)
    print(client.get(f"/piano-family/{plan.slug}/relazione.csv").content.decode()[:1500])
    client.force_login(User.objects.get(email="staff@example.org"))
    for url in [
        f"/piano-family/{plan.slug}/modifica/",
        f"/piano-family/{plan.slug}/obiettivi/nuovo/",
        f"/piano-family/{plan.slug}/obiettivi/{o.pk}/modifica/",
        f"/piano-family/{plan.slug}/obiettivi/{o.pk}/azioni/nuova/",
        f"/piano-family/{plan.slug}/obiettivi/{o.pk}/aggiornamenti/nuovo/",
        "/piano-family/nuovo/",
    ]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.content[:3000])
