from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TablesConfig(AppConfig):
    name = "tables"
    verbose_name = _("Tavoli e Piano Family")

    def ready(self):
        from hub import api_errors
        from tables.notifications import register_kinds
        from tables.services import CONFLICTS

        register_kinds()
        api_errors.register_conflict_codes(*CONFLICTS)
