"""The scales, services and tariff rules in the Wagtail admin, as snippets.

Their clean() checks what the computation needs (scale coefficients that never raise the
indicator with more children, bands with no overlap and no gap), so the admin refuses a
rule the calculator could not apply.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from tariffs.models import Scale, Service, TariffRule


class ScaleViewSet(SnippetViewSet):
    model = Scale
    icon = "table"
    menu_label = _("Scale di equivalenza")
    list_display = [
        "name",
        "kind",
        "status",
        "municipality",
        "network",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["name"]
    form_fields = [
        "name",
        "kind",
        "status",
        "municipality",
        "network",
        "valid_from",
        "valid_until",
        "coefficients",
        "notes",
    ]


class ServiceViewSet(SnippetViewSet):
    model = Service
    icon = "clipboard-list"
    menu_label = _("Servizi a tariffa")
    list_display = ["name", "kind", "municipality", "months_per_year"]
    list_filter = ["kind"]
    search_fields = ["name", "municipality__name"]
    form_fields = ["municipality", "kind", "name", "months_per_year"]


class TariffRuleViewSet(SnippetViewSet):
    model = TariffRule
    icon = "form"
    menu_label = _("Regole tariffarie")
    list_display = ["service", "method", "status", "valid_from", "valid_until"]
    list_filter = ["method", "status"]
    form_fields = [
        "service",
        "status",
        "valid_from",
        "valid_until",
        "method",
        "bands",
        "min_price",
        "max_price",
        "lower_threshold",
        "upper_threshold",
        "exemption_threshold",
        "cap",
    ]


class TariffsViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Tariffe sociali")
    menu_icon = "table"
    menu_order = 320
    items = (ScaleViewSet, ServiceViewSet, TariffRuleViewSet)


register_snippet(TariffsViewSetGroup)
