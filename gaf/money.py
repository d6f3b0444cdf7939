"""Money rules of a purchase group: rounding, splitting, tier prices, VAT, the common fund.

Pure functions on `Decimal`, never float: a float cannot hold 0.10 exactly, and a family
must be charged the same cents however the bill is computed. Amounts are euros; results
are whole cents. Errors are `ValueError` with an Italian message, shown to the organiser.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

CENT = Decimal("0.01")

Key = TypeVar("Key", bound=Hashable)


def _decimal(value: Decimal | int | str, what: str) -> Decimal:
    if isinstance(value, float):
        raise TypeError(f"{what}: usare Decimal, non float.")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{what}: il valore deve essere un numero finito.")
    return number


def _whole_cents(value: Decimal | int | str, what: str) -> Decimal:
    number = _decimal(value, what)
    if number != number.quantize(CENT):
        raise ValueError(f"{what}: l'importo deve essere in centesimi interi.")
    return number.quantize(CENT)


def exact(value, places: str = "0.01") -> Decimal:
    """A database sum back to exact decimals.

    SQLite adds decimals as floating point, so a sum of cents can come back as
    30.6000000000000; the error is far below the last place, and quantizing removes it.
    """
    return (value or Decimal(0)).quantize(Decimal(places))


def commitment(firm: Decimal, tolerance: Decimal, unit_price: Decimal, percent: Decimal):
    """The most an order line can cost once allocated: all its tolerance, the base price,
    the fund's share."""
    return cents((firm + tolerance) * unit_price * (1 + percent / 100))


def cents(amount: Decimal | int | str) -> Decimal:
    """Round to the cent, halves away from zero (ROUND_HALF_UP), as Italian receipts do."""
    return _decimal(amount, "Importo").quantize(CENT, rounding=ROUND_HALF_UP)


def split_largest_remainder(total: Decimal, weights: Mapping[Key, Decimal]) -> dict[Key, Decimal]:
    """Split `total` into cents proportional to `weights`, summing exactly to `total`.

    Each key gets the floor of its exact share in cents; the cents left over go one each to
    the largest remainders, ties to the smaller key (keys are sorted). A negative total (a
    refund) is split like its absolute value, with the sign put back. So each share is less
    than one cent from its exact proportion.
    """
    total_cents = int(_whole_cents(total, "Totale da ripartire") * 100)
    decimal_weights = {key: _decimal(w, "Peso") for key, w in weights.items()}
    if any(weight < 0 for weight in decimal_weights.values()):
        raise ValueError("I pesi della ripartizione non possono essere negativi.")
    # Scaled to whole numbers by one common power of ten, the weights keep their exact
    # proportions, and every share and remainder is integer arithmetic over the same
    # denominator (a round splits 45,000 lines; Fractions made this the slowest step).
    places = max((-weight.as_tuple().exponent for weight in decimal_weights.values()), default=0)
    whole_weights = {
        key: int(weight.scaleb(max(places, 0))) for key, weight in decimal_weights.items()
    }
    if sum(whole_weights.values()) == 0:
        raise ValueError("Serve almeno un peso maggiore di zero per ripartire l'importo.")

    sign = -1 if total_cents < 0 else 1
    shares = split_cents(abs(total_cents), whole_weights)
    return {key: Decimal(sign * share).scaleb(-2) for key, share in shares.items()}


def split_cents(total_cents: int, weights: Mapping[Key, int]) -> dict[Key, int]:
    """`split_largest_remainder` in whole numbers: `total_cents` (not negative) split in
    proportion to whole, non-negative `weights` with a positive sum; keys in sorted order.

    Scaling every weight by one factor changes no share, so the weights can be
    quantities in any common unit (thousandths of a kilo, steps of a product).
    """
    weight_sum = sum(weights.values())
    # Weights repeat (a round's lines share a few quantities): each distinct one is
    # divided once. Remainders are numerators over weight_sum.
    shares = {weight: divmod(total_cents * weight, weight_sum) for weight in set(weights.values())}
    floors = {key: shares[weight][0] for key, weight in weights.items()}
    leftover = total_cents - sum(floors.values())
    keys = sorted(floors)
    if leftover:
        # sorted() is stable, so equal remainders keep the sorted-key order.
        def remainder(key: Key) -> int:
            return shares[weights[key]][1]

        for key in sorted(keys, key=remainder, reverse=True)[:leftover]:
            floors[key] += 1
    if keys == list(floors):
        return floors
    return {key: floors[key] for key in keys}


@dataclass(frozen=True)
class SplitCut:
    """What `split_cents` needs to give one key its share without the other keys' weights:
    the weights' sum, and `(remainder, key)` of the last key that gets a cent of the
    leftover (None when no key does). See `split_share`."""

    weight_sum: int
    last: tuple[int, Hashable] | None


