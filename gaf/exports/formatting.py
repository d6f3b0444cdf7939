"""Italian formatting of amounts, quantities, VAT rates and dates for the exports."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gaf import units
from hub import formatting

ROME = ZoneInfo("Europe/Rome")

_WEEKDAYS = (
    gettext_lazy("lunedì"),
    gettext_lazy("martedì"),
    gettext_lazy("mercoledì"),
    gettext_lazy("giovedì"),
    gettext_lazy("venerdì"),
    gettext_lazy("sabato"),
    gettext_lazy("domenica"),
)
_MONTHS = (
    gettext_lazy("gennaio"),
    gettext_lazy("febbraio"),
    gettext_lazy("marzo"),
    gettext_lazy("aprile"),
    gettext_lazy("maggio"),
    gettext_lazy("giugno"),
    gettext_lazy("luglio"),
    gettext_lazy("agosto"),
    gettext_lazy("settembre"),
    gettext_lazy("ottobre"),
    gettext_lazy("novembre"),
    gettext_lazy("dicembre"),
)


def _places(value: Decimal, min_places: int) -> int:
    """How many decimals to show: `min_places`, or more if the value has significant ones."""
    if isinstance(value, float):
        raise TypeError("Use Decimal, not float, for amounts and quantities.")
    return max(min_places, -Decimal(value).normalize().as_tuple().exponent)


def _plain_number(value: Decimal, *, min_places: int) -> str:
    """The number as data, "1234.5" (the JSON and CSV data exports, not for people to read):
    never an exponent, never "-0"."""
    places = _places(value, min_places)
    value = Decimal(value)
    if value == 0:
        value = abs(value)
    return f"{value:.{places}f}"


# Numbers for people come from hub.formatting, the hub's one money and quantity format (these
# documents are rendered in the language active for their reader, Italian by default).


def format_euro(amount: Decimal) -> str:
    """An amount as "1.234,56 €": two decimals, more only if a unit price has them; a
    no-break space keeps the euro sign on the same line as the number."""
    return formatting.money(amount)


def format_quantity(quantity: Decimal, unit: str = "") -> str:
    """A quantity as "12,5 kg", "1 vasetto": decimal comma, no grouping, no trailing zeros."""
    return formatting.quantity_with_unit(quantity, unit_label(unit, quantity) if unit else "")


def format_vat_rate(rate: Decimal) -> str:
    """A VAT rate as "22%" or "5,5%"."""
    return formatting.quantity(rate) + "%"


def unit_label(unit: str, quantity: Decimal | None = None) -> str:
    """The unit as shown to people after `quantity` (without one, as in "€/vasetto"), in
    the active language ("pz" is "pcs" in English): gaf.units."""
    return units.unit_text(unit, quantity)


def _rome(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("A naive datetime has no place in time: give it a time zone.")
    return moment.astimezone(ROME)


def format_date(day: date) -> str:
    """A day as "venerdì 13 marzo 2026", in the active language."""
    # Translators: a date, e.g. "venerdì 13 marzo 2026"; reorder the parts as needed.
    return _("%(weekday)s %(day)d %(month)s %(year)d") % {
        "weekday": _WEEKDAYS[day.weekday()],
        "day": day.day,
        "month": _MONTHS[day.month - 1],
        "year": day.year,
    }


def format_datetime(moment: datetime) -> str:
    """A moment as "venerdì 13 marzo 2026, ore 18:00", wall-clock time in Rome."""
    local = _rome(moment)
    # Translators: a date followed by a 24-hour time, e.g. "venerdì 13 marzo 2026, ore 18:00".
    return _("%(date)s, ore %(time)s") % {
        "date": format_date(local.date()),
        "time": local.strftime("%H:%M"),
    }
