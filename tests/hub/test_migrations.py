"""The squashed migrations and the chains they replace (hub 0002–0007, associations
0001–0004, events 0001–0007, gaf 0001–0005, tables 0001–0005, carta 0001–0006 and tariffs
0001–0002).

A new database migrates through the squashes. A database migrated along the old chains must
migrate on: where all that a squash replaces has run, Django counts the squash as applied;
where only part of it has, Django runs the rest of the old chain. Both paths must end with
the same models and the same tables.
"""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ModelState

from hub.migration_operations import CreateModels

SQUASHES = {
    "hub": "0002_squashed_0007_notification_digest_schedules",
    "associations": "0001_squashed_0004_shared_cost_fields",
    "events": "0001_squashed_0007_write_feed_parts",
    "gaf": "0001_squashed_0005_chat",
    "tables": "0001_squashed_0005_comment_suggestion",
    "carta": "0001_squashed_0006_shop_public_details_and_invitations",
    "tariffs": "0001_squashed_0002_draft_status",
}


def _old_chains(loader: MigrationLoader) -> MigrationLoader:
    """The loader without the squashes: the old chains only, as before them."""
    for key, migration in loader.replacements.items():
        loader.graph.remove_replacement_node(key, migration.replaces)
    return loader


def _old_chains_executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader = _old_chains(MigrationLoader(connection, replace_migrations=False))
    return executor


def test_a_new_database_migrates_through_the_squashes():
    loader = MigrationLoader(None)
    for app_label, name in SQUASHES.items():
        assert loader.graph.leaf_nodes(app_label) == [(app_label, name)]
        replaced = loader.replacements[(app_label, name)].replaces
        assert not set(replaced) & set(loader.graph.nodes)


def test_the_squashes_give_the_models_of_the_old_chains():
    """Nothing for makemigrations between the two paths: same fields, options, constraints
    and indexes (and makemigrations --check compares the squashes with the models)."""
    squashed = MigrationLoader(None)
    old = _old_chains(MigrationLoader(None, replace_migrations=False))
    changes = MigrationAutodetector(old.project_state(), squashed.project_state()).changes(
        graph=squashed.graph
    )
    assert changes == {}


def test_create_models_renders_the_related_models_once(monkeypatch):
    """CreateModels adds its models, then re-renders what they relate to once; a CreateModel
    for each model re-renders it all after each one (what made a fresh `migrate` slow)."""
    loader = MigrationLoader(None)
    before = loader.project_state(("hub", SQUASHES["hub"]))
    before.apps  # noqa: B018 - rendered, as `migrate` renders it before the first migration
    (create,) = [
        operation
        for operation in loader.graph.nodes[("gaf", SQUASHES["gaf"])].operations
        if isinstance(operation, CreateModels)
    ]
    render = ModelState.render
    rendered = []
    monkeypatch.setattr(
        ModelState, "render", lambda self, apps: rendered.append(self.name) or render(self, apps)
    )

    def renders(operations) -> int:
        rendered.clear()
        state = before.clone()
        for operation in operations:
            operation.state_forwards("gaf", state)
        assert {("gaf", op.name_lower) for op in create.models} <= set(state.models)
        state.apps.get_model("gaf", "ChatMessage")
        return len(rendered)

    once, each = renders([create]), renders(create.models)
    assert len(create.models) > 20
    assert once * 5 < each


def _sqlite_definitions(sql: str) -> list[str]:
    """The items of a CREATE TABLE (columns, constraints), in any order."""
    body = sql[sql.index("(") + 1 : sql.rindex(")")]
    items, depth, start = [], 0, 0
    for position, char in enumerate(body):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            items.append(body[start:position].strip())
            start = position + 1
    return sorted([*items, body[start:].strip()])


def _schema(app_label: str) -> dict:
    """The app's tables as the database describes them: columns, constraints, indexes."""
    introspection = connection.introspection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Django's SQLite introspection cannot read these tables (it splits a CREATE TABLE
            # on every comma, those of the check constraints too): SQLite's own record.
            cursor.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
            return {
                name: _sqlite_definitions(sql) if kind == "table" else sql
                for kind, name, table, sql in cursor.fetchall()
                if table.startswith(f"{app_label}_") and sql is not None
            }
        return {
            table: (
                sorted(map(tuple, introspection.get_table_description(cursor, table))),
                sorted(
                    (
                        name,
                        sorted(info["columns"] or []),
                        *(bool(info[key]) for key in ("primary_key", "unique", "check", "index")),
                        info["foreign_key"],
                    )
                    for name, info in introspection.get_constraints(cursor, table).items()
                ),
            )
            for table in introspection.table_names(cursor)
            if table.startswith(f"{app_label}_")
        }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "app_label, partway",
    [
        ("gaf", "0003_merge_send_on_close_and_units"),
        ("events", "0004_decision_constraint_names"),
        ("tables", "0002_piano_family"),
        ("carta", "0003_shop_contacts_and_outlet_coordinates"),
        ("tariffs", "0001_initial"),
    ],
    ids=["gaf", "events", "tables", "carta", "tariffs"],
)
def test_a_database_migrated_along_the_old_chain_migrates_on(app_label, partway):
    if app_label == "carta":
        # With its seed rows, as a migrated database has them (a transactional test before
        # this one may have flushed them): unapplying the squash must drop them too (on
        # PostgreSQL, deleting them first in the same transaction left checks pending).
        import_module("carta.migrations.0005_categories_and_badges_data").create(django_apps, None)
    squashed_schema = _schema(app_label)
    executor = MigrationExecutor(connection)
    executor.migrate([(app_label, None)])
    assert _schema(app_label) == {}

    # The app as a database migrated before the squash has it: part of the old chain...
    _old_chains_executor().migrate([(app_label, partway)])
    # ...then `migrate`, which runs the rest of it.
    call_command("migrate", verbosity=0)

    assert _schema(app_label) == squashed_schema
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert (app_label, SQUASHES[app_label]) in MigrationRecorder(connection).applied_migrations()


@pytest.mark.django_db(transaction=True)
def test_a_database_migrated_along_all_the_old_chains_has_nothing_to_apply():
    """Such a database records the old names only: `migrate` counts every squash as applied
    and records it."""
    recorder = MigrationRecorder(connection)
    recorder.migration_qs.filter(app__in=SQUASHES, name__in=SQUASHES.values()).delete()
    assert not set(SQUASHES.items()) & set(recorder.applied_migrations())

    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    call_command("migrate", verbosity=0)
    assert set(SQUASHES.items()) <= set(recorder.applied_migrations())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "app_label, schedule, rows",
    [("carta", "carta-renewal-reminders", {"Category": 12, "Badge": 2})],
    ids=["carta"],
)
def test_a_squash_creates_the_data_of_the_migrations_it_replaces(app_label, schedule, rows):
    """The schedules and seed rows the old chain created, by its functions: a new database
    must have them too (carta 0002 and 0005)."""
    executor = MigrationExecutor(connection)
    executor.migrate([(app_label, None)])
    Schedule = executor.loader.project_state().apps.get_model("django_q", "Schedule")
    assert not Schedule.objects.filter(name=schedule).exists()

    executor = MigrationExecutor(connection)
    state = executor.migrate([(app_label, SQUASHES[app_label])])

    assert Schedule.objects.filter(name=schedule).count() == 1
    for model, count in rows.items():
        assert state.apps.get_model(app_label, model).objects.count() == count
