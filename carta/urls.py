"""Routes of the Carta Famiglia (each with its access policy)."""

from carta import views
from hub import access

app_name = "carta"

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
    access.route(
        "",
        views.card,
        name="card",
        policy=access.object_policy("carta.rules.may_see_card", "the card's family"),
        namespace=app_name,
    ),
    access.route(
        "richiedi/",
        views.card_request,
        name="request",
        policy=access.AUTHENTICATED,
        namespace=app_name,
    ),
    access.route(
        "nuovo-qr/",
        views.card_new_token,
        name="new_token",
        policy=access.object_policy("carta.rules.may_see_card", "the card's family"),
        namespace=app_name,
    ),
    access.route(
        "rinnova/",
        views.card_renew,
        name="renew",
        policy=access.object_policy("carta.rules.may_see_card", "the card's family"),
        namespace=app_name,
    ),
    access.route(
        "stampa/",
        views.card_print,
        name="print",
        policy=access.object_policy("carta.rules.may_see_card", "the card's family"),
        namespace=app_name,
    ),
    access.route(
        "verifica/",
        views.verify,
        name="verify",
        policy=access.object_policy(
            "carta.rules.is_shop_operator", "operators of an approved shop"
        ),
        namespace=app_name,
    ),
    access.route(
        "staff/", views.staff_cards, name="staff_cards", policy=access.STAFF, namespace=app_name
    ),
    access.route(
        "staff/<int:pk>/",
        views.staff_card,
        name="staff_card",
        policy=access.STAFF,
        namespace=app_name,
    ),
    access.route(
        "esercizi/aderisci/",
        views.shop_join,
        name="shop_join",
        policy=access.PUBLIC,
        namespace=app_name,
    ),
    access.route(
        "esercizi/aderisci/inviata/",
        views.shop_join_sent,
        name="shop_join_sent",
        policy=access.PUBLIC,
        namespace=app_name,
    ),
    access.route(
        "staff/esercizi/",
        views.staff_shops,
        name="staff_shops",
        policy=access.STAFF,
        namespace=app_name,
    ),
    access.route(
        "staff/esercizi/<int:pk>/",
        views.staff_shop,
        name="staff_shop",
        policy=access.STAFF,
        namespace=app_name,
    ),
    access.route(
        "esercente/offerte/",
        views.operator_offers,
        name="operator_offers",
        policy=access.object_policy("carta.rules.is_shop_operator", "operators of the shop"),
        namespace=app_name,
    ),
    access.route(
        "esercente/offerte/nuova/",
        views.operator_offer,
        name="operator_offer_new",
        policy=access.object_policy("carta.rules.is_shop_operator", "operators of the shop"),
        namespace=app_name,
    ),
    access.route(
        "esercente/offerte/<int:pk>/",
        views.operator_offer,
        name="operator_offer",
        policy=access.object_policy(
            "carta.rules.may_manage_offer", "operators of the offer's shop"
        ),
        namespace=app_name,
    ),
    access.route(
        "esercente/esercizio/",
        views.operator_shop_home,
        name="operator_shop_home",
        policy=access.object_policy("carta.rules.is_shop_operator", "operators of the shop"),
        namespace=app_name,
    ),
    access.route(
        "esercente/esercizi/<int:pk>/",
        views.operator_shop,
        name="operator_shop",
        policy=MANAGE_SHOP,
        namespace=app_name,
    ),
    access.route(
        "esercente/esercizi/<int:pk>/punti-vendita/nuovo/",
        views.operator_outlet,
        name="operator_outlet_new",
        policy=MANAGE_SHOP,
        namespace=app_name,
    ),
    access.route(
        "esercente/esercizi/<int:pk>/punti-vendita/<int:outlet_pk>/",
        views.operator_outlet,
        name="operator_outlet",
        policy=MANAGE_SHOP,
        namespace=app_name,
    ),
    access.route(
        "esercente/esercizi/<int:pk>/punti-vendita/<int:outlet_pk>/elimina/",
        views.operator_outlet_delete,
        name="operator_outlet_delete",
        policy=MANAGE_SHOP,
        namespace=app_name,
    ),
    access.route(
        "esercente/esercizi/<int:pk>/operatori/invita/",
        views.operator_invite,
        name="operator_invite",
        policy=MANAGE_SHOP,
        namespace=app_name,
    ),
    access.route(
        "esercente/esercizi/<int:pk>/operatori/inviti/<int:invitation_pk>/revoca/",
        views.operator_invitation_revoke,
        name="operator_invitation_revoke",
        policy=MANAGE_SHOP,
        namespace=app_name,
    ),
    access.route(
        "esercente/esercizi/<int:pk>/operatori/<int:user_pk>/rimuovi/",
        views.operator_remove,
        name="operator_remove",
        policy=access.object_policy(
            "carta.rules.may_remove_operator", "operators of the shop, and network staff"
        ),
        namespace=app_name,
    ),
    access.route(
        "esercente/invito/<str:token>/",
        views.operator_invitation,
        name="operator_invitation",
        policy=INVITATION_LINK,
        namespace=app_name,
    ),
    access.route(
        "negozi/", views.directory, name="directory", policy=access.PUBLIC, namespace=app_name
    ),
    access.route(
        "negozi/mappa/",
        views.directory_map,
        name="directory_map",
        policy=access.PUBLIC,
        namespace=app_name,
    ),
    access.route(
        "negozi/<int:pk>/",
        views.shop_page,
        name="shop_page",
        policy=access.PUBLIC,
        namespace=app_name,
    ),
    access.route(
        "negozi/dati.csv",
        views.directory_csv,
        name="directory_csv",
        policy=access.PUBLIC,
        namespace=app_name,
    ),
    access.route(
        "negozi/dati.json",
        views.directory_json,
        name="directory_json",
        policy=access.PUBLIC,
        namespace=app_name,
    ),
]
