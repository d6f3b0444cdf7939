"""The public form with which a resident or an informal group proposes an event."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from associations.selectors import FilterOptions
from events.models import EventProposal
from events.proposals import ProposalData

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
TIME_INPUT_FORMATS = ["%H:%M", "%H.%M"]

phone_validator = RegexValidator(
    r"^\+?[0-9 ./()-]{6,40}$",
    _("Scrivi un numero di telefono valido (solo cifre, spazi e il + iniziale)."),
)


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class _TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self):
        super().__init__(format="%H:%M")


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Nome dell'evento"), max_length=200)
    description = forms.CharField(
        label=_("Di cosa si tratta"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "A chi è rivolto, che cosa si fa, se serve iscriversi e se ha un costo "
            "(al massimo 2000 caratteri)."
        ),
    )
    organizer_name = forms.CharField(
        label=_("Chi organizza"),
        max_length=150,
        required=False,
        help_text=_(
            "Il vostro gruppo informale o le famiglie che organizzano; lascia vuoto se proponi "
            "a titolo personale."
        ),
    )
    municipality = forms.ChoiceField(label=_("Comune"))
    venue = forms.CharField(
        label=_("Luogo"),
        max_length=200,
        help_text=_("Per esempio: parco di via Roma, sala dell'oratorio, biblioteca."),
    )
    address = forms.CharField(label=_("Indirizzo"), max_length=250, required=False)
    day = forms.DateField(label=_("Giorno"), widget=_DateInput, input_formats=DATE_INPUT_FORMATS)
    start_time = forms.TimeField(
        label=_("Ora di inizio"), widget=_TimeInput, input_formats=TIME_INPUT_FORMATS
    )
    end_time = forms.TimeField(
        label=_("Ora di fine"), required=False, widget=_TimeInput, input_formats=TIME_INPUT_FORMATS
    )
    repeat = forms.ChoiceField(
        label=_("Si ripete?"),
        choices=EventProposal.Repeat.choices,
        required=False,
        initial="",
        widget=forms.RadioSelect,
    )
    repeat_until = forms.DateField(
        label=_("Si ripete fino al"),
        required=False,
        widget=_DateInput,
        input_formats=DATE_INPUT_FORMATS,
        help_text=_(
            "Solo per gli eventi che si ripetono: l'ultimo giorno, al massimo fra due anni."
        ),
    )
    contact_email = forms.EmailField(
        label=_("E-mail di contatto"),
        help_text=_("Per lo staff della rete, che ti scriverà l'esito: non verrà pubblicata."),
    )
    contact_phone = forms.CharField(
        label=_("Telefono"), max_length=40, required=False, validators=[phone_validator]
    )

    def __init__(self, *args, options: FilterOptions, **kwargs):
        super().__init__(*args, **kwargs)
        by_pk = {m.pk: m for m in options.municipalities}
        self._municipalities = {str(pk): m for pk, m in by_pk.items()}
        self.fields["municipality"].choices = [
            ("", _("Scegli il comune")),
            *(
                (
                    network.name,
                    [
                        (str(pk), by_pk[pk].name)
                        for pk in options.network_municipalities.get(network.pk, [])
                    ],
                )
                for network in options.networks
            ),
        ]
        self.fields["contact_email"].widget.attrs["autocomplete"] = "email"
        self.fields["contact_phone"].widget.attrs.update(autocomplete="tel", type="tel")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("repeat") and not cleaned.get("repeat_until"):
            self.add_error("repeat_until", _("Indica fino a quando si ripete."))
        return cleaned

    def to_data(self) -> ProposalData:
        data = self.cleaned_data
        return ProposalData(
            title=data["title"],
            description=data["description"],
            organizer_name=data["organizer_name"],
            municipality=self._municipalities[data["municipality"]],
            venue=data["venue"],
            address=data["address"],
            day=data["day"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            repeat=data["repeat"] or "",
            repeat_until=data["repeat_until"] if data["repeat"] else None,
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
        )

    def add_service_error(self, error: ValidationError) -> None:
        """Put a service's errors on the matching fields (the others at the top)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.error_dict.items():
            self.add_error(name if name in self.fields else None, messages)
