"""The Carta Famiglia's kinds of notification (hub notification centre)."""

from django.utils.translation import gettext_lazy as _

from hub.notifications.registry import register_kind

RENEWAL = "carta.renewal"
STATUS = "carta.status"
SHOP_TEAM = "carta.shop_team"


def register_kinds() -> None:
    register_kind(RENEWAL, label=_("scadenza della Carta Famiglia"), default="email")
    register_kind(STATUS, label=_("sospensione o revoca della Carta Famiglia"), always=True)
    register_kind(SHOP_TEAM, label=_("operatori del tuo esercizio"), default="email")


def place_of(network_id: int) -> str:
    return f"carta:network:{network_id}"


def shop_place(shop_id: int) -> str:
    return f"carta:shop:{shop_id}"
