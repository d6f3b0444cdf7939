"""The calculator's form: a household's composition, its ISE, a municipality, services."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tariffs import indicators
from tariffs.models import ScaleKind, ServiceKind, Status

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


class SimulationForm(forms.Form):
    """The reform simulation's choices: the rule in force and its draft (or a draft scale),
    the scale the municipality uses today, and the households' CSV."""

    current_rule = forms.TypedChoiceField(label=_("Regola attuale"), coerce=int)
    draft_rule = forms.TypedChoiceField(
        label=_("Regola in bozza"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Vuoto: la regola attuale (per simulare solo una scala in bozza)."),
    )
    scale_kind = forms.ChoiceField(
        label=_("Indicatore usato oggi"),
        choices=ScaleKind.choices,
        initial=ScaleKind.ISEE,
        help_text=_("La scala in vigore nel comune per questo indicatore."),
    )
    draft_scale = forms.TypedChoiceField(
        label=_("Scala in bozza"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Vuoto: la scala attuale (per simulare solo una regola in bozza)."),
    )
    households = forms.FileField(
        label=_("Famiglie (file CSV)"),
        help_text=_(
            "Anonimo, una famiglia per riga, separato da «;» o «,», in UTF-8: scarica il "
            "modello. Il file serve solo al calcolo e non viene conservato."
        ),
    )

    def __init__(self, *args, rules, scales, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = {rule.pk: rule for rule in rules}
        self.scales = {scale.pk: scale for scale in scales}
        active: dict[str, list] = {}
        drafts: dict[str, list] = {}
        for rule in rules:
            group = active if rule.status == Status.ACTIVE else drafts
            label = f"{rule.service.name} ({rule.valid_from:%d/%m/%Y})"
            group.setdefault(rule.service.municipality.name, []).append((rule.pk, label))
        self.fields["current_rule"].choices = [("", "—"), *active.items()]
        self.fields["draft_rule"].choices = [("", _("nessuna: la regola attuale")), *drafts.items()]
        self.fields["draft_scale"].choices = [
            ("", _("nessuna: la scala attuale")),
            *((scale.pk, str(scale)) for scale in scales),
        ]
        self.fields["households"].widget.attrs["accept"] = ".csv,text/csv"

    def clean(self):
        data = super().clean()
        current = self.rules.get(data.get("current_rule"))
        draft = self.rules.get(data.get("draft_rule")) if data.get("draft_rule") else None
        data["current_rule"] = current
        data["draft_rule"] = draft
        data["draft_scale"] = self.scales.get(data.get("draft_scale"))
        if current is None and "current_rule" not in self.errors:
            self.add_error("current_rule", _("Scegli la regola attuale."))
        if draft is not None and current is not None and draft.service_id != current.service_id:
            self.add_error(
                "draft_rule",
                _("La bozza deve riguardare lo stesso servizio della regola attuale (%(s)s).")
                % {"s": current.service},
            )
        if (
            not self.errors
            and draft is None
            and data["draft_scale"] is None
            and "draft_rule" not in self.errors
        ):
            raise ValidationError(_("Scegli una regola in bozza, una scala in bozza o entrambe."))
        return data
