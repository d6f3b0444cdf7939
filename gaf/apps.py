from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GafConfig(AppConfig):
    name = "gaf"
    verbose_name = _("Gruppi di Acquisto Familiare")
