"""Forms of the Carta Famiglia pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carta import tokens, vat
from carta.models import Card, Category, IseeBand, Offer, Outlet, Shop
from carta.offer_services import OfferData
from carta.shop_services import OutletData, ShopApplication, ShopDetails
from hub.abuse import HoneypotFormMixin
from hub.models import Municipality, Network


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


class ShopJoinForm(HoneypotFormMixin, forms.Form):
    """The public request of a shop to join a network's Carta Famiglia."""

    network = forms.ModelChoiceField(
        label=_("Rete"), queryset=Network.objects.order_by("name"), empty_label=None
    )
    business_name = forms.CharField(label=_("Ragione sociale"), max_length=200)
    vat_number = forms.CharField(
        label=_("Partita IVA"),
        max_length=16,
        help_text=_("11 cifre, con o senza «IT» davanti."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    contact_email = forms.EmailField(label=_("E-mail di contatto"))
    operator_email = forms.EmailField(
        label=_("E-mail di chi verificherà le carte"),
        help_text=_("Riceverà l'accesso alla pagina di verifica quando la rete approva."),
    )
    outlet_name = forms.CharField(
        label=_("Nome del punto vendita"), max_length=120, help_text=_("Ad esempio «Centro».")
    )
    outlet_address = forms.CharField(label=_("Indirizzo del punto vendita"), max_length=200)
    outlet_municipality = forms.ModelChoiceField(
        label=_("Comune del punto vendita"),
        queryset=Municipality.objects.filter(networks__isnull=False).distinct().order_by("name"),
    )
    latitude = forms.DecimalField(
        label=_("Latitudine"),
        required=False,
        max_digits=8,
        decimal_places=6,
        min_value=-90,
        max_value=90,
    )
    longitude = forms.DecimalField(
        label=_("Longitudine"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
    )

    def clean_vat_number(self):
        number = self.cleaned_data["vat_number"]
        if not vat.is_valid(number):
            raise forms.ValidationError(
                _("La partita IVA non è valida: sono 11 cifre e l'ultima è di controllo.")
            )
        return vat.normalise(number)

    def to_application(self):
        data = self.cleaned_data
        return ShopApplication(
            **{name: data[name] for name in ShopApplication.__dataclass_fields__}
        )


class ShopDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approva")), ("reject", _("Respingi"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("Motivazione"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Obbligatoria per respingere: verrà inviata per e-mail a chi ha fatto richiesta."
        ),
    )


class OfferForm(forms.Form):
    title = forms.CharField(label=_("Titolo"), max_length=150)
    kind = forms.ChoiceField(label=_("Tipo di offerta"), choices=Offer.Kind.choices)
    value = forms.DecimalField(
        label=_("Valore"),
        required=False,
        max_digits=8,
        decimal_places=2,
        help_text=_("Percentuale, euro di sconto o prezzo speciale; vuoto se gratuito."),
    )
    description = forms.CharField(
        label=_("Descrizione"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    conditions = forms.CharField(label=_("Condizioni"), required=False, max_length=300)
    starts_on = forms.DateField(
        label=_("Valida dal"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Valida fino al"), widget=forms.DateInput(attrs={"type": "date"})
    )
    card_holders_only = forms.BooleanField(
        label=_("Solo per chi ha la Carta Famiglia"), required=False, initial=True
    )
    outlets = forms.ModelMultipleChoiceField(
        label=_("Punti vendita"),
        queryset=Outlet.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Categorie"),
        queryset=Category.objects.order_by("sort_order", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, shop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outlets"].queryset = Outlet.objects.filter(shop=shop)

    def to_data(self) -> OfferData:
        data = dict(self.cleaned_data)
        data["outlets"] = tuple(data["outlets"])
        data["categories"] = tuple(data["categories"])
        return OfferData(**data)

    @classmethod
    def initial_of(cls, offer: Offer) -> dict:
        return {
            "title": offer.title,
            "kind": offer.kind,
            "value": offer.value,
            "description": offer.description,
            "conditions": offer.conditions,
            "starts_on": offer.starts_on,
            "ends_on": offer.ends_on,
            "card_holders_only": offer.card_holders_only,
            "outlets": list(offer.outlets.all()),
            "categories": list(offer.categories.all()),
        }


# --- The shop's management (its operators) -----------------------------------------------------


class ShopDetailsForm(forms.Form):
    description = forms.CharField(
        label=_("Descrizione"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Cosa offre il negozio alle famiglie: appare nella sua pagina pubblica."),
    )
    public_email = forms.EmailField(
        label=_("E-mail pubblica"),
        required=False,
        help_text=_("Appare nella pagina pubblica del negozio e nell'API."),
    )
    contact_email = forms.EmailField(
        label=_("E-mail per la rete"),
        help_text=_("Non è pubblica: la rete vi scrive qui."),
    )
    phone = forms.CharField(
        label=_("Telefono"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    website = forms.URLField(label=_("Sito web"), required=False, assume_scheme="https")
    categories = forms.ModelMultipleChoiceField(
        label=_("Categorie"),
        queryset=Category.objects.order_by("sort_order", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    @classmethod
    def initial_of(cls, shop: Shop) -> dict:
        return {
            "description": shop.description,
            "public_email": shop.public_email,
            "contact_email": shop.contact_email,
            "phone": shop.phone,
            "website": shop.website,
            "categories": list(shop.categories.all()),
        }

    def to_data(self) -> ShopDetails:
        data = dict(self.cleaned_data)
        data["categories"] = tuple(data["categories"])
        return ShopDetails(**data)


class OutletForm(forms.Form):
    """An outlet; the municipality among the shop's network's. The coordinates' ranges are
    checked by the service (carta.shop_services), with its messages."""

    name = forms.CharField(
        label=_("Nome del punto vendita"), max_length=120, help_text=_("Ad esempio «Centro».")
    )
    address = forms.CharField(label=_("Indirizzo"), max_length=200)
    municipality = forms.ModelChoiceField(label=_("Comune"), queryset=Municipality.objects.none())
    latitude = forms.DecimalField(
        label=_("Latitudine"),
        required=False,
        max_digits=8,
        decimal_places=6,
        help_text=_("Facoltativa, in gradi decimali (ad esempio 45.0703)."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    longitude = forms.DecimalField(
        label=_("Longitudine"),
        required=False,
        max_digits=9,
        decimal_places=6,
        help_text=_("Facoltativa, in gradi decimali (ad esempio 7.6869)."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(self, *args, shop: Shop, **kwargs):
        super().__init__(*args, **kwargs)
        # Any municipality is accepted here; one outside the network is refused by the service
        # with a message that names it. The list offers the network's only.
        self.fields["municipality"].queryset = Municipality.objects.all()
        self.fields["municipality"].widget.choices = [
            ("", "---------"),
            *(
                (municipality.pk, municipality.name)
                for municipality in shop.network.municipalities.order_by("name")
            ),
        ]

    @classmethod
    def initial_of(cls, outlet: Outlet) -> dict:
        return {
            "name": outlet.name,
            "address": outlet.address,
            "municipality": outlet.municipality_id,
            "latitude": outlet.latitude,
            "longitude": outlet.longitude,
        }

    def to_data(self) -> OutletData:
        return OutletData(**self.cleaned_data)


class OperatorInvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail del collega da invitare"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "Riceverà un link valido 7 giorni: accedendo con questo indirizzo diventa operatore "
            "dell'esercizio (verifica le carte, scrive le offerte, gestisce l'esercizio)."
        ),
    )
