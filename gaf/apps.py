from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GafConfig(AppConfig):
    name = "gaf"
    verbose_name = _("Gruppi di Acquisto Familiare")

    def ready(self):
        from events import calendar_sources
        from gaf.calendar import pickup_days_for
        from gaf.notification_emails import render_emails
        from gaf.notifications import register_kinds
        from gaf.presenters import profile_groups_context
        from gaf.rounds import ROUND_CONFLICTS
        from gaf.search_documents import register as register_search
        from hub import api_errors, notifications, profile

        calendar_sources.register("gaf.pickups", pickup_days_for)
        # A person @mentioned in a group's chat is always told, at once (inbox or e-mail).
        notifications.register_kind(
            "gaf.mention",
            label=_("menzioni nella chat dei gruppi di acquisto"),
            default="email",
            always=True,
            immediate=True,
        )
        api_errors.register_conflict_codes(*ROUND_CONFLICTS)
        profile.register_section("gaf/profile_groups.html", profile_groups_context)
        register_kinds(render_email=render_emails)
        register_search()
