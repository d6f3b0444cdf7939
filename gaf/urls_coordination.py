"""Routes of the coordinators' screens, each with its access policy (hub.access).

Every route is for signed-in people and the view asks the named rule of gaf.rules about
the group, round or supplier in the URL; whoever the rule refuses gets 404, so a group's
rounds and a network's suppliers do not reveal that they exist.
"""

from gaf.views.coordination import catalogue, delivery, groups, rounds, treasury
from hub import access

app_name = "gaf"

GROUP_COORDINATOR = access.object_policy("gaf.rules.can_manage_group", "the group's coordinators")
SUPPLIER_MANAGER = access.object_policy(
    "gaf.rules.can_manage_suppliers", "coordinators of a group in the supplier's network"
)
ROUND_ORGANISER = access.object_policy(
    "gaf.rules.can_view_all_orders",
    "the group's coordinators, supplier referents and treasurers, and the round's referent",
)
ROUND_COORDINATOR = access.object_policy(
    "gaf.rules.can_manage_round", "the coordinators of the round's group"
)
DELIVERY_RECORDER = access.object_policy(
    "gaf.rules.can_record_delivery",
    "the group's coordinators and supplier referents, and the round's referent",
)
TREASURER = access.object_policy("gaf.rules.can_record_payment", "the group's treasurers")
FUND_MANAGER = access.object_policy(
    "gaf.rules.can_manage_fund", "the group's coordinators (the fund is the network's)"
)


def _route(route_str, view, name, policy):
    return access.route(route_str, view, name=name, policy=policy, namespace=app_name)


GROUP = "gaf/<slug:group_slug>/coordina/"
ROUND = "gaf/<slug:group_slug>/giri/<int:round_id>/coordina/"
SUPPLIER = "gaf/fornitori/<slug:supplier_slug>/"

urlpatterns = [
    # Group management
    _route(GROUP, groups.group, "coord_group", GROUP_COORDINATOR),
    _route(GROUP + "impostazioni/", groups.group_settings, "coord_settings", GROUP_COORDINATOR),
    _route(
        GROUP + "richieste/<int:request_id>/approva/",
        groups.join_approve,
        "coord_join_approve",
        GROUP_COORDINATOR,
    ),
    _route(
        GROUP + "richieste/<int:request_id>/respingi/",
        groups.join_reject,
        "coord_join_reject",
        GROUP_COORDINATOR,
    ),
    _route(
        GROUP + "famiglie/<int:membership_id>/ruoli/",
        groups.member_roles,
        "coord_member_roles",
        GROUP_COORDINATOR,
    ),
    _route(
        GROUP + "punti-di-ritiro/nuovo/",
        groups.pickup_point_create,
        "coord_pickup_point_create",
        GROUP_COORDINATOR,
    ),
    _route(
        GROUP + "punti-di-ritiro/<int:point_id>/",
        groups.pickup_point_edit,
        "coord_pickup_point_edit",
        GROUP_COORDINATOR,
    ),
    _route(GROUP + "giri/nuovo/", rounds.round_create, "coord_round_create", GROUP_COORDINATOR),
    # Treasurer
    _route(GROUP + "cassa/", treasury.payments, "coord_payments", TREASURER),
    # Fondo Solidale
    _route(GROUP + "fondo/", treasury.fund, "coord_fund", FUND_MANAGER),
    _route(GROUP + "fondo/donazione/", treasury.fund_donation, "coord_fund_donation", FUND_MANAGER),
    _route(
        GROUP + "fondo/erogazioni/nuova/",
        treasury.fund_disbursement_request,
        "coord_fund_disbursement_request",
        FUND_MANAGER,
    ),
    _route(
        GROUP + "fondo/erogazioni/<int:disbursement_id>/approva/",
        treasury.fund_disbursement_approve,
        "coord_fund_disbursement_approve",
        FUND_MANAGER,
    ),
    _route(
        GROUP + "fondo/erogazioni/<int:disbursement_id>/respingi/",
        treasury.fund_disbursement_reject,
        "coord_fund_disbursement_reject",
        FUND_MANAGER,
    ),
    # Suppliers and products
    _route("gaf/fornitori/", catalogue.suppliers, "coord_suppliers", SUPPLIER_MANAGER),
    _route(
        "gaf/fornitori/nuovo/", catalogue.supplier_create, "coord_supplier_create", SUPPLIER_MANAGER
    ),
    _route(SUPPLIER, catalogue.supplier, "coord_supplier", SUPPLIER_MANAGER),
    _route(
        SUPPLIER + "modifica/", catalogue.supplier_edit, "coord_supplier_edit", SUPPLIER_MANAGER
    ),
    _route(
        SUPPLIER + "prodotti/nuovo/",
        catalogue.product_create,
        "coord_product_create",
        SUPPLIER_MANAGER,
    ),
    _route(
        SUPPLIER + "prodotti/<int:product_id>/",
        catalogue.product_edit,
        "coord_product_edit",
        SUPPLIER_MANAGER,
    ),
    _route(
        SUPPLIER + "prodotti/<int:product_id>/disponibilita/",
        catalogue.product_availability,
        "coord_product_availability",
        SUPPLIER_MANAGER,
    ),
    _route(SUPPLIER + "listino/", catalogue.pricelist_upload, "coord_pricelist", SUPPLIER_MANAGER),
    _route(
        SUPPLIER + "listino/modello.csv",
        catalogue.pricelist_template,
        "coord_pricelist_template",
        SUPPLIER_MANAGER,
    ),
    _route(
        SUPPLIER + "listino/applica/",
        catalogue.pricelist_apply,
        "coord_pricelist_apply",
        SUPPLIER_MANAGER,
    ),
    # Rounds
    _route(ROUND, rounds.round_detail, "coord_round", ROUND_ORGANISER),
    _route(ROUND + "modifica/", rounds.round_edit, "coord_round_edit", ROUND_COORDINATOR),
    _route(ROUND + "apri/", rounds.round_open, "coord_round_open", ROUND_COORDINATOR),
    _route(ROUND + "chiudi/", rounds.round_close, "coord_round_close", ROUND_COORDINATOR),
    _route(ROUND + "riapri/", rounds.round_reopen, "coord_round_reopen", ROUND_COORDINATOR),
    _route(ROUND + "proroga/", rounds.round_extend, "coord_round_extend", ROUND_COORDINATOR),
    _route(ROUND + "invia/", rounds.round_send, "coord_round_send", ROUND_COORDINATOR),
    _route(ROUND + "salda/", rounds.round_settle, "coord_round_settle", ROUND_COORDINATOR),
    _route(ROUND + "annulla/", rounds.round_cancel, "coord_round_cancel", ROUND_COORDINATOR),
    _route(ROUND + "consegna/", delivery.delivery, "coord_round_delivery", DELIVERY_RECORDER),
    _route(ROUND + "spese/", delivery.shared_cost_add, "coord_round_cost_add", DELIVERY_RECORDER),
    _route(
        ROUND + "spese/<int:cost_id>/rimuovi/",
        delivery.shared_cost_remove,
        "coord_round_cost_remove",
        DELIVERY_RECORDER,
    ),
    _route(
        ROUND + "ordine-fornitore.<str:file_format>",
        rounds.supplier_order_download,
        "coord_round_supplier_order",
        ROUND_ORGANISER,
    ),
    _route(
        ROUND + "foglietti-famiglie.pdf",
        rounds.family_slips_download,
        "coord_round_slips",
        ROUND_ORGANISER,
    ),
]
