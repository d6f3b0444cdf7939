"""Demo data of the tables app, loaded by `manage.py seed_demo` (`load(admin=...)`).

Each part of the app adds its own: the Piano Family in tables.demo_plan.
"""

from __future__ import annotations

from hub.models import User
from tables import demo_plan


def load(*, admin: User) -> dict[str, int]:
    created: dict[str, int] = {}
    created.update(demo_plan.load(admin=admin))
    return created
