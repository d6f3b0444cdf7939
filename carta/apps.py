from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CartaConfig(AppConfig):
    name = "carta"
    verbose_name = _("Carta Famiglia")

    def ready(self):
        from django.db.models.signals import post_migrate

        from carta import search_documents
        from carta.notifications import register_kinds
        from carta.selectors import profile_context
        from hub import profile
        from hub.roles import refresh_staff_group

        register_kinds()
        search_documents.register()
        profile.register_section("carta/profile_card.html", profile_context)
        # Network staff edit the card's rules, categories and badges (hub.roles).
        post_migrate.connect(
            refresh_staff_group, sender=self, dispatch_uid="carta.refresh_staff_group"
        )
