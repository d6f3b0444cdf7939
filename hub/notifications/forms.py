"""Forms of the notification centre: marking one read, and the choices page."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from hub.notifications.registry import Kind
from hub.notifications.services import preference_field

INHERIT = ""


class MarkReadForm(forms.Form):
    letta = forms.TypedChoiceField(
        choices=[("1", _("letta")), ("0", _("da leggere"))],
        coerce=lambda value: value == "1",
        error_messages={
            "required": _("Indica se la notifica è letta (1) o da leggere (0)."),
            "invalid_choice": _("Indica se la notifica è letta (1) o da leggere (0)."),
        },
    )


@dataclass
class Section:
    """One fieldset of the choices page: every kind, or the kinds heard in one place."""

    legend: str
    place: str
    fields: list


class NotificationPreferencesForm(forms.Form):
    """One choice per kind for every place, then one per kind heard in each place ("as
    for every place" by default). Field names are preference_field(kind, place)."""

    def __init__(self, *args, kinds: list[Kind], places, preferences, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = {kind.code: kind for kind in kinds}
        self.keys: dict[str, tuple[str, str]] = {}
        self.place_labels: dict[str, str] = {}
        everywhere = []
        for kind in kinds:
            chosen = preferences.get((kind.code, ""))
            name = self._add(
                kind,
                "",
                forms.ChoiceField(
                    label=kind.label,
                    choices=kind.choices,
                    initial=chosen.delivery if chosen else kind.default,
                ),
            )
            everywhere.append(name)
        self.sections = [Section(str(_("In tutti i luoghi")), "", everywhere)]
        for place, label, codes in places:
            self.place_labels[place] = label
            names = []
            for code in codes:
                kind = self.kinds.get(code)
                if kind is None:  # a kind no app registers any more
                    continue
                chosen = preferences.get((code, place))
                names.append(
                    self._add(
                        kind,
                        place,
                        forms.ChoiceField(
                            label=kind.label,
                            choices=[(INHERIT, _("come in tutti i luoghi")), *kind.choices],
                            required=False,
                            initial=chosen.delivery if chosen else INHERIT,
                        ),
                    )
                )
            if names:
                self.sections.append(Section(label, place, names))
        for section in self.sections:
            section.fields = [self[name] for name in section.fields]

    def _add(self, kind: Kind, place: str, field: forms.Field) -> str:
        field.error_messages["invalid_choice"] = _(
            "Scelta non valida: scegli una delle voci dell'elenco."
        )
        name = preference_field(kind.code, place)
        self.fields[name] = field
        self.keys[name] = (kind.code, place)
        return name

    def choices(self) -> dict[tuple[str, str], str | None]:
        """What to save: None where the person follows the default (the kind's, for every
        place; the every-place choice, for a place)."""
        result = {}
        for name, (code, place) in self.keys.items():
            value = self.cleaned_data.get(name) or None
            if not place and value == self.kinds[code].default:
                value = None
            result[(code, place)] = value
        return result
