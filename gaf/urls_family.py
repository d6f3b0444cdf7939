"""Routes of the families' GAF pages and the public Fondo Solidale page, each with its
access policy (hub.access).

Routes about one group, round or order are for signed-in people and the view asks the
named rule of gaf.rules; whoever the rule refuses gets 404, so nothing reveals that a
group's rounds or another family's orders exist. The fixed paths (ordini, notifiche,
fondo-solidale, giri, chat) come before the group's slug.
"""

from gaf.views import chat, family, public
from hub import access

app_name = "gaf"

GROUP_VIEWER = access.object_policy(
    "gaf.rules.can_view_group", "signed-in people (members see the group's rounds)"
)
JOIN_REQUESTER = access.object_policy(
    "gaf.rules.can_request_join", "a family that is not yet a member of the group"
)
ROUND_VIEWER = access.object_policy(
    "gaf.rules.can_view_round", "the member families of the round's group"
)
ORDER_VIEWER = access.object_policy(
    "gaf.rules.can_view_order", "the order's family, and the round's organisers"
)
ROOM_READER = access.object_policy(
    "gaf.rules.can_read_room", "the member families of the room's group, and network staff"
)
BALANCE_VIEWER = access.object_policy(
    "gaf.rules.can_view_balance", "a member family (its own balance in the group)"
)


def _route(route_str, view, name, policy):
    return access.route(route_str, view, name=name, policy=policy, namespace=app_name)


urlpatterns = [
    _route("gaf/", family.index, "index", access.PUBLIC),
    _route("gaf/fondo-solidale/", public.fund, "fund", access.PUBLIC),
    _route("gaf/ordini/", family.my_orders, "my_orders", access.AUTHENTICATED),
    _route("gaf/ordini/<int:order_id>/", family.order_detail, "order", ORDER_VIEWER),
    _route(
        "gaf/ordini/<int:order_id>/ricevuta.pdf",
        family.order_receipt,
        "order_receipt",
        ORDER_VIEWER,
    ),
    _route("gaf/notifiche/", family.notifications, "notifications", access.AUTHENTICATED),
    # The chat: its JSON history and its actions by room (gaf.views.chat).
    _route("gaf/chat/<int:room_id>/messaggi/", chat.room_messages, "chat_messages", ROOM_READER),
    _route(
        "gaf/chat/<int:room_id>/messaggi/<int:message_id>/modifica/",
        chat.message_edit,
        "chat_edit",
        ROOM_READER,
    ),
    _route(
        "gaf/chat/<int:room_id>/messaggi/<int:message_id>/elimina/",
        chat.message_delete,
        "chat_delete",
        ROOM_READER,
    ),
    _route(
        "gaf/chat/<int:room_id>/messaggi/<int:message_id>/fissa/",
        chat.message_pin,
        "chat_pin",
        ROOM_READER,
    ),
    _route("gaf/chat/<int:room_id>/letti/", chat.mark_read, "chat_read", ROOM_READER),
    _route("gaf/chat/<int:room_id>/persone/", chat.room_people, "chat_members", ROOM_READER),
    # Links in e-mails name the round by its id alone (gaf.links.round_url).
    _route("gaf/giri/<int:pk>/", family.round_redirect, "round_detail", ROUND_VIEWER),
    _route("gaf/<slug:group_slug>/", family.group_detail, "group", GROUP_VIEWER),
    _route("gaf/<slug:group_slug>/aderisci/", family.group_join, "group_join", JOIN_REQUESTER),
    _route("gaf/<slug:group_slug>/saldo/", family.balance, "balance", BALANCE_VIEWER),
    _route("gaf/<slug:group_slug>/chat/", chat.group_chat, "chat", ROOM_READER),
    _route(
        "gaf/<slug:group_slug>/giri/<int:round_id>/chat/",
        chat.round_chat,
        "round_chat",
        ROOM_READER,
    ),
    _route(
        "gaf/<slug:group_slug>/giri/<int:round_id>/",
        family.round_detail,
        "round",
        ROUND_VIEWER,
    ),
]
