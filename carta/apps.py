from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CartaConfig(AppConfig):
    name = "carta"
    verbose_name = _("Carta Famiglia")

    def ready(self):
        from carta.notifications import register_kinds
        from carta.selectors import profile_context
        from hub import profile

        register_kinds()
        profile.register_section("carta/profile_card.html", profile_context)
