"""The only writers of the tables app (STYLE.md 2; the Piano Family's in
tables.services.plan): each function takes keyword arguments, runs in one transaction,
checks tables.rules and validates before writing, and notifies through the hub's
notification centre after commit. A refusal is a ValidationError (bad input: 400) or a
`Conflict` with a registered code (the state refuses it: 409), or PermissionDenied;
nothing is half-saved."""

from tables.services._common import CONFLICTS, Conflict
from tables.services.discussion import (
    comment_create,
    comment_hide,
    comment_unhide,
    endorsement_create,
    endorsement_withdraw,
)
from tables.services.meetings import (
    agenda_item_add,
    agenda_item_remove,
    attendance_set,
    meeting_cancel,
    meeting_create,
    meeting_update,
    minutes_approve,
    minutes_save,
)
from tables.services.proposals import (
    coauthor_add,
    coauthor_remove,
    decision_record,
    proposal_create,
    proposal_publish,
    proposal_restore,
    proposal_set_status,
    proposal_update,
)
from tables.services.suggestions import suggestion_create, suggestion_decide
from tables.services.tables import (
    invitation_create,
    invitation_for_token,
    invitation_respond,
    invitation_revoke,
    membership_remove,
    membership_request_create,
    membership_request_decide,
    membership_set_role,
    table_create,
    table_update,
)

__all__ = [
    "CONFLICTS",
    "Conflict",
    "agenda_item_add",
    "agenda_item_remove",
    "attendance_set",
    "coauthor_add",
    "coauthor_remove",
    "comment_create",
    "comment_hide",
    "comment_unhide",
    "decision_record",
    "endorsement_create",
    "endorsement_withdraw",
    "invitation_create",
    "invitation_for_token",
    "invitation_respond",
    "invitation_revoke",
    "meeting_cancel",
    "meeting_create",
    "meeting_update",
    "membership_remove",
    "membership_request_create",
    "membership_request_decide",
    "membership_set_role",
    "minutes_approve",
    "minutes_save",
    "proposal_create",
    "proposal_publish",
    "proposal_restore",
    "proposal_set_status",
    "proposal_update",
    "suggestion_create",
    "suggestion_decide",
    "table_create",
    "table_update",
]
