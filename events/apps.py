from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Eventi")

    def ready(self):
        from associations.selectors import register_upcoming_events
        from events import feeds, selectors, signals
        from events.selectors import association_upcoming
        from hub import profile

        signals.connect()
        register_upcoming_events(association_upcoming)
        profile.register_section("events/profile_calendar.html", feeds.profile_calendar_context)
        profile.register_section(
            "events/registration/profile.html", selectors.registrations_profile_context
        )
