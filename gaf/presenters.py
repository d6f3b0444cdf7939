"""What a round's order page shows, shaped from the selectors.

The product rows with their prices laid out, whether the family has ordered, the family's
estimated bill (its bill once the round is closed), the data and the strings the page's
live client draws its updates with (`live_page_data`: the same figures and the same
translated sentences as the templates, so a number never reads differently live than after
a reload), and the profile page's GAF section.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.forms import BoundField
from django.http import HttpRequest
from django.template.defaultfilters import floatformat
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gaf import live_totals, rules, selectors, units
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
        case_filled, case_percent = live_totals.case_progress(
            product.case_size, pool.missing_to_next_case
        )
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


def live_page_data(
    round: OrderRound,
    statuses: list[selectors.ProductStatus],
    family: Family | None,
    slip,
) -> dict:
    """What the page's live client (frontend/src/gaf-round.js) starts from: the round's
    change number, each product's terms and pool, the family's part (as the socket sends
    it, gaf.consumers.round_pool.family_part), the strings and the number format."""
    text = live_totals.decimal_text
    products, pools, lines, prices = {}, {}, {}, {}
    for status in statuses:
        product, pool = status.round_product, status.pool
        key = str(product.pk)
        products[key] = {
            "name": product.name,
            "unit": {
                "one": units.unit_text(product.unit),
                "many": units.unit_text(product.unit, 2),
            },
            "case_size": text(product.case_size),
            "unit_price": text(product.unit_price),
            "tiers": [[str(low), str(price)] for low, price in product.price_tiers],
        }
        pools[key] = live_totals.pool_data(product.case_size, pool)
        if status.family_firm or status.family_tolerance:
            lines[key] = {
                "firm": text(status.family_firm),
                "tolerance": text(status.family_tolerance),
                "receive": text(pool.family_would_receive),
            }
        prices[product.pk] = pool.unit_price
    family_part = None
    if family is not None:
        saved = {
            status.round_product.pk: (status.family_firm, status.family_tolerance)
            for status in statuses
        }
        family_part = {
            "lines": lines,
            "has_order": has_order(statuses),
            "bill": None
            if slip is None
            else {
                "goods": text(slip.goods_total),
                "fund": text(slip.fund_share),
                "shared": text(slip.shared_costs),
                "total": text(slip.total),
            },
            "basket": text(live_totals.saved_basket(saved, prices, round.fund_percent)),
        }
    return {
        "version": round.last_sequence,
        "fund_percent": text(round.fund_percent),
        "products": products,
        "pools": pools,
        "family": family_part,
        "strings": live_strings(round),
        "format": {
            "decimal": get_format("DECIMAL_SEPARATOR"),
            "thousands": get_format("THOUSAND_SEPARATOR"),
            "grouping": get_format("NUMBER_GROUPING"),
        },
    }


def live_strings(round: OrderRound) -> dict:
    """The sentences of gaf/templates/gaf/includes/product_pool.html and
    order_totals_body.html (while the round takes orders), translated, with their
    `%(name)s` placeholders for the client to fill."""
    return {
        "pooled": _("Il gruppo ne ha ordinati %(firm)s %(unit)s"),
        "pooled_tolerance": _("(più %(tolerance)s %(unit)s di tolleranza)"),
        "remaining": _("Ancora disponibili: %(remaining)s %(unit)s."),
        "case_missing": _("mancano %(missing)s %(unit)s per completare la cassa"),
        "case_new": _("servono %(missing)s %(unit)s per una nuova cassa"),
        "full_cases": [
            ngettext("%(cases)s cassa completa", "%(cases)s casse complete", count)
            for count in (1, 2)
        ],
        "no_full_case": _("Nessuna cassa ancora completa"),
        "tolerance_completes": _("con le tolleranze la cassa si completa"),
        "case_label": _("Cassa in corso di %(name)s"),
        "next_tier": _(
            "Prossimo sconto: da %(minimum)s %(unit)s %(price)s €/%(per_unit)s, mancano "
            "%(missing)s %(missing_unit)s."
        ),
        "ordered": _("Hai ordinato %(firm)s %(unit)s"),
        "would_receive": _("Se il giro chiudesse ora riceveresti %(quantity)s %(unit)s."),
        "goods": _("Merce"),
        "fund": _("Fondo Solidale (%(percent)s%%)")
        % {"percent": floatformat(round.fund_percent, "-2")},
        "shared": _("Spese comuni"),
        "total": _("Totale"),
        "nothing_yet": _(
            "Se il giro chiudesse ora non riceveresti nulla: le casse dei prodotti che hai "
            "scelto non sono ancora complete."
        ),
        "no_order": _("Non hai ancora ordinato nulla."),
    }


def profile_groups_context(request: HttpRequest) -> dict:
    """The profile page's GAF section: the family's groups and its rounds closing soonest."""
    user = request.user
    return {
        "gaf_groups": list(selectors.groups_of(user)),
        "gaf_open_rounds": list(selectors.open_rounds_for(user)[:PROFILE_ROUNDS]),
        "gaf_has_family": rules.family_id_of(user) is not None,
    }
