"""What the hub writes in a round's thread, in the reader's language.

A system message is stored as a kind and plain data (names, quantities and prices as
strings, instants in ISO 8601), and written out when it is shown: the page and each socket
render it in their own language. Idempotency keys name the fact announced, so a task or a
service that runs twice posts it once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gaf.units import unit_text
from hub.dates import day_and_time, time_of_day
from hub.formatting import euro, quantity


def _moment(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _qty(data: dict, key: str) -> str:
    amount = Decimal(data[key])
    return f"{quantity(amount)} {unit_text(data['unit'], amount)}"


def system_text(kind: str, data: dict) -> str:
    """The sentence for a system message of `kind` (gaf.models.SystemKind)."""
    if kind == "round_opened":
        when = day_and_time(_moment(data.get("closes_at")))
        if data.get("reopened"):
            return _("Il giro è stato riaperto: si può ordinare fino a %(when)s.") % {"when": when}
        return _("Il giro è aperto: si può ordinare fino a %(when)s.") % {"when": when}
    if kind == "case_filled":
        return ngettext(
            "%(product)s: %(cases)s collo completo (%(quantity)s).",
            "%(product)s: %(cases)s colli completi (%(quantity)s).",
            int(data["cases"]),
        ) % {
            "product": data["product"],
            "cases": data["cases"],
            "quantity": _qty(data, "quantity"),
        }
    if kind == "tier_reached":
        return _(
            "%(product)s: raggiunto lo scaglione da %(quantity)s, ora %(price)s € per %(unit)s."
        ) % {
            "product": data["product"],
            "quantity": _qty(data, "quantity"),
            "price": euro(Decimal(data["price"])),
            "unit": unit_text(data["unit"]),
        }
    if kind == "last_hour":
        return _("Manca un'ora alla chiusura degli ordini (alle %(time)s).") % {
            "time": time_of_day(_moment(data.get("closes_at")))
        }
    if kind == "round_closed":
        return _("Il giro è chiuso: le quantità sono state assegnate alle famiglie.")
    if kind == "allocation_changed":
        families = int(data.get("families", 0))
        return ngettext(
            "Assegnazioni aggiornate: è cambiato il totale di %(n)s famiglia.",
            "Assegnazioni aggiornate: è cambiato il totale di %(n)s famiglie.",
            families,
        ) % {"n": families}
    if kind == "delivery_recorded":
        return _("Consegna registrata: ogni famiglia trova il suo conto nella pagina del giro.")
    return ""
