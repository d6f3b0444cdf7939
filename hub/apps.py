from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = _("Hub")

    def ready(self):
        from hub import api_schema  # noqa: F401 - registers the OpenAPI auth extension
        from hub.db_pool import install_fork_handler

        install_fork_handler()
        _register_notification_kinds()

        _bound_admin_dates()


def _bound_admin_dates() -> None:
    """Every date typed in the Wagtail admin's model forms (pages, snippets, viewsets) is
    within the hub's years (hub.validation), with Wagtail's own date widgets kept."""
    from django.db import models
    from wagtail.admin import widgets
    from wagtail.admin.forms.models import register_form_field_override

    from hub.validation import validate_date_in_bounds

    for field_class, widget in (
        (models.DateField, widgets.AdminDateInput),
        (models.DateTimeField, widgets.AdminDateTimeInput),
    ):
        register_form_field_override(
            field_class, override={"widget": widget, "validators": [validate_date_in_bounds]}
        )


def _register_notification_kinds() -> None:
    from hub import notifications

    # Mentions are always notified (whatever app they come from), and at once: they go by
    # e-mail or to the inbox only, never wait for a digest, and are never turned off.
    notifications.register_kind(
        notifications.MENTION,
        label=_("menzioni (@nome)"),
        default="email",
        always=True,
        immediate=True,
    )
