"""Forms of the Piano Family's staff screens: they parse what was typed, the services
judge it (an indicator value of the objective's kind, an area of the macro-area, the
period of a biennial plan), and hub.form_errors puts their refusals back on the fields.

Choices (networks, municipalities, macro-areas, areas, associations, initiatives) come
from the view, so a form never queries the database. Numbers are typed with a comma or a
point, in ASCII digits (hub.validation.StrictDecimalField).
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hub.validation import StrictDecimalField, validate_date_in_bounds
from tables.models import Objective, Status
from tables.models.plan import INDICATOR_DIGITS, YEAR_MAX, YEAR_MIN


def _date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Scrivi una data, per esempio 2023-12-31.")},
        validators=[validate_date_in_bounds],
        **kwargs,
    )


def _indicator_field(label, **kwargs) -> forms.DecimalField:
    return StrictDecimalField(
        label=label,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"invalid": _("Scrivi un numero, per esempio 12 o 35,5.")},
        **INDICATOR_DIGITS,
        **kwargs,
    )


def _year_field(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Scrivi un anno, per esempio 2022."),
            "min_value": _("L'anno è dal %(limit_value)s in poi."),
            "max_value": _("L'anno è fino al %(limit_value)s."),
        },
    )


def _weight_field(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Peso"),
        min_value=1,
        max_value=100,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Il peso è un numero intero tra 1 e 100."),
            "min_value": _("Il peso è un numero intero tra 1 e 100."),
            "max_value": _("Il peso è un numero intero tra 1 e 100."),
        },
        **kwargs,
    )


def _choices(field: forms.Field, objects: Iterable, label=str, empty_label=None) -> None:
    """Set a choice field's options from objects, and remember them by primary key."""
    objects = list(objects)
    empty = [("", empty_label)] if empty_label is not None else []
    field.choices = [*empty, *((str(obj.pk), label(obj)) for obj in objects)]
    field.objects = {str(obj.pk): obj for obj in objects}


class _ObjectChoicesForm(forms.Form):
    """Choice fields whose `objects` map a submitted key back to the object."""

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            objects = getattr(field, "objects", None)
            if objects is None or name not in cleaned:
                continue
            value = cleaned[name]
            if isinstance(value, list):
                cleaned[name] = [objects[key] for key in value]
            else:
                cleaned[name] = objects[value] if value else None
        return cleaned


# --- Plan -------------------------------------------------------------------------------------


