"""Models of the tables app, one module per part (the Piano Family in plan.py)."""

from tables.models.plan import (
    Objective,
    ObjectiveAction,
    PianoFamily,
    ProgressUpdate,
    Status,
)

__all__ = ["Objective", "ObjectiveAction", "PianoFamily", "ProgressUpdate", "Status"]
