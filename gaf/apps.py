from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GafConfig(AppConfig):
    name = "gaf"
    verbose_name = _("Gruppi di Acquisto Familiare")

    def ready(self):
        from events import calendar_sources
        from gaf.calendar import pickup_days_for
        from gaf.presenters import profile_groups_context
        from hub import profile

        calendar_sources.register("gaf.pickups", pickup_days_for)
        profile.register_section("gaf/profile_groups.html", profile_groups_context)
