"""The calculator's form: a household's composition, its ISE, a municipality, services."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tariffs import indicators
from tariffs.models import ServiceKind

AGES = re.compile(r"^\s*\d{1,3}(\s*[,;\s]\s*\d{1,3})*\s*$")


def parse_ages(text: str) -> tuple[int, ...]:
    """ "1, 6, 10" -> (1, 6, 10); "" -> ()."""
    text = (text or "").strip()
    if not text:
        return ()
    if not AGES.match(text):
        raise ValidationError(
            _("Scrivi le età in anni, separate da virgole (es. 1, 6, 10)."), code="invalid"
        )
    return tuple(int(part) for part in re.split(r"[,;\s]+", text) if part)


class CalculatorForm(forms.Form):
    adults = forms.IntegerField(
        label=_("Adulti nel nucleo familiare"),
        initial=2,
        min_value=0,
        max_value=indicators.MAX_MEMBERS,
    )
    children_ages = forms.CharField(
        label=_("Età dei figli"),
        required=False,
        max_length=120,
        help_text=_("In anni compiuti, separate da virgole (es. 1, 6, 10). Vuoto se nessuno."),
    )
    disabled_members = forms.IntegerField(
        label=_("Componenti con disabilità"),
        initial=0,
        min_value=0,
        max_value=indicators.MAX_MEMBERS,
    )
    all_parents_work = forms.BooleanField(
        label=_("Entrambi i genitori (o l'unico presente) lavorano"), required=False
    )
    ise = forms.DecimalField(
        label=_("ISE o reddito familiare dichiarato (€ all'anno)"),
        max_digits=12,
        decimal_places=2,
        help_text=_("L'indicatore della situazione economica, prima della scala."),
    )
    municipality = forms.ChoiceField(label=_("Comune"))
    services = forms.MultipleChoiceField(
        label=_("Servizi"),
        choices=ServiceKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, municipality_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = municipality_choices

    def clean_children_ages(self) -> tuple[int, ...]:
        return parse_ages(self.cleaned_data.get("children_ages", ""))

    def household(self) -> indicators.Household:
        data = self.cleaned_data
        return indicators.Household(
            adults=data["adults"],
            children_ages=data["children_ages"],
            disabled_members=data["disabled_members"],
            all_parents_work=data["all_parents_work"],
            ise=data["ise"],
        )
