"""The Carta Famiglia's kinds of notification (hub notification centre)."""

from django.utils.translation import gettext_lazy as _

from hub.notifications.registry import register_kind

RENEWAL = "carta.renewal"
STATUS = "carta.status"


def register_kinds() -> None:
    register_kind(RENEWAL, label=_("scadenza della Carta Famiglia"), default="email")
    register_kind(STATUS, label=_("sospensione o revoca della Carta Famiglia"), always=True)


def place_of(network_id: int) -> str:
    return f"carta:network:{network_id}"
