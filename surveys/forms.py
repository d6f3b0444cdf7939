"""Forms of the surveys app's staff pages and the respondent's coarse context."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

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

    def filters_text(self) -> str:
        """The filters applied, in words ("" when none): for the PDF summary's heading."""
        if not self.is_bound or not self.is_valid():
            return ""
        parts = []
        municipality = self.cleaned_data.get("municipality")
        if municipality:
            names = dict(self.fields["municipality"].choices)
            parts.append(_("Comune: %(name)s") % {"name": names.get(municipality, "")})
        if age_band := self.cleaned_data.get("age_band"):
            parts.append(_("Fascia d'età: %(band)s") % {"band": AgeBand(age_band).label})
        return "; ".join(parts)


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


class SurveyAdminForm(WagtailAdminModelForm):
    """The admin's questionnaire form: checks what spans sections and questions together (a
    question's section exists; a skip rule names a question of an earlier section and one of
    its options), so a broken skip rule never reaches respondents."""

    def clean(self):
        cleaned = super().clean()
        sections = self._live_forms("sections")
        questions = self._live_forms("questions")
        numbers = {form.cleaned_data.get("number") for form in sections}
        by_code = {form.cleaned_data.get("code"): form.cleaned_data for form in questions}
        for form in questions:
            number = form.cleaned_data.get("section_number")
            if sections and number not in numbers:
                form.add_error(
                    "section_number",
                    _("Non esiste una sezione con il numero %(n)s.") % {"n": number},
                )
        for form in sections:
            code = (form.cleaned_data.get("skip_if_question") or "").strip()
            answer = (form.cleaned_data.get("skip_if_answer") or "").strip()
            if not code and not answer:
                continue
            question = by_code.get(code)
            if question is None or not answer:
                form.add_error(
                    "skip_if_question",
                    _("Per saltare la sezione servono il codice di una domanda e una risposta."),
                )
            elif (question.get("section_number") or 0) >= (form.cleaned_data.get("number") or 0):
                form.add_error(
                    "skip_if_question",
                    _("La domanda %(code)s deve stare in una sezione precedente.") % {"code": code},
                )
            elif question.get("kind") in ("single", "multiple") and answer not in [
                line.strip() for line in (question.get("choices") or "").splitlines()
            ]:
                form.add_error(
                    "skip_if_answer",
                    _("«%(answer)s» non è tra le opzioni della domanda %(code)s.")
                    % {"answer": answer, "code": code},
                )
        if any(form.errors for form in (*sections, *questions)):
            # Also on the form itself: a summary at the top of the page, where it is seen.
            self.add_error(None, _("Controlla le sezioni e le domande: alcune regole non vanno."))
        return cleaned

    def _live_forms(self, name):
        formset = self.formsets.get(name)
        if formset is None or not formset.is_valid():
            return []
        return [
            form
            for form in formset.forms
            if form.has_changed() and not form.cleaned_data.get("DELETE")
        ]
