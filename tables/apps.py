from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TablesConfig(AppConfig):
    name = "tables"
    verbose_name = _("Tavoli e Piano Family")

    def ready(self):
        from events import calendar_sources
        from hub import api_errors
        from tables.calendar import meetings_for, public_meetings
        from tables.notifications import register_kinds
        from tables.search_documents import register as register_search
        from tables.services import CONFLICTS

        register_kinds()
        register_search()
        api_errors.register_conflict_codes(*CONFLICTS)
        calendar_sources.register("tables.meetings", meetings_for)
        calendar_sources.register_public(
            "tavoli", public_meetings, label=_("Riunioni dei tavoli pubblici")
        )
