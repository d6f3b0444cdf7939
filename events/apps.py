from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Eventi")

    def ready(self):
        from django.db.models.signals import post_migrate

        from associations.selectors import register_upcoming_events
        from events import feeds, home, proposals, search_documents, selectors, signals
        from events.notification_emails import render_emails
        from events.notifications import register_kinds
        from events.selectors import association_upcoming
        from hub import home as hub_home
        from hub import profile
        from hub.roles import refresh_staff_group

        signals.connect()
        search_documents.register()
        register_kinds(render_email=render_emails)
        register_upcoming_events(association_upcoming)
        hub_home.register_section("events/home_upcoming.html", home.home_context)
        profile.register_section("events/profile_calendar.html", feeds.profile_calendar_context)
        profile.register_section(
            "events/registration/profile.html", selectors.registrations_profile_context
        )
        profile.register_section("events/proposals/profile.html", proposals.profile_context)
        # The staff group reviews event proposals: give it the permission as soon as it
        # exists (after this app's permissions are created, in the same post_migrate).
        post_migrate.connect(
            refresh_staff_group, sender=self, dispatch_uid="events.refresh_staff_group"
        )
