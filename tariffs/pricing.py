"""Tariff rules as pure functions: from an indicator value to a monthly price.

Two methods, as municipalities write them in their tariff resolutions:

- bands: contiguous ranges of the indicator, each with its price. The first starts at 0,
  each starts where the previous one ends (`lower <= value < upper`), only the last is open
  ended: no overlaps and no gaps, checked by `validate`.
- linear: `min_price` up to `lower_threshold`, `max_price` from `upper_threshold`, and in
  between the straight line from one to the other, rounded to the cent (ROUND_HALF_UP).

Then an exemption (indicator below `exemption_threshold`: nothing to pay) and a cap (the
price never exceeds `cap`). Prices are per month; a service says how many months a year
it charges.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hub.formatting import euro, money

CENT = Decimal("0.01")
BANDS = "bands"
LINEAR = "linear"
# Indicator values for the admin's preview of a rule: 0 to 40,000 € in steps of 2,500.
PREVIEW_VALUES = tuple(Decimal(2500 * step) for step in range(17))


def to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Band:
    lower: Decimal
    upper: Decimal | None
    price: Decimal


@dataclass(frozen=True)
class TariffSpec:
    method: str
    bands: tuple[Band, ...] = ()
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    lower_threshold: Decimal | None = None
    upper_threshold: Decimal | None = None
    exemption_threshold: Decimal | None = None
    cap: Decimal | None = None


@dataclass(frozen=True)
class Priced:
    price: Decimal
    steps: tuple[str, ...]


def _number(value, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        number = None
    if number is None or not number.is_finite() or number < 0:
        raise ValidationError(
            _("«%(where)s»: un importo non negativo, come 1234.50.") % {"where": where}
        )
    return number


def bands_from_data(data) -> tuple[Band, ...]:
    """Bands stored as JSON: [{"from": "0", "to": "6000", "price": "20.00"}, ...], the last
    one with "to": null."""
    if not isinstance(data, list):
        raise ValidationError(_("Le fasce sono un elenco di oggetti {from, to, price}."))
    bands = []
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict) or {"from", "to", "price"} - item.keys():
            raise ValidationError(_("Fascia %(n)d: servono «from», «to» e «price».") % {"n": index})
        upper = item["to"]
        bands.append(
            Band(
                lower=_number(item["from"], f"{index}.from"),
                upper=None if upper in (None, "") else _number(upper, f"{index}.to"),
                price=_number(item["price"], f"{index}.price"),
            )
        )
    return tuple(bands)


def bands_as_data(bands: tuple[Band, ...]) -> list[dict]:
    return [
        {
            "from": str(band.lower),
            "to": None if band.upper is None else str(band.upper),
            "price": str(band.price),
        }
        for band in bands
    ]


def validate_bands(bands: tuple[Band, ...]) -> None:
    if not bands:
        raise ValidationError(_("Serve almeno una fascia."))
    ordered = sorted(bands, key=lambda band: band.lower)
    if ordered[0].lower != 0:
        raise ValidationError(_("La prima fascia deve partire da 0."))
    for index, band in enumerate(ordered, start=1):
        if band.upper is not None and band.upper <= band.lower:
            raise ValidationError(
                _("Fascia %(n)d: il limite superiore deve superare quello inferiore.")
                % {"n": index}
            )
        if index == len(ordered):
            if band.upper is not None:
                raise ValidationError(
                    _("L'ultima fascia non ha limite superiore (da %(from)s in su).")
                    % {"from": band.lower}
                )
            continue
        following = ordered[index]
        if band.upper is None:
            raise ValidationError(
                _("Fascia %(n)d: solo l'ultima fascia può essere senza limite superiore.")
                % {"n": index}
            )
        if following.lower < band.upper:
            raise ValidationError(
                _("Le fasce %(a)d e %(b)d si sovrappongono (da %(from)s a %(to)s).")
                % {"a": index, "b": index + 1, "from": following.lower, "to": band.upper}
            )
        if following.lower > band.upper:
            raise ValidationError(
                _("Tra le fasce %(a)d e %(b)d manca l'intervallo da %(from)s a %(to)s.")
                % {"a": index, "b": index + 1, "from": band.upper, "to": following.lower}
            )


def validate(spec: TariffSpec) -> None:
    errors: dict[str, list[str]] = {}
    if spec.method == BANDS:
        try:
            validate_bands(spec.bands)
        except ValidationError as error:
            errors["bands"] = error.messages
    elif spec.method == LINEAR:
        required = {
            "min_price": spec.min_price,
            "max_price": spec.max_price,
            "lower_threshold": spec.lower_threshold,
            "upper_threshold": spec.upper_threshold,
        }
        for name, value in required.items():
            if value is None:
                errors[name] = [_("Obbligatorio per la tariffa lineare.")]
            elif value < 0:
                errors[name] = [_("Non può essere negativo.")]
        if not errors:
            if spec.upper_threshold <= spec.lower_threshold:
                errors["upper_threshold"] = [_("La soglia massima deve superare la soglia minima.")]
            if spec.max_price < spec.min_price:
                errors["max_price"] = [_("La tariffa massima non può essere minore della minima.")]
    else:
        errors["method"] = [_("Metodo sconosciuto: fasce o lineare.")]
    if spec.exemption_threshold is not None and spec.exemption_threshold < 0:
        errors["exemption_threshold"] = [_("Non può essere negativo.")]
    if spec.cap is not None and spec.cap < 0:
        errors["cap"] = [_("Non può essere negativo.")]
    if errors:
        raise ValidationError(errors)


def _price(spec: TariffSpec, indicator: Decimal) -> tuple[Decimal, str, Band | None]:
    """(price before the cap, which case applied, the band if any)."""
    if spec.exemption_threshold is not None and indicator < spec.exemption_threshold:
        return Decimal("0.00"), "exempt", None
    if spec.method == BANDS:
        band = next(
            band
            for band in sorted(spec.bands, key=lambda band: band.lower, reverse=True)
            if indicator >= band.lower
        )
        return band.price, "band", band
    if indicator <= spec.lower_threshold:
        return spec.min_price, "minimum", None
    if indicator >= spec.upper_threshold:
        return spec.max_price, "maximum", None
    share = (indicator - spec.lower_threshold) / (spec.upper_threshold - spec.lower_threshold)
    return to_cents(spec.min_price + (spec.max_price - spec.min_price) * share), "linear", None


def _explain(spec: TariffSpec, indicator: Decimal, case: str, band: Band | None, price) -> str:
    if case == "exempt":
        return _("Indicatore sotto la soglia di esenzione (%(t)s): esente.") % {
            "t": euro(spec.exemption_threshold)
        }
    if case == "band" and band.upper is None:
        return _("Fascia da %(from)s in su: %(price)s al mese.") % {
            "from": euro(band.lower),
            "price": money(band.price),
        }
    if case == "band":
        return _("Fascia da %(from)s a %(to)s: %(price)s al mese.") % {
            "from": euro(band.lower),
            "to": euro(band.upper),
            "price": money(band.price),
        }
    if case == "minimum":
        return _("Fino a %(t)s si paga la tariffa minima, %(price)s al mese.") % {
            "t": euro(spec.lower_threshold),
            "price": money(spec.min_price),
        }
    if case == "maximum":
        return _("Da %(t)s si paga la tariffa massima, %(price)s al mese.") % {
            "t": euro(spec.upper_threshold),
            "price": money(spec.max_price),
        }
    return _(
        "Tariffa lineare: %(min)s + (%(max)s − %(min)s) × (%(x)s − %(lo)s) ÷ "
        "(%(hi)s − %(lo)s) = %(price)s al mese, arrotondata al centesimo."
    ) % {
        "min": money(spec.min_price),
        "max": money(spec.max_price),
        "x": euro(indicator),
        "lo": euro(spec.lower_threshold),
        "hi": euro(spec.upper_threshold),
        "price": money(price),
    }


def monthly_price(spec: TariffSpec, indicator: Decimal, *, explain: bool = True) -> Priced:
    """The monthly price for an indicator value, with the steps in words (none when
    `explain` is False)."""
    price, case, band = _price(spec, indicator)
    steps = [_explain(spec, indicator, case, band, price)] if explain else []
    if case != "exempt" and spec.cap is not None and price > spec.cap:
        price = spec.cap
        if explain:
            steps.append(_("Tetto massimo applicato: %(cap)s al mese.") % {"cap": money(spec.cap)})
    return Priced(to_cents(price), tuple(steps))
