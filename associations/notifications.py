"""The associations' kinds of notification, registered with the hub's notification centre
(hub.notifications) by AssociationsConfig.ready(). Plain values: no models, no queries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hub.notifications.registry import register_kind

# A new join request, to the network staff who decide on it (in the admin).
JOIN_TO_REVIEW = "associations.join_to_review"


def register_kinds() -> None:
    register_kind(JOIN_TO_REVIEW, label=_("staff: nuove richieste di adesione da esaminare"))
