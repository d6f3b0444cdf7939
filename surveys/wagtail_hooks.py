"""The questionnaires in the Wagtail admin: network staff build them (sections, questions,
skip rules) and publish them with an opening and a closing date."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.viewsets.model import ModelViewSet

from surveys import rules
from surveys.forms import SurveyAdminForm
from surveys.models import Survey


class SurveyViewSet(ModelViewSet):
    model = Survey
    icon = "form"
    menu_label = _("Questionari")
    menu_order = 320
    add_to_admin_menu = True
    list_display = ["title", "network", "audience", "status", "opens_at", "closes_at"]
    list_filter = ["network", "audience", "status"]
    search_fields = ["title"]
    edit_handler = ObjectList(Survey.panels, base_form_class=SurveyAdminForm)


@hooks.register("register_admin_viewset")
def register_survey_viewset():
    return SurveyViewSet("survey_admin")


class StaffOnlyMenuItem(MenuItem):
    # Association volunteers use the admin too: the results are for network staff only.
    def is_shown(self, request):
        return rules.can_manage_surveys(request.user)


@hooks.register("register_admin_menu_item")
def register_results_menu_item():
    return StaffOnlyMenuItem(
        _("Risultati dei questionari"),
        reverse("surveys:staff_index"),
        icon_name="table",
        order=321,
    )
