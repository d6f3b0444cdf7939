"""The Carta Famiglia's data that network staff edit in the Wagtail admin: each network's
conditions and validity (CardRule), the national categories and the badges' thresholds.
Cards and shops change only through their services (the staff pages under /carta/staff/)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from carta.models import Badge, CardRule, Category


class CardRuleViewSet(ModelViewSet):
    model = CardRule
    icon = "form"
    menu_label = _("Regole della carta")
    list_display = ["network", "min_minor_children", "max_isee_band", "validity_days"]
    form_fields = [
        "network",
        "min_minor_children",
        "max_isee_band",
        "validity_days",
        "show_minor_children",
    ]


class CategoryViewSet(ModelViewSet):
    model = Category
    icon = "tag"
    menu_label = _("Categorie degli esercizi")
    list_display = ["name", "sort_order"]
    form_fields = ["name", "slug", "sort_order"]


class BadgeViewSet(ModelViewSet):
    model = Badge
    icon = "pick"
    menu_label = _("Riconoscimenti")
    list_display = ["name", "min_percentage"]
    form_fields = ["name", "slug", "min_percentage"]


class CartaViewSetGroup(ModelViewSetGroup):
    menu_label = _("Carta Famiglia")
    menu_icon = "form"
    menu_order = 320
    items = (CardRuleViewSet, CategoryViewSet, BadgeViewSet)


@hooks.register("register_admin_viewset")
def register_carta_viewsets():
    return CartaViewSetGroup()
