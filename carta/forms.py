"""Forms of the Carta Famiglia pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carta import tokens
from carta.models import Card, IseeBand


class CardRequestForm(forms.Form):
    """The family's request (and renewal). The ISEE band is asked only where the network
    sets a condition on it."""

    declared_isee_band = forms.ChoiceField(
        label=_("Fascia ISEE della famiglia"),
        choices=[("", _("— scegli la fascia —")), *IseeBand.choices],
        required=False,
        help_text=_("Dichiari solo la fascia: il valore ISEE non viene chiesto né conservato."),
    )

    def __init__(self, *args, asks_isee: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if asks_isee:
            self.fields["declared_isee_band"].required = True
        else:
            del self.fields["declared_isee_band"]


class CardStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nuovo stato"), choices=Card.Status.choices)
    reason = forms.CharField(
        label=_("Motivo"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obbligatorio per sospendere o revocare: la famiglia lo leggerà."),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("status") in (Card.Status.SUSPENDED, Card.Status.REVOKED)
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Indica il motivo: la famiglia lo leggerà."))
        return data


class VerifyForm(forms.Form):
    """A QR code's token (scanned or pasted) or a typed card number, at one of the operator's
    outlets."""

    outlet = forms.TypedChoiceField(label=_("Punto vendita"), coerce=int)
    token = forms.CharField(
        label=_("Codice letto dal QR"),
        required=False,
        max_length=400,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    number = forms.CharField(
        label=_("Oppure numero della carta"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("12 cifre, come stampate sotto il codice QR."),
    )

    def __init__(self, *args, outlets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outlet"].choices = [
            (outlet.pk, f"{outlet.shop.business_name} — {outlet.name}") for outlet in outlets
        ]

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        # A scanned QR code holds the verification page's address with the token in it.
        if "?t=" in token:
            token = token.split("?t=", 1)[1].split("&", 1)[0]
        return token

    def clean_number(self):
        number = tokens.normalise_number(self.cleaned_data["number"])
        if number and not tokens.is_well_formed_number(number):
            raise forms.ValidationError(
                _("Il numero della carta ha 12 cifre e l'ultima è di controllo: ricontrollalo.")
            )
        return number

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("token") and not data.get("number"):
            raise forms.ValidationError(
                _("Inquadra il codice QR della carta oppure scrivi il suo numero.")
            )
        return data
