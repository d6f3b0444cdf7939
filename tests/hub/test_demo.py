"""seed_demo loads both real networks and is idempotent."""

from io import StringIO

import pytest
from django.apps import apps
from django.conf import global_settings
from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from wagtail.models import ReferenceIndex
from wagtail.search.models import IndexEntry

import hub.demo
from associations.models import Association
from hub.models import Family, Municipality, Network, User
from hub.task_queue import discarding
from hub.tasks import queue_email_on_commit

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

    # The demo's content is in the search index (no task runs while seeding).
    from django.contrib.auth.models import AnonymousUser

    from search import selectors
    from search.query import parse

    everything = selectors.search(parse({}), user=AnonymousUser())
    kinds = {item.value: item.count for item in everything.facets["kind"]}
    assert kinds["association"] == Association.objects.count()
    assert kinds["initiative"] > 0 and kinds["event"] > 0
    assert "product" not in kinds  # the GAF's products are for its members only
    assert selectors.search(parse({"q": "bruinese"}), user=AnonymousUser()).total > 0


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


def test_seeding_sends_no_email(settings, django_capture_on_commit_callbacks):
    """The demo's join requests, invitations and GAF rounds go through the services, which
    e-mail invented addresses: seed_demo drops those e-mails."""
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    # The tests' task queue runs each task at once (Q_CLUSTER sync): nothing was queued.
    assert mail.outbox == []


def test_discarding_drops_only_what_is_asked_inside(django_capture_on_commit_callbacks):
    context = {"name": "Polisportiva Bruinese", "page_url": "http://testserver/"}
    with django_capture_on_commit_callbacks(execute=True):
        with discarding():
            queue_email_on_commit(
                to=["dentro@example.org"],
                template="associations/email/join_approved",
                context=context,
            )
        queue_email_on_commit(
            to=["fuori@example.org"], template="associations/email/join_approved", context=context
        )
    assert [message.to for message in mail.outbox] == [["fuori@example.org"]]


def _index_rows():
    references = set(
        ReferenceIndex.objects.values_list(
            "base_content_type_id",
            "object_id",
            "to_content_type_id",
            "to_object_id",
            "content_path",
        )
    )
    search = set(
        IndexEntry.objects.values_list(
            "content_type_id", "object_id", "title", "body", "autocomplete"
        )
    )
    return references, search


def _objects() -> set[tuple[int, str]]:
    """(content type, pk) of every object, under its own and its base model's type."""
    keys = set()
    for model in apps.get_models():
        types = {ContentType.objects.get_for_model(model, for_concrete_model=True).pk}
        base = model._meta.get_parent_list()
        if base:
            types.add(ContentType.objects.get_for_model(base[-1]).pk)
        for pk in model._base_manager.values_list("pk", flat=True):
            keys.update((content_type, str(pk)) for content_type in types)
    return keys


def test_the_demo_leaves_wagtail_indexes_as_a_rebuild_would(settings):
    """seed_demo updates Wagtail's search and reference indexes once per object, at the end
    (hub.demo.index_updates_once): what it leaves is what rebuilding them gives."""
    settings.DEBUG = True
    before = _objects()
    call_command("seed_demo", stdout=StringIO())
    references, search = _index_rows()
    assert references and search
    call_command("rebuild_references_index", stdout=StringIO())
    call_command("update_index", stdout=StringIO())
    rebuilt_references, rebuilt_search = _index_rows()
    assert references <= rebuilt_references
    assert search <= rebuilt_search
    # Rows only a rebuild adds are for objects the migrations created (never saved since).
    assert {row[:2] for row in rebuilt_references - references} <= before
    assert {row[:2] for row in rebuilt_search - search} <= before


def test_the_stored_demo_password_hash_is_the_default_hashers_own(settings):
    """With Django's default hashers (what the hub runs with) the demo accounts get the hash
    made ahead of time: it is the demo password's, and the hasher would not update it (a
    Django release that raises the work factor fails this: make the hash again)."""
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    assert hub.demo.demo_password_hash() == hub.demo.DEMO_PASSWORD_HASH
    assert check_password(hub.demo.DEMO_PASSWORD, hub.demo.DEMO_PASSWORD_HASH)
    assert not get_hasher().must_update(hub.demo.DEMO_PASSWORD_HASH)


def test_other_hashers_hash_the_demo_password_themselves(settings):
    hashed = hub.demo.demo_password_hash()  # the tests' MD5 hasher
    assert hashed != hub.demo.DEMO_PASSWORD_HASH
    assert identify_hasher(hashed).algorithm == "md5"
    assert check_password(hub.demo.DEMO_PASSWORD, hashed)


def test_queries_unrecorded_only_inside(settings):
    settings.DEBUG = True
    connection.queries_log.clear()
    with hub.demo.queries_unrecorded():
        Network.objects.count()
    assert connection.queries == []
    Network.objects.count()
    assert len(connection.queries) == 1


def test_a_failing_demo_leaves_nothing(settings, monkeypatch):
    """One transaction around the whole load: an app's demo failing undoes the others'."""
    settings.DEBUG = True

    def fail(*, admin):
        raise RuntimeError("tariffs' demo failed")

    monkeypatch.setattr("tariffs.demo.load", fail)
    with pytest.raises(RuntimeError, match="tariffs"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists() and not Association.objects.exists()
    assert not IndexEntry.objects.exists()