class PlanForm(_ObjectChoicesForm):
    title = forms.CharField(
        label=_("Titolo"),
        max_length=200,
        help_text=_("Per esempio: Piano Family e benessere della comunità 2022/23."),
    )
    network = forms.ChoiceField(label=_("Rete"), required=False)
    municipality = forms.ChoiceField(
        label=_("Comune"),
        required=False,
        help_text=_("Per il piano di un solo Comune; lascia vuota la rete."),
    )
    start_year = _year_field(_("Primo anno"))
    end_year = _year_field(_("Ultimo anno"))
    first_review_on = _date_field(_("Prima verifica annuale"), required=False)
    second_review_on = _date_field(_("Seconda verifica annuale"), required=False)
    description = forms.CharField(
        label=_("Descrizione"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, networks, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        _choices(self.fields["network"], networks, empty_label=_("Nessuna rete"))
        _choices(self.fields["municipality"], municipalities, empty_label=_("Nessun Comune"))


# --- Objective --------------------------------------------------------------------------------


class ObjectiveForm(_ObjectChoicesForm):
    macro_area = forms.ChoiceField(label=_("Macro-area"))
    area = forms.ChoiceField(
        label=_("Area"), required=False, help_text=_("Un'area della macro-area scelta.")
    )
    title = forms.CharField(label=_("Titolo"), max_length=200)
    description = forms.CharField(
        label=_("Descrizione"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    expected_results = forms.CharField(
        label=_("Risultati attesi"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    indicator_name = forms.CharField(
        label=_("Indicatore"),
        max_length=200,
        help_text=_("Che cosa si misura, per esempio: famiglie che hanno la Carta Famiglia."),
    )
    indicator_kind = forms.ChoiceField(
        label=_("Tipo di indicatore"),
        choices=Objective.IndicatorKind.choices,
        help_text=_("Percentuale: valori tra 0 e 100. Sì/no: 1 per sì, 0 per no."),
    )
    indicator_unit = forms.CharField(
        label=_("Unità di misura"),
        max_length=40,
        required=False,
        help_text=_("Per esempio: famiglie, incontri, iniziative."),
    )
    baseline = _indicator_field(_("Valore di partenza"))
    target = _indicator_field(_("Valore obiettivo"))
    progress_method = forms.ChoiceField(
        label=_("Avanzamento calcolato"), choices=Objective.ProgressMethod.choices
    )
    responsible = forms.CharField(
        label=_("Responsabile"),
        max_length=200,
        required=False,
        help_text=_("Ente, ufficio o persona, per esempio: CIdiS, Ufficio Politiche sociali."),
    )
    responsible_association = forms.ChoiceField(
        label=_("Associazione responsabile"), required=False
    )
    due_date = _date_field(_("Scadenza"), required=False)
    weight = _weight_field(
        help_text=_("Quanto conta l'obiettivo nell'avanzamento del piano (da 1 a 100).")
    )
    municipalities = forms.MultipleChoiceField(
        label=_("Comuni interessati"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Nessuno: l'obiettivo riguarda tutti i Comuni del piano."),
    )

    def __init__(self, *args, macro_areas, areas, associations, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        _choices(self.fields["macro_area"], macro_areas)
        _choices(
            self.fields["area"],
            areas,
            label=lambda area: f"{area.name} ({area.macro_area.code})",
            empty_label=_("Nessuna area"),
        )
        _choices(
            self.fields["responsible_association"],
            associations,
            label=lambda association: association.name,
            empty_label=_("Nessuna associazione"),
        )
        _choices(self.fields["municipalities"], municipalities, label=lambda m: m.name)


# --- Action -----------------------------------------------------------------------------------


class ActionForm(_ObjectChoicesForm):
    title = forms.CharField(
        label=_("Azione"),
        max_length=200,
        required=False,
        help_text=_("Vuoto: il titolo dell'iniziativa collegata."),
    )
    initiative = forms.ChoiceField(
        label=_("Iniziativa della mappatura"),
        required=False,
        help_text=_("Un'iniziativa pubblicata che realizza l'azione."),
    )
    status = forms.ChoiceField(label=_("Stato"), choices=Status.choices)
    weight = _weight_field(
        help_text=_("Quanto conta l'azione quando l'obiettivo si misura dalle azioni.")
    )

    def __init__(self, *args, initiatives, **kwargs):
        super().__init__(*args, **kwargs)
        _choices(
            self.fields["initiative"],
            initiatives,
            label=lambda page: page.title,
            empty_label=_("Nessuna iniziativa"),
        )


# --- Progress update --------------------------------------------------------------------------


class ProgressUpdateForm(forms.Form):
    date = _date_field(_("Data"))
    status = forms.ChoiceField(label=_("Stato dell'obiettivo"), choices=Status.choices)
    indicator_value = _indicator_field(_("Valore dell'indicatore"), required=False)
    note = forms.CharField(
        label=_("Nota"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text=_("Che cosa è stato fatto, che cosa manca."),
    )

    def __init__(self, *args, objective: Objective, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["indicator_value"]
        field.label = _("Valore dell'indicatore: %(name)s") % {"name": objective.indicator_name}
        hints = {
            Objective.IndicatorKind.PERCENTAGE: _("Una percentuale tra 0 e 100."),
            Objective.IndicatorKind.YES_NO: _("1 per «sì», 0 per «no»."),
            Objective.IndicatorKind.NUMBER: _("Un numero, senza unità di misura."),
        }
        field.help_text = hints[objective.indicator_kind]


class ReportYearForm(forms.Form):
    """`?anno=2022`: the annual report at the end of that year of the plan."""

    anno = forms.IntegerField(
        required=False,
        error_messages={"invalid": _("L'anno della relazione è un numero, per esempio 2022.")},
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_anno(self):
        year = self.cleaned_data.get("anno")
        if year is not None and not self.plan.start_year <= year <= self.plan.end_year:
            raise ValidationError(
                _("Il piano va dal %(first)s al %(last)s: scegli un anno del periodo."),
                params={"first": self.plan.start_year, "last": self.plan.end_year},
                code="year_outside_plan",
            )
        return year
