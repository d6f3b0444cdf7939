"""What a round's order page and its live socket both show, shaped from the selectors.

The product rows with their prices laid out, whether the family has ordered, the family's
estimated bill (its bill once the round is closed), and the profile page's GAF section.
The page (gaf.views.family) and the socket (gaf.consumers) render the same templates from
these, so a number never reads differently live than after a reload.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.forms import BoundField
from django.http import HttpRequest

from gaf import rules, selectors
from gaf.models import OrderRound, RoundState
from gaf.rounds import CHARGED_STATES
from hub.models import Family

if TYPE_CHECKING:
    from gaf.forms_family import OrderForm

PROFILE_ROUNDS = 5


@dataclass(frozen=True)
class ProductRow:
    """What the order page shows about one product (a selectors.ProductStatus, laid out).

    Prices stay Decimals: the templates write them with `|money` and `|euro` (hub.formatting).
    """

    status: selectors.ProductStatus
    unit_price: Decimal
    current_price: Decimal
    tiers: list[tuple[Decimal, Decimal]]  # (from quantity, unit price)
    case_filled: Decimal | None
    case_percent: int | None
    next_tier_price: Decimal | None
    firm_field: BoundField | None
    tolerance_field: BoundField | None


def product_rows(
    statuses: list[selectors.ProductStatus], form: OrderForm | None
) -> list[ProductRow]:
    rows = []
    for status in statuses:
        product, pool = status.round_product, status.pool
        firm_field, tolerance_field = form.fields_for(product.pk) if form else (None, None)
        case_filled = case_percent = None
        if product.case_size is not None and pool.missing_to_next_case is not None:
            case_filled = product.case_size - pool.missing_to_next_case
            case_percent = int(case_filled * 100 / product.case_size)
        rows.append(
            ProductRow(
                status=status,
                unit_price=product.unit_price,
                current_price=pool.unit_price,
                tiers=[(Decimal(low), Decimal(price)) for low, price in product.price_tiers],
                case_filled=case_filled,
                case_percent=case_percent,
                next_tier_price=None if pool.next_tier is None else Decimal(pool.next_tier[1]),
                firm_field=firm_field,
                tolerance_field=tolerance_field,
            )
        )
    return rows


def has_order(statuses: list[selectors.ProductStatus]) -> bool:
    return any(status.family_firm or status.family_tolerance for status in statuses)


def family_estimate(round: OrderRound, family: Family | None):
    """The family's slip: what it would pay if the round closed now, its bill once closed."""
    if family is None or not (round.state == RoundState.OPEN or round.state in CHARGED_STATES):
        return None
    slip, _supplier_order = selectors.round_documents_for_family(round, family)
    return slip


def profile_groups_context(request: HttpRequest) -> dict:
    """The profile page's GAF section: the family's groups and its rounds closing soonest."""
    user = request.user
    return {
        "gaf_groups": list(selectors.groups_of(user)),
        "gaf_open_rounds": list(selectors.open_rounds_for(user)[:PROFILE_ROUNDS]),
        "gaf_has_family": rules.family_id_of(user) is not None,
    }
