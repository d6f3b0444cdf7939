"""Migration operations of the hub's own.

`CreateModels` creates several models in one operation. Django's `CreateModel`, run by
`migrate`, re-renders the new model and every model related to it, recursively, after each
model it adds to the migration state: with a user model and Wagtail's pages in the project,
that is most of the project's models, once per model created. A fresh `migrate` spent most of
its time there (tens of thousands of model classes built), not in SQL. `CreateModels` adds
all its models to the state first and re-renders the related models once.

The tables, columns, constraints and indexes are exactly those of a `CreateModel` per model:
each one's database work is `CreateModel`'s own.
"""

from django.db.migrations.operations.base import Operation, OperationCategory
from django.db.migrations.operations.models import CreateModel
from django.db.migrations.state import ModelState


class CreateModels(Operation):
    """`CreateModel` for each of `models` (a list of `CreateModel`), the state rendered once."""

    category = OperationCategory.ADDITION
    serialization_expand_args = ["models"]

    def __init__(self, models: list[CreateModel]):
        self.models = list(models)

    def state_forwards(self, app_label, state):
        keys = []
        for operation in self.models:
            key = (app_label, operation.name_lower)
            state.models[key] = ModelState(
                app_label,
                operation.name,
                list(operation.fields),
                dict(operation.options),
                tuple(operation.bases),
                list(operation.managers),
            )
            keys.append(key)
        # What ProjectState.add_model does for one model, once for all of them.
        if state._relations is not None:
            for key in keys:
                state.resolve_model_relations(key)
        state.reload_models(keys, delay=False)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for operation in self.models:
            operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for operation in reversed(self.models):
            operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return "Create models " + ", ".join(operation.name for operation in self.models)

    @property
    def migration_name_fragment(self):
        return "_".join(operation.migration_name_fragment for operation in self.models[:3])

    def references_model(self, name, app_label):
        return any(operation.references_model(name, app_label) for operation in self.models)
