"""The equivalence scales: a household's economic indicator as a pure function.

indicator = ISE (or declared income) / equivalence parameter, rounded to the cent
(ROUND_HALF_UP). The parameter is the scale's base value for the number of members plus
the increments the household qualifies for. Scales are data (tariffs.models.Scale keeps
their coefficients as JSON, versioned by validity dates); this module only reads them.

The ISEE scale (DPCM 5 dicembre 2013, n. 159, allegato 1; values in force since 2015):

    members                     1     2     3     4     5     each further member
    base parameter              1,00  1,57  2,04  2,46  2,85  + 0,35
    three children              + 0,20
    four children               + 0,35
    five or more children       + 0,50
    minor children, all parents working (both, or the only one) at least 6 months  + 0,20
    ... if at least one child is under 3                                           + 0,30
    each member with a disability (media, grave, non autosufficienza)             + 0,50

The last row is the DPCM's original increment: since L. 89/2016 the ISEE treats disability
through deductions from income instead, which a calculator working from a declared ISE
cannot reproduce; the increment stays in the default scale as the closest stand-in, and
staff may set it to 0 in the admin. The single-parent increment is not modelled.

No official Fattore Famiglia table is public (each municipality sets its own, e.g. under
the Lombard L.R. 10/2017): EXAMPLE_FATTORE_FAMIGLIA is a documented example, the ISEE
scale plus 0,10 for each child, and larger increments for large families, young children
and disability. It is an illustration, not a norm.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
MAX_MEMBERS = 20
MAX_AMOUNT = Decimal("100000000")  # 100 million euros: beyond it, a typing error
ADULT_AGE = 18
YOUNG_CHILD_AGE = 3


def to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Household:
    """What a family declares: adults, children's ages, disabilities, work and ISE."""

    adults: int
    children_ages: tuple[int, ...] = ()
    disabled_members: int = 0
    all_parents_work: bool = False
    ise: Decimal = Decimal("0")

    @property
    def members(self) -> int:
        return self.adults + len(self.children_ages)

    @property
    def children(self) -> int:
        return len(self.children_ages)

    @property
    def minor_children(self) -> int:
        return sum(1 for age in self.children_ages if age < ADULT_AGE)

    @property
    def young_children(self) -> int:
        return sum(1 for age in self.children_ages if age < YOUNG_CHILD_AGE)


@dataclass(frozen=True)
class ScaleCoefficients:
    """A scale's coefficients. `base[i]` is the parameter for i + 1 members;
    `large_family` maps a number of children to the increment from that number on."""

    base: tuple[Decimal, ...]
    extra_member: Decimal
    large_family: tuple[tuple[int, Decimal], ...] = ()
    minors_working_parents: Decimal = Decimal("0")
    young_child_working_parents: Decimal = Decimal("0")
    per_disabled_member: Decimal = Decimal("0")
    per_child: Decimal = Decimal("0")

    def as_data(self) -> dict:
        return {
            "base": [str(value) for value in self.base],
            "extra_member": str(self.extra_member),
            "large_family": [[count, str(value)] for count, value in self.large_family],
            "minors_working_parents": str(self.minors_working_parents),
            "young_child_working_parents": str(self.young_child_working_parents),
            "per_disabled_member": str(self.per_disabled_member),
            "per_child": str(self.per_child),
        }


def _d(text: str) -> Decimal:
    return Decimal(text)


ISEE_SCALE = ScaleCoefficients(
    base=(_d("1.00"), _d("1.57"), _d("2.04"), _d("2.46"), _d("2.85")),
    extra_member=_d("0.35"),
    large_family=((3, _d("0.20")), (4, _d("0.35")), (5, _d("0.50"))),
    minors_working_parents=_d("0.20"),
    young_child_working_parents=_d("0.30"),
    per_disabled_member=_d("0.50"),
)

EXAMPLE_FATTORE_FAMIGLIA = ScaleCoefficients(
    base=ISEE_SCALE.base,
    extra_member=_d("0.35"),
    large_family=((3, _d("0.30")), (4, _d("0.50")), (5, _d("0.80"))),
    minors_working_parents=_d("0.20"),
    young_child_working_parents=_d("0.40"),
    per_disabled_member=_d("0.60"),
    per_child=_d("0.10"),
)


@dataclass(frozen=True)
class Step:
    """One line of the explanation: what was added or computed, and the running value."""

    label: str
    amount: Decimal


