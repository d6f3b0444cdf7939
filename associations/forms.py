"""Public forms of associations: the join request and the filters of the lists.

Choices come from `selectors.filter_options()`, loaded by the view: the forms and their
templates never query the database.
"""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from associations.models import AssociationKind
from associations.selectors import FilterOptions
from associations.services import JoinRequestData
from hub.abuse import HoneypotFormMixin
from hub.models import Network

phone_validator = RegexValidator(
    r"^\+?[0-9 ./()-]{6,40}$",
    _("Scrivi un numero di telefono valido (solo cifre, spazi e il + iniziale)."),
)


class JoinRequestForm(HoneypotFormMixin, forms.Form):
    name = forms.CharField(label=_("Nome del gruppo"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Tipo"), choices=[("", _("Scegli il tipo")), *AssociationKind.choices]
    )
    network = forms.ChoiceField(
        label=_("Rete"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Scegli una delle reti elencate.")},
    )
    municipalities = forms.MultipleChoiceField(
        label=_("Comuni in cui operate"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Solo comuni della rete scelta."),
        error_messages={
            "required": _("Indica almeno un comune."),
            "invalid_choice": _("Scegli i comuni dall'elenco."),
        },
    )
    areas = forms.MultipleChoiceField(
        label=_("Aree di attività"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Indica almeno un'area."),
            "invalid_choice": _("Scegli le aree dall'elenco."),
        },
    )
    description = forms.CharField(
        label=_("Di cosa vi occupate"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Attività, destinatari, da quanto tempo operate (al massimo 2000 caratteri)."),
    )
    contact_name = forms.CharField(label=_("Persona di riferimento"), max_length=150)
    contact_email = forms.EmailField(label=_("E-mail di contatto"))
    contact_phone = forms.CharField(
        label=_("Telefono"), max_length=40, required=False, validators=[phone_validator]
    )
    # A text input, not type="url": browsers refuse "www.example.org" in a URL input,
    # while the field completes it to https://www.example.org.
    website = forms.URLField(
        label=_("Sito web"),
        required=False,
        assume_scheme="https",
        widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"}),
        help_text=_("Anche senza https://, per esempio www.polisportiva.it."),
    )
    editor_email = forms.EmailField(
        label=_("E-mail del primo redattore"),
        help_text=_(
            "Riceverà l'invito a gestire le pagine dell'associazione, se la richiesta è accolta."
        ),
    )

    def __init__(self, *args, options: FilterOptions, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = options
        self._networks = {str(n.pk): n for n in options.networks}
        self._municipalities = {str(m.pk): m for m in options.municipalities}
        self._areas = {str(a.pk): a for a in options.areas}
        self.fields["network"].choices = [(str(n.pk), n.name) for n in options.networks]
        self.fields["municipalities"].choices = [
            (str(m.pk), m.name) for m in options.municipalities
        ]
        self.fields["areas"].choices = [(str(a.pk), a.name) for a in options.areas]
        for name in ("contact_email", "editor_email"):
            self.fields[name].widget.attrs["autocomplete"] = "email"
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["contact_phone"].widget.attrs.update(autocomplete="tel", type="tel")
        self.fields["website"].widget.attrs["autocomplete"] = "url"

    def municipality_groups(self) -> list[tuple[Network, list]]:
        """The municipality checkboxes grouped by network, for the template."""
        by_value = {str(w.data["value"]): w for w in self["municipalities"]}
        return [
            (
                network,
                [
                    by_value[str(pk)]
                    for pk in self.options.network_municipalities.get(network.pk, [])
                ],
            )
            for network in self.options.networks
        ]

    def to_data(self) -> JoinRequestData:
        data = self.cleaned_data
        return JoinRequestData(
            name=data["name"],
            kind=data["kind"],
            network=self._networks[data["network"]],
            municipalities=[self._municipalities[pk] for pk in data["municipalities"]],
            areas=[self._areas[pk] for pk in data["areas"]],
            description=data["description"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            website=data["website"],
            editor_email=data["editor_email"],
        )


# --- Filters (GET forms, shareable URLs) ------------------------------------------------------


class _FilterForm(forms.Form):
    """A GET form whose choices are slugs; an unknown value is an error, not an empty list."""

    def __init__(self, data, *, options: FilterOptions):
        super().__init__(data)
        self.options = options

    def _slug_field(self, name: str, objects, empty_label) -> None:
        field = self.fields[name]
        field.choices = [("", empty_label), *((obj.slug, obj.name) for obj in objects)]
        field.lookup = {obj.slug: obj for obj in objects}

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            lookup = getattr(field, "lookup", None)
            if lookup is not None and cleaned.get(name):
                cleaned[name] = lookup[cleaned[name]]
        return cleaned

    def error_messages_list(self) -> list[str]:
        return [str(message) for messages in self.errors.values() for message in messages]


def _slug_choice(label) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        error_messages={
            "invalid_choice": _("«%(value)s» non è tra i valori possibili di questo filtro.")
        },
    )


class DirectoryFilterForm(_FilterForm):
    comune = _slug_choice(_("Comune"))
    tipo = forms.ChoiceField(
        label=_("Tipo"),
        required=False,
        choices=[("", _("Tutti i tipi")), *AssociationKind.choices],
        error_messages={"invalid_choice": _("«%(value)s» non è un tipo di associazione.")},
    )
    area = _slug_choice(_("Area"))
    rete = _slug_choice(_("Rete"))

    def __init__(self, data, *, options: FilterOptions, fixed_network: bool = False):
        super().__init__(data, options=options)
        self._slug_field("comune", options.municipalities, _("Tutti i comuni"))
        self._slug_field("area", options.areas, _("Tutte le aree"))
        self._slug_field("rete", options.networks, _("Tutte le reti"))
        if fixed_network:
            # On a network's own directory page the network is given by the page.
            del self.fields["rete"]


class MappingFilterForm(_FilterForm):
    rete = _slug_choice(_("Rete"))

    def __init__(self, data, *, options: FilterOptions):
        super().__init__(data, options=options)
        self._slug_field("rete", options.networks, _("Tutte le reti"))


class InitiativeFilterForm(_FilterForm):
    area = _slug_choice(_("Area"))
    comune = _slug_choice(_("Comune"))
    fascia = _slug_choice(_("Fascia d'età"))
    rete = _slug_choice(_("Rete"))
    gratuite = forms.ChoiceField(
        label=_("Solo iniziative gratuite"),
        required=False,
        choices=[("", _("Tutte")), ("1", _("Solo gratuite"))],
        error_messages={"invalid_choice": _("Il filtro «gratuite» accetta solo il valore 1.")},
    )

    def __init__(self, data, *, options: FilterOptions):
        super().__init__(data, options=options)
        self._slug_field("area", options.areas, _("Tutte le aree"))
        self._slug_field("comune", options.municipalities, _("Tutti i comuni"))
        self._slug_field("fascia", options.age_bands, _("Tutte le età"))
        self._slug_field("rete", options.networks, _("Tutte le reti"))

    def selector_filters(self) -> dict:
        data = self.cleaned_data
        return {
            "network": data.get("rete") or None,
            "area": data.get("area") or None,
            "municipality": data.get("comune") or None,
            "age_band": data.get("fascia") or None,
            "free_only": data.get("gratuite") == "1",
        }
