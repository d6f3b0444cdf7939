"""Admin form of EventPage: the weekday choice and the recurrence messages in the editor's
language."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

WEEKDAY_CHOICES = [
    (0, _("lunedì")),
    (1, _("martedì")),
    (2, _("mercoledì")),
    (3, _("giovedì")),
    (4, _("venerdì")),
    (5, _("sabato")),
    (6, _("domenica")),
]


class EventPageForm(WagtailAdminPageForm):
    # A JSONField underneath (a list of weekday numbers), shown as checkboxes.
    repeat_weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["repeat_weekdays"]
        model_field = self._meta.model._meta.get_field("repeat_weekdays")
        field.label, field.help_text = model_field.verbose_name, model_field.help_text

    def is_valid(self) -> bool:
        """Valid as the page will be saved, excluded dates and single-date changes included.

        The formsets put those on the page only when the form is saved, and saving runs the
        page's whole validation (events.services.event_validate) again: without this, a rule
        about them (at most 500 excluded dates, each a date of the series) was a 500 at save
        instead of a message on the form.
        """
        if not super().is_valid():
            return False
        from events import services

        page = self.save(commit=False)
        try:
            services.event_validate(page)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
            return False
        return True
