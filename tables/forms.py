"""Forms of the tables' pages: they parse what was typed; the services judge it
(tables.services), and hub.form_errors puts their refusals back on the fields.

Choices that depend on the table (its network's municipalities, its members, its
meetings) are given by the view, so a form never decides who may see what.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.models import Association
from hub.forms import RomeDateTimeField
from hub.models import AgeBand, Area, Municipality, Network
from hub.validation import StrictDecimalField
from tables.models import Role as TableRole
from tables.models import Stance, Table, TableDecision


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class TableForm(forms.Form):
    name = forms.CharField(label=_("Nome del tavolo"), max_length=200)
    kind = forms.ChoiceField(label=_("Tipo"), choices=Table.Kind.choices, widget=forms.RadioSelect)
    network = forms.ModelChoiceField(
        label=_("Rete"), queryset=Network.objects.order_by("name"), empty_label=None
    )
    municipality = forms.ModelChoiceField(
        label=_("Comune (per i tavoli comunali)"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
    )
    visibility = forms.ChoiceField(
        label=_("Chi lo vede"),
        choices=Table.Visibility.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Pubblico: tutti leggono, i componenti partecipano. Riservato: solo i componenti "
            "vedono il tavolo e tutto ciò che contiene."
        ),
    )
    description = forms.CharField(
        label=_("Descrizione"), required=False, max_length=5000, widget=_textarea(4)
    )


class TableEditForm(forms.Form):
    name = forms.CharField(label=_("Nome del tavolo"), max_length=200)
    visibility = TableForm.base_fields["visibility"]
    description = TableForm.base_fields["description"]


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Messaggio per chi coordina il tavolo"),
        required=False,
        max_length=2000,
        widget=_textarea(3),
        help_text=_("Chi sei, chi rappresenti, perché vuoi partecipare."),
    )
    association = forms.ModelChoiceField(
        label=_("Partecipo per conto dell'associazione"),
        queryset=Association.objects.none(),
        required=False,
    )

    def __init__(self, *args, associations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if associations is not None:
            self.fields["association"].queryset = associations
        if not self.fields["association"].queryset.exists():
            del self.fields["association"]


class DecideRequestForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decisione"), choices=[("approve", _("accogli")), ("reject", _("respingi"))]
    )
    role = forms.ChoiceField(
        label=_("Ruolo"), choices=TableRole.choices, initial=TableRole.MEMBER, required=False
    )
    reason = forms.CharField(label=_("Motivo (se respingi)"), required=False, max_length=2000)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail della persona da invitare"))
    role = forms.ChoiceField(label=_("Ruolo"), choices=TableRole.choices, initial=TableRole.MEMBER)
    association = forms.ModelChoiceField(
        label=_("Per conto dell'associazione (facoltativo)"),
        queryset=Association.objects.none(),
        required=False,
    )

    def __init__(self, *args, associations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if associations is not None:
            self.fields["association"].queryset = associations


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Ruolo"), choices=TableRole.choices)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Titolo"), max_length=200)
    starts_at = RomeDateTimeField(label=_("Inizio"))
    ends_at = RomeDateTimeField(label=_("Fine"))
    place = forms.CharField(label=_("Luogo"), max_length=300, required=False)
    online_url = forms.URLField(
        label=_("Collegamento online"), required=False, assume_scheme="https"
    )


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Punto all'ordine del giorno"), max_length=300, required=False)
    notes = forms.CharField(label=_("Note"), required=False, widget=_textarea(2), max_length=5000)
    proposal = forms.ModelChoiceField(label=_("Proposta collegata"), queryset=None, required=False)

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = proposals


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Presenti"), required=False, widget=forms.CheckboxSelectMultiple
    )
    excused = forms.MultipleChoiceField(
        label=_("Assenti giustificati"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(m.user_id), m.user.full_name or m.user.email) for m in members]
        self.fields["present"].choices = choices
        self.fields["excused"].choices = choices


class MinutesForm(forms.Form):
    body = forms.CharField(label=_("Verbale"), widget=_textarea(10), max_length=50000)


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Titolo"), max_length=200)
    summary = forms.CharField(
        label=_("Sintesi"), required=False, max_length=1000, widget=_textarea(3)
    )
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=Area.objects.order_by("sort_order", "name")
    )
    age_bands = forms.ModelMultipleChoiceField(
        label=_("Fasce d'età"),
        queryset=AgeBand.objects.order_by("sort_order"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Comuni"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partner_associations = forms.ModelMultipleChoiceField(
        label=_("Associazioni partner"),
        queryset=Association.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    budget_estimate = StrictDecimalField(
        label=_("Stima dei costi (€)"),
        max_digits=12,
        decimal_places=2,
        required=False,
        min_value=0,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    body = forms.CharField(
        label=_("Testo della proposta"),
        required=False,
        max_length=100000,
        widget=_textarea(14),
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, table: Table, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = table.network.municipalities.order_by("name")
        self.fields["partner_associations"].queryset = Association.objects.filter(
            network=table.network
        ).order_by("name")


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Nuovo stato"))
    note = forms.CharField(label=_("Nota"), required=False, max_length=2000, widget=_textarea(2))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = choices


class CoauthorForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Coautore"), coerce=int)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [
            (m.user_id, m.user.full_name or m.user.email) for m in members
        ]


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Il tuo commento"), max_length=5000, widget=_textarea(4))
    stance = forms.ChoiceField(
        label=_("Posizione"),
        choices=Stance.choices,
        initial=Stance.NEUTRAL,
        widget=forms.RadioSelect,
    )
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    suggestion = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class SuggestionForm(forms.Form):
    quote = forms.CharField(
        label=_("Passaggio del testo"),
        help_text=_("Copia qui le parole della proposta a cui si riferisce il suggerimento."),
        max_length=1000,
        widget=_textarea(2),
    )
    body = forms.CharField(label=_("Che cosa cambieresti"), max_length=3000, widget=_textarea(3))


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Motivo"), max_length=500)


class DecisionForm(forms.Form):
    meeting = forms.TypedChoiceField(
        label=_("Riunione"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Una riunione del tavolo già cominciata: il tavolo decide quando si riunisce."),
        error_messages={
            "invalid_choice": _("Scegli una riunione del tavolo già cominciata e non annullata.")
        },
    )
    outcome = forms.ChoiceField(
        label=_("Esito"), choices=TableDecision.Outcome.choices, widget=forms.RadioSelect
    )
    votes_for = forms.IntegerField(label=_("Voti a favore"), min_value=0, initial=0)
    votes_against = forms.IntegerField(label=_("Voti contrari"), min_value=0, initial=0)
    votes_abstained = forms.IntegerField(label=_("Astenuti"), min_value=0, initial=0)
    motivation = forms.CharField(
        label=_("Motivazione"), required=False, max_length=5000, widget=_textarea(3)
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = [("", "—")] + [
            (m.pk, f"{m.title} ({timezone.localtime(m.starts_at):%d/%m/%Y})") for m in meetings
        ]


class LinkObjectiveForm(forms.Form):
    objective = forms.TypedChoiceField(label=_("Obiettivo del Piano Family"), coerce=int)
    title = forms.CharField(
        label=_("Titolo dell'azione (facoltativo)"),
        required=False,
        max_length=200,
        help_text=_("Se lo lasci vuoto, l'azione prende il titolo della proposta."),
    )

    def __init__(self, *args, objectives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].choices = [
            (o.pk, f"{o.plan.title} — {o.title}") for o in objectives
        ]
