"""How a person appears to the others in a co-edited document: the name and colour of their
cursor, always from the hub (the socket overwrites whatever a client claims)."""

from __future__ import annotations

from django.utils.translation import gettext as _

PALETTE = ("#0066cc", "#d1344c", "#008055", "#995c00", "#6f42c1", "#1a7f86", "#b02a7a", "#5c6f82")


def person_label(user) -> dict:
    name = user.full_name.strip() or _("Componente %(number)s") % {"number": user.pk}
    return {"id": user.pk, "name": name, "color": PALETTE[user.pk % len(PALETTE)]}
