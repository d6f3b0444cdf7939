"""Forms of the surveys app's staff pages and the respondent's coarse context."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.abuse import HoneypotFormMixin
from surveys.models import AgeBand


class ResultsFilterForm(forms.Form):
    municipality = forms.TypedChoiceField(
        label=_("Comune"), required=False, coerce=int, empty_value=None
    )
    age_band = forms.ChoiceField(label=_("Fascia d'età"), required=False)

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [("", _("Tutti i Comuni"))] + [
            (m.pk, m.name) for m in municipalities
        ]
        self.fields["age_band"].choices = [("", _("Tutte le fasce")), *AgeBand.choices]


class InvitationRuleForm(forms.Form):
    RULE_ALL = "all"
    RULE_0_2 = "children_0_2"
    rule = forms.ChoiceField(
        label=_("Famiglie da invitare"),
        choices=[
            (
                RULE_0_2,
                _("Residenti nei Comuni della rete con un figlio nato negli ultimi 3 anni (0–2)"),
            ),
            (RULE_ALL, _("Tutte le famiglie residenti nei Comuni della rete")),
        ],
        widget=forms.RadioSelect,
    )

    def born_since(self) -> int | None:
        if self.cleaned_data["rule"] == self.RULE_0_2:
            return timezone.localdate().year - 2
        return None


class ContextForm(HoneypotFormMixin, forms.Form):
    """The two coarse context values a public respondent may give (both optional), and the
    public form's honeypot (hub.abuse)."""

    municipality = forms.TypedChoiceField(
        label=_("Comune di residenza"), required=False, coerce=int, empty_value=None
    )
    age_band = forms.ChoiceField(
        label=_("Età del figlio o della figlia più piccola"), required=False
    )

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.municipalities = {m.pk: m for m in municipalities}
        self.fields["municipality"].choices = [("", _("Preferisco non dirlo"))] + [
            (m.pk, m.name) for m in municipalities
        ]
        self.fields["age_band"].choices = [("", _("Preferisco non dirlo")), *AgeBand.choices]
