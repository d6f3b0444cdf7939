from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssociationsConfig(AppConfig):
    name = "associations"
    verbose_name = _("Associazioni")

    def ready(self):
        from associations import search_documents
        from associations.notifications import register_kinds
        from associations.selectors import follows_of
        from hub import profile

        search_documents.register()
        register_kinds()

        profile.register_section(
            "associations/profile_follows.html",
            lambda request: {"follows": follows_of(request.user)},
        )
