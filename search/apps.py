from django.apps import AppConfig
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Ricerca")

    def ready(self):
        from search import signals
        from search.backends import _reset_on_setting_change

        setting_changed.connect(_reset_on_setting_change)
        # The kinds the apps registered (and any registered later) get their signals.
        signals.connect()
