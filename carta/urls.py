"""Routes of the Carta Famiglia (each with its access policy)."""

from carta import views
from hub import access

app_name = "carta"


def _route(route_str, view, name, policy):
    return access.route(route_str, view, name=name, policy=policy, namespace=app_name)


CARD_FAMILY = access.object_policy("carta.rules.may_see_card", "the card's family")
MANAGE_SHOP = access.object_policy(
    "carta.rules.may_manage_shop", "operators of the shop (approved), and network staff"
)
# Anyone holding the link sees which shop invites them; only the invited person, signed in
# with that address, accepts it.
INVITATION_LINK = access.Policy(
    "carta_invitation_link",
    "anyone with the link reads the invitation; the invited person, signed in with that "
    "address, accepts it",
    object_rule="carta.shop_services.shop_invitation_accept",
)

urlpatterns = [
    _route(
        "",
        views.card,
        "card",
        CARD_FAMILY,
    ),
    _route("richiedi/", views.card_request, "request", access.AUTHENTICATED),
    _route(
        "nuovo-qr/",
        views.card_new_token,
        "new_token",
        CARD_FAMILY,
    ),
    _route(
        "rinnova/",
        views.card_renew,
        "renew",
        CARD_FAMILY,
    ),
    _route(
        "stampa/",
        views.card_print,
        "print",
        CARD_FAMILY,
    ),
    _route(
        "verifica/",
        views.verify,
        "verify",
        access.object_policy("carta.rules.is_shop_operator", "operators of an approved shop"),
    ),
    _route("staff/", views.staff_cards, "staff_cards", access.STAFF),
    _route("staff/<int:pk>/", views.staff_card, "staff_card", access.STAFF),
    _route("esercizi/aderisci/", views.shop_join, "shop_join", access.PUBLIC),
    _route("esercizi/aderisci/inviata/", views.shop_join_sent, "shop_join_sent", access.PUBLIC),
    _route("staff/esercizi/", views.staff_shops, "staff_shops", access.STAFF),
    _route("staff/esercizi/<int:pk>/", views.staff_shop, "staff_shop", access.STAFF),
    _route(
        "esercente/offerte/",
        views.operator_offers,
        "operator_offers",
        access.object_policy("carta.rules.is_shop_operator", "operators of the shop"),
    ),
    _route(
        "esercente/offerte/nuova/",
        views.operator_offer,
        "operator_offer_new",
        access.object_policy("carta.rules.is_shop_operator", "operators of the shop"),
    ),
    _route(
        "esercente/offerte/<int:pk>/",
        views.operator_offer,
        "operator_offer",
        access.object_policy("carta.rules.may_manage_offer", "operators of the offer's shop"),
    ),
    _route(
        "esercente/esercizio/",
        views.operator_shop_home,
        "operator_shop_home",
        access.object_policy("carta.rules.is_shop_operator", "operators of the shop"),
    ),
    _route("esercente/esercizi/<int:pk>/", views.operator_shop, "operator_shop", MANAGE_SHOP),
    _route(
        "esercente/esercizi/<int:pk>/punti-vendita/nuovo/",
        views.operator_outlet,
        "operator_outlet_new",
        MANAGE_SHOP,
    ),
    _route(
        "esercente/esercizi/<int:pk>/punti-vendita/<int:outlet_pk>/",
        views.operator_outlet,
        "operator_outlet",
        MANAGE_SHOP,
    ),
    _route(
        "esercente/esercizi/<int:pk>/punti-vendita/<int:outlet_pk>/elimina/",
        views.operator_outlet_delete,
        "operator_outlet_delete",
        MANAGE_SHOP,
    ),
    _route(
        "esercente/esercizi/<int:pk>/operatori/invita/",
        views.operator_invite,
        "operator_invite",
        MANAGE_SHOP,
    ),
    _route(
        "esercente/esercizi/<int:pk>/operatori/inviti/<int:invitation_pk>/revoca/",
        views.operator_invitation_revoke,
        "operator_invitation_revoke",
        MANAGE_SHOP,
    ),
    _route(
        "esercente/esercizi/<int:pk>/operatori/<int:user_pk>/rimuovi/",
        views.operator_remove,
        "operator_remove",
        access.object_policy(
            "carta.rules.may_remove_operator", "operators of the shop, and network staff"
        ),
    ),
    _route(
        "esercente/invito/<str:token>/",
        views.operator_invitation,
        "operator_invitation",
        INVITATION_LINK,
    ),
    _route("negozi/", views.directory, "directory", access.PUBLIC),
    _route("negozi/mappa/", views.directory_map, "directory_map", access.PUBLIC),
    _route("negozi/<int:pk>/", views.shop_page, "shop_page", access.PUBLIC),
    _route("negozi/dati.csv", views.directory_csv, "directory_csv", access.PUBLIC),
    _route("negozi/dati.json", views.directory_json, "directory_json", access.PUBLIC),
]
