"""The GAF services: the only writers of the gaf app's data (keyword-only arguments).

Views, API, consumers, tasks and commands call these; each validates before writing and
raises django's ValidationError (field by field, Italian messages) or PermissionDenied; a
change the round's state refuses raises RoundConflict, a ValidationError with a conflict
code (409 on pages and in the API).
"""

from gaf.services._common import RoundConflict
from gaf.services.accounts import (
    fund_disbursement_approve,
    fund_disbursement_reject,
    fund_disbursement_request,
    fund_donation_record,
    notification_preferences_set,
    payment_record,
)
from gaf.services.catalogue import (
    PriceListImport,
    PriceListRejected,
    Tier,
    price_list_import,
    product_create,
    product_errors,
    product_update,
    supplier_create,
    supplier_update,
)
from gaf.services.groups import (
    group_create,
    group_join_request,
    group_update,
    join_request_approve,
    join_request_reject,
    membership_set_pickup_point,
    membership_set_roles,
    pickup_point_create,
    pickup_point_update,
)
from gaf.services.orders import (
    LineInput,
    order_set_pickup_point,
    order_set_quantities,
    order_set_quantity,
)
from gaf.services.rounds import (
    delivery_remind,
    round_close,
    round_create,
    round_extend,
    round_open,
    round_remind,
    round_reopen,
    round_send_to_supplier,
    round_set_products,
    round_update,
    round_update_draft,
    shared_cost_add,
    shared_cost_remove,
)
from gaf.services.settlement import delivery_record, round_cancel, round_settle

__all__ = [
    "LineInput",
    "PriceListImport",
    "PriceListRejected",
    "RoundConflict",
    "Tier",
    "delivery_record",
    "delivery_remind",
    "fund_disbursement_approve",
    "fund_disbursement_reject",
    "fund_disbursement_request",
    "fund_donation_record",
    "group_create",
    "group_join_request",
    "group_update",
    "join_request_approve",
    "join_request_reject",
    "membership_set_pickup_point",
    "membership_set_roles",
    "notification_preferences_set",
    "order_set_pickup_point",
    "order_set_quantities",
    "order_set_quantity",
    "payment_record",
    "pickup_point_create",
    "pickup_point_update",
    "price_list_import",
    "product_create",
    "product_errors",
    "product_update",
    "round_cancel",
    "round_close",
    "round_create",
    "round_extend",
    "round_open",
    "round_remind",
    "round_reopen",
    "round_send_to_supplier",
    "round_set_products",
    "round_settle",
    "round_update",
    "round_update_draft",
    "shared_cost_add",
    "shared_cost_remove",
    "supplier_create",
    "supplier_update",
]