@dataclass(frozen=True)
class Indicator:
    parameter: Decimal
    value: Decimal
    steps: tuple[Step, ...]


# --- Validation ----------------------------------------------------------------------------


def validate_household(household: Household) -> None:
    errors: dict[str, list[str]] = {}
    if household.adults < 1:
        errors["adults"] = [_("Il nucleo deve avere almeno un adulto.")]
    if household.members > MAX_MEMBERS:
        errors["adults"] = [_("Un nucleo di al massimo %(max)d componenti.") % {"max": MAX_MEMBERS}]
    if any(age < 0 or age > 120 for age in household.children_ages):
        errors["children_ages"] = [_("L'età di un figlio va da 0 a 120 anni.")]
    if household.disabled_members < 0 or household.disabled_members > household.members:
        errors["disabled_members"] = [
            _("I componenti con disabilità vanno da 0 al numero dei componenti (%(n)d).")
            % {"n": household.members}
        ]
    if household.ise < 0:
        errors["ise"] = [_("L'ISE o il reddito dichiarato non può essere negativo.")]
    elif household.ise > MAX_AMOUNT:
        errors["ise"] = [_("L'ISE o il reddito dichiarato supera 100 milioni di euro.")]
    if errors:
        raise ValidationError(errors)


def _decimal(value, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(
            _("Coefficiente non numerico in «%(where)s».") % {"where": where}
        ) from None
    if not number.is_finite() or number < 0 or number > 100:
        raise ValidationError(_("Il coefficiente in «%(where)s» va da 0 a 100.") % {"where": where})
    return number


def scale_from_data(data: dict) -> ScaleCoefficients:
    """The coefficients of a scale stored as JSON, checked so that the indicator never rises
    with more members or more children: base values strictly increasing, increments at
    least 0, large-family increments not decreasing with the number of children, the
    young-child increment at least the minors' one."""
    if not isinstance(data, dict):
        raise ValidationError(_("I coefficienti della scala sono un oggetto JSON."))
    raw_base = data.get("base")
    if not isinstance(raw_base, list) or not raw_base:
        raise ValidationError(_("«base»: un elenco di valori, dal nucleo di 1 componente."))
    base = tuple(_decimal(value, f"base[{index}]") for index, value in enumerate(raw_base))
    if base[0] <= 0:
        raise ValidationError(_("«base»: il parametro per 1 componente è maggiore di 0."))
    if any(later <= earlier for earlier, later in itertools.pairwise(base)):
        raise ValidationError(_("«base»: ogni valore deve superare il precedente."))
    raw_large = data.get("large_family", [])
    if not isinstance(raw_large, list):
        raise ValidationError(_("«large_family»: un elenco di coppie [figli, maggiorazione]."))
    large = []
    for index, pair in enumerate(raw_large):
        if (
            not isinstance(pair, list | tuple)
            or len(pair) != 2
            or not isinstance(pair[0], int)
            or pair[0] < 1
        ):
            raise ValidationError(
                _("«large_family»[%(i)d]: una coppia [numero di figli, maggiorazione].")
                % {"i": index}
            )
        large.append((pair[0], _decimal(pair[1], f"large_family[{index}]")))
    large.sort()
    for (count_a, value_a), (count_b, value_b) in itertools.pairwise(large):
        if count_a == count_b or value_b < value_a:
            raise ValidationError(
                _(
                    "«large_family»: un numero di figli per riga e maggiorazioni che non "
                    "diminuiscono con i figli."
                )
            )
    coefficients = ScaleCoefficients(
        base=base,
        extra_member=_decimal(data.get("extra_member", "0"), "extra_member"),
        large_family=tuple(large),
        minors_working_parents=_decimal(
            data.get("minors_working_parents", "0"), "minors_working_parents"
        ),
        young_child_working_parents=_decimal(
            data.get("young_child_working_parents", "0"), "young_child_working_parents"
        ),
        per_disabled_member=_decimal(data.get("per_disabled_member", "0"), "per_disabled_member"),
        per_child=_decimal(data.get("per_child", "0"), "per_child"),
    )
    if coefficients.extra_member <= 0:
        raise ValidationError(
            _("«extra_member»: la maggiorazione per ogni altro componente è maggiore di 0.")
        )
    if coefficients.young_child_working_parents < coefficients.minors_working_parents:
        raise ValidationError(
            _("«young_child_working_parents» non può essere minore di «minors_working_parents».")
        )
    return coefficients


# --- Computation ---------------------------------------------------------------------------


def base_parameter(scale: ScaleCoefficients, members: int) -> Decimal:
    if members <= len(scale.base):
        return scale.base[members - 1]
    return scale.base[-1] + scale.extra_member * (members - len(scale.base))


def large_family_increment(scale: ScaleCoefficients, children: int) -> Decimal:
    increment = Decimal("0")
    for count, value in scale.large_family:
        if children >= count:
            increment = value
    return increment


def _label(kind: str, household: Household) -> str:
    """The words of one step (translated only when an explanation is asked for)."""
    if kind == "base":
        return _("Parametro di base per %(n)d componenti") % {"n": household.members}
    if kind == "large_family":
        return _("Maggiorazione per %(n)d figli") % {"n": household.children}
    if kind == "young_child_working_parents":
        return _("Maggiorazione per figli sotto i 3 anni con genitori che lavorano")
    if kind == "minors_working_parents":
        return _("Maggiorazione per figli minorenni con genitori che lavorano")
    if kind == "disability":
        return _("Maggiorazione per %(n)d componenti con disabilità") % {
            "n": household.disabled_members
        }
    if kind == "per_child":
        return _("Maggiorazione per figlio (%(n)d figli)") % {"n": household.children}
    if kind == "parameter":
        return _("Parametro della scala")
    if kind == "ise":
        return _("ISE o reddito dichiarato")
    return _("Indicatore = ISE ÷ parametro, arrotondato al centesimo")


def compute(household: Household, scale: ScaleCoefficients, *, explain: bool = True) -> Indicator:
    """The household's indicator under the scale, with the steps that led to it (none when
    `explain` is False: a reform simulation over thousands of households needs no words)."""
    validate_household(household)
    parameter = base_parameter(scale, household.members)
    parts: list[tuple[str, Decimal]] = [("base", parameter)]
    large = large_family_increment(scale, household.children)
    if large:
        parameter += large
        parts.append(("large_family", large))
    if household.all_parents_work and household.minor_children:
        if household.young_children:
            kind, increment = "young_child_working_parents", scale.young_child_working_parents
        else:
            kind, increment = "minors_working_parents", scale.minors_working_parents
        if increment:
            parameter += increment
            parts.append((kind, increment))
    if household.disabled_members and scale.per_disabled_member:
        increment = scale.per_disabled_member * household.disabled_members
        parameter += increment
        parts.append(("disability", increment))
    if household.children and scale.per_child:
        increment = scale.per_child * household.children
        parameter += increment
        parts.append(("per_child", increment))
    value = to_cents(household.ise / parameter)
    if not explain:
        return Indicator(parameter=parameter, value=value, steps=())
    parts += [("parameter", parameter), ("ise", to_cents(household.ise)), ("value", value)]
    steps = tuple(Step(_label(kind, household), amount) for kind, amount in parts)
    return Indicator(parameter=parameter, value=value, steps=steps)


# --- Preview (the admin's live preview of a scale being edited) ------------------------------

PREVIEW_ISE = Decimal("20000")
PREVIEW_HOUSEHOLDS = (
    Household(adults=1, ise=PREVIEW_ISE),
    Household(adults=2, ise=PREVIEW_ISE),
    Household(adults=2, children_ages=(8,), ise=PREVIEW_ISE),
    Household(adults=1, children_ages=(1,), all_parents_work=True, ise=PREVIEW_ISE),
    Household(adults=2, children_ages=(1, 6), all_parents_work=True, ise=PREVIEW_ISE),
    Household(adults=2, children_ages=(4, 9, 13), ise=PREVIEW_ISE),
    Household(adults=2, children_ages=(2, 5, 9, 12), all_parents_work=True, ise=PREVIEW_ISE),
    Household(adults=2, children_ages=(1, 3, 6, 9, 14), ise=PREVIEW_ISE),
    Household(adults=2, children_ages=(10,), disabled_members=1, ise=PREVIEW_ISE),
)


def preview_rows(scale: ScaleCoefficients) -> list[tuple[Household, Indicator, Indicator]]:
    """Typical households under the ISEE scale and under `scale`, at the same ISE."""
    return [
        (household, compute(household, ISEE_SCALE), compute(household, scale))
        for household in PREVIEW_HOUSEHOLDS
    ]