def split_cut(total_cents: int, weights: Mapping[Key, int]) -> SplitCut:
    """The cut of `split_cents(total_cents, weights)` (same arguments)."""
    weight_sum = sum(weights.values())
    floors = sum(total_cents * weight // weight_sum for weight in weights.values())
    leftover = total_cents - floors
    if not leftover:
        return SplitCut(weight_sum, None)
    ranked = sorted((-(total_cents * weight % weight_sum), key) for key, weight in weights.items())
    remainder, key = ranked[leftover - 1]
    return SplitCut(weight_sum, (-remainder, key))


def split_share(total_cents: int, weight: int, key: Hashable, cut: SplitCut) -> int:
    """The share `split_cents` gives `key` (of `weight`), from the cut of the split."""
    share, remainder = divmod(total_cents * weight, cut.weight_sum)
    if cut.last is not None and (-remainder, key) <= (-cut.last[0], cut.last[1]):
        share += 1
    return share


@dataclass(frozen=True)
class LargestRemainderCut:
    """`split_largest_remainder`'s split of `total`, for one key at a time
    (`largest_remainder_share`): the power of ten that made the weights whole, and the cut
    of the split of the total's cents."""

    total: Decimal
    places: int
    cut: SplitCut


def largest_remainder_cut(total: Decimal, weights: Mapping[Key, Decimal]) -> LargestRemainderCut:
    """The cut of `split_largest_remainder(total, weights)` (same arguments, same errors)."""
    split_largest_remainder(total, weights)
    places = max(
        max((-_decimal(w, "Peso").as_tuple().exponent for w in weights.values()), default=0), 0
    )
    total_cents = abs(int(_whole_cents(total, "Totale da ripartire") * 100))
    whole = {key: int(_decimal(w, "Peso").scaleb(places)) for key, w in weights.items()}
    return LargestRemainderCut(_whole_cents(total, "Totale"), places, split_cut(total_cents, whole))


def largest_remainder_share(cut: LargestRemainderCut, key: Hashable, weight: Decimal) -> Decimal:
    """The part `split_largest_remainder` gives `key` (of `weight`), from the split's cut."""
    total_cents = int(cut.total * 100)
    sign = -1 if total_cents < 0 else 1
    share = split_share(abs(total_cents), int(weight.scaleb(cut.places)), key, cut.cut)
    return Decimal(sign * share).scaleb(-2)


def line_price(
    family_quantity: Decimal,
    pooled_quantity: Decimal,
    base_price: Decimal,
    tiers: Iterable[tuple[Decimal, Decimal]] = (),
) -> tuple[Decimal, Decimal]:
    """Unit price and total of one family's line, the price tier chosen by the pooled quantity.

    `tiers` are `(min_quantity, unit_price)`: the tier with the highest `min_quantity` that the
    group's pooled quantity reaches applies to every family; below all tiers, `base_price`.
    Returns `(unit_price_applied, total)` with the total rounded to the cent.
    """
    family_quantity = _decimal(family_quantity, "Quantità della famiglia")
    pooled_quantity = _decimal(pooled_quantity, "Quantità del gruppo")
    unit_price = _decimal(base_price, "Prezzo base")
    if family_quantity < 0 or pooled_quantity < 0:
        raise ValueError("Le quantità non possono essere negative.")
    if unit_price < 0:
        raise ValueError("Il prezzo non può essere negativo.")
    parsed = [
        (_decimal(minimum, "Soglia"), _decimal(price, "Prezzo a scaglione"))
        for minimum, price in tiers
    ]
    thresholds = [minimum for minimum, _ in parsed]
    if len(set(thresholds)) != len(thresholds):
        raise ValueError("Due scaglioni di prezzo hanno la stessa soglia.")
    if any(price < 0 for _, price in parsed):
        raise ValueError("Il prezzo non può essere negativo.")
    reached = [(minimum, price) for minimum, price in parsed if pooled_quantity >= minimum]
    if reached:
        unit_price = max(reached)[1]
    return unit_price, cents(family_quantity * unit_price)


@dataclass(frozen=True)
class VatLine:
    """The gross (VAT-included) amount at one rate, split into taxable base and VAT."""

    rate: Decimal
    gross: Decimal
    base: Decimal
    vat: Decimal


def vat_breakdown(lines: Iterable[tuple[Decimal, Decimal]]) -> dict[Decimal, VatLine]:
    """Taxable base and VAT per rate, from `(gross, rate_percent)` lines.

    Prices are VAT-included, as in Italian retail. The gross is summed per rate first and
    the base is worked out once from that sum (gross / (1 + rate/100), rounded to the cent,
    halves up); the VAT is the difference, so base + VAT equals the gross to the cent.
    Rates come back in increasing order.
    """
    gross_by_rate: dict[Decimal, Decimal] = {}
    for gross, rate in lines:
        gross = _whole_cents(gross, "Importo lordo")
        rate = _decimal(rate, "Aliquota IVA")
        if rate < 0:
            raise ValueError("L'aliquota IVA non può essere negativa.")
        gross_by_rate[rate] = gross_by_rate.get(rate, Decimal("0.00")) + gross
    breakdown = {}
    for rate in sorted(gross_by_rate):
        gross = gross_by_rate[rate]
        base = cents(gross / (1 + rate / 100))
        breakdown[rate] = VatLine(rate=rate, gross=gross, base=base, vat=gross - base)
    return breakdown


def fund_share(amount: Decimal, percent: Decimal) -> Decimal:
    """One family's contribution to the common fund: `percent` of `amount`, to the cent."""
    amount = _decimal(amount, "Importo")
    percent = _decimal(percent, "Percentuale")
    if not 0 <= percent <= 100:
        raise ValueError("La percentuale per la cassa comune deve essere tra 0 e 100.")
    return cents(amount * percent / 100)


def fund_total(shares: Iterable[Decimal]) -> Decimal:
    """The fund's ledger entry: the sum of the rounded shares, so the two always agree."""
    return sum((_decimal(share, "Quota") for share in shares), Decimal("0.00"))
