"""Family purchase groups (GAF): groups, suppliers, products, order rounds, money, the fund.

Quantities are `Decimal` in the product's unit (kg, l, pieces), with three places. Every
product has a `multiple` (the step a family orders in: 1 piece, 0.5 kg); the firm quantity,
the tolerance, the case size and the minimum per family are multiples of it. The pure
allocation (gaf.allocation) works on whole units, so the round converts each quantity to
whole *steps* (`quantity / multiple`) before allocating and back afterwards
(gaf.rounds). Delivered quantities are weighed, not ordered, so they need not be multiples.

A round's products are frozen when it opens: `RoundProduct` copies the catalogue's price,
tiers, VAT rate, case size, minimum, multiple and maximum, and the round uses only the copy.

Money is `Decimal`, VAT included (Italian retail prices): unit prices with four places,
amounts with two (whole cents). The results of a close (allocations, prices, the family
totals) are stored on `RoundProduct`, `OrderLine` and `Order` and recomputed by the services
whenever their inputs change (reopening, delivery, shared costs).
"""

from gaf.models.catalogue import Product, ProductPriceTier, Supplier
from gaf.models.chat import (
    ChatEvent,
    ChatEventKind,
    ChatMessage,
    ChatPresence,
    ChatReadState,
    ChatRoom,
    SystemKind,
)
from gaf.models.common import AMOUNT, PERCENT, QUANTITY, UNIT_PRICE, AllocationPolicy, Unit, VatRate
from gaf.models.groups import GroupJoinRequest, GroupMembership, PickupPoint, PurchaseGroup
from gaf.models.ledger import (
    FundDisbursement,
    FundDisbursementApproval,
    FundEntry,
    FundEntryKind,
    Payment,
)
from gaf.models.rounds import (
    Order,
    OrderChange,
    OrderLine,
    OrderRound,
    RoundProduct,
    RoundState,
    SharedCost,
    SplitBasis,
)

__all__ = [
    "AMOUNT",
    "PERCENT",
    "QUANTITY",
    "UNIT_PRICE",
    "AllocationPolicy",
    "ChatEvent",
    "ChatEventKind",
    "ChatMessage",
    "ChatPresence",
    "ChatReadState",
    "ChatRoom",
    "FundDisbursement",
    "FundDisbursementApproval",
    "FundEntry",
    "FundEntryKind",
    "GroupJoinRequest",
    "GroupMembership",
    "Order",
    "OrderChange",
    "OrderLine",
    "OrderRound",
    "Payment",
    "PickupPoint",
    "Product",
    "ProductPriceTier",
    "PurchaseGroup",
    "RoundProduct",
    "RoundState",
    "SharedCost",
    "SplitBasis",
    "Supplier",
    "SystemKind",
    "Unit",
    "VatRate",
]
