from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = _("Hub")

    def ready(self):
        from hub import api_schema  # noqa: F401 - registers the OpenAPI auth extension
        from hub.db_pool import install_fork_handler

        install_fork_handler()
