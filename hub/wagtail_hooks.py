"""Wagtail admin screens for the territory and the taxonomy, which network staff edit."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from hub.models import AgeBand, Area, MacroArea, Municipality, Network


class NetworkViewSet(ModelViewSet):
    model = Network
    icon = "site"
    menu_label = _("Reti")
    list_display = ["name", "short_name", "kind", "certified_family_in_italia"]
    list_filter = ["kind", "certified_family_in_italia"]
    search_fields = ["name", "short_name"]
    form_fields = [
        "name",
        "short_name",
        "slug",
        "kind",
        "description",
        "certified_family_in_italia",
        "website",
        "municipalities",
    ]


class MunicipalityViewSet(ModelViewSet):
    model = Municipality
    icon = "home"
    menu_label = _("Comuni")
    list_display = ["name", "province", "istat_code"]
    list_filter = ["province", "networks"]
    search_fields = ["name", "istat_code"]
    form_fields = ["name", "slug", "istat_code", "province", "website"]


class MacroAreaViewSet(ModelViewSet):
    model = MacroArea
    icon = "folder-open-1"
    menu_label = _("Macro-aree")
    list_display = ["code", "name"]
    form_fields = ["code", "name"]


class AreaViewSet(ModelViewSet):
    model = Area
    icon = "tag"
    menu_label = _("Aree della mappatura")
    list_display = ["name", "macro_area", "sort_order"]
    form_fields = ["name", "slug", "macro_area", "sort_order"]


class AgeBandViewSet(ModelViewSet):
    model = AgeBand
    icon = "group"
    menu_label = _("Fasce d'età")
    list_display = ["name", "min_age", "max_age", "whole_family", "sort_order"]
    form_fields = ["name", "slug", "min_age", "max_age", "whole_family", "sort_order"]


class TerritoryViewSetGroup(ModelViewSetGroup):
    menu_label = _("Territorio e tassonomia")
    menu_icon = "site"
    menu_order = 300
    items = (NetworkViewSet, MunicipalityViewSet, MacroAreaViewSet, AreaViewSet, AgeBandViewSet)


@hooks.register("register_admin_viewset")
def register_territory_viewsets():
    return TerritoryViewSetGroup()
