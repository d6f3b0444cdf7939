"""Forms of the coordinators' screens: they parse what was typed, the services judge it.

A form checks types and presence (a number is a number, a date a date); the domain rules
(a price is not negative, a case size is a multiple of the step, a round closes after it
opens) live in the services, whose field errors hub.form_errors puts back on the
matching fields. Choices (families, products, pickup points) come from the view, so a
form never queries the database.

Date-times are typed in `datetime-local` inputs and read as Europe/Rome wall-clock times.
On the two nights a year when the clocks change, a time that does not exist (02:30 on the
last Sunday of March) or that happens twice (02:30 on the last Sunday of October) is
refused with a message saying why: a deadline must be one instant.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gaf.models import (
    AMOUNT,
    PERCENT,
    QUANTITY,
    UNIT_PRICE,
    AllocationPolicy,
    Payment,
    SplitBasis,
    Unit,
    VatRate,
)
from gaf.pricelist import MAX_BYTES
from hub.forms import RomeDateTimeField
from hub.validation import StrictDecimalField, validate_date_in_bounds


def _date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Scrivi una data, per esempio 2026-03-27.")},
        validators=[validate_date_in_bounds],
        **kwargs,
    )


def _time_field(label, **kwargs) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M", "%H:%M:%S"],
        error_messages={"invalid": _("Scrivi un orario, per esempio 17:30.")},
        **kwargs,
    )


def _number_field(label, digits: dict, **kwargs) -> forms.DecimalField:
    """A decimal typed with a comma or a point, in ASCII digits, that fits its column
    (`digits`: the model's max_digits and decimal_places); the other limits are the
    service's to judge."""
    kwargs.setdefault("error_messages", {"invalid": _("Scrivi un numero, per esempio 2,50.")})
    return StrictDecimalField(
        label=label,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **digits,
        **kwargs,
    )


def plain_decimal(value: Decimal | None, min_places: int = 0) -> Decimal | None:
    """A stored decimal as a person would type it: 6.000 → 6, 5.400 → 5.4, 2.1000 → 2.10
    (with `min_places`=2); never an exponent."""
    if value is None:
        return None
    places = max(min_places, -value.normalize().as_tuple().exponent)
    return value.quantize(Decimal(1).scaleb(-places))


def _amount_field(label, **kwargs) -> forms.DecimalField:
    return _number_field(
        label,
        AMOUNT,
        error_messages={"invalid": _("Scrivi un importo in euro, per esempio 25,50.")},
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
            elif value:
                cleaned[name] = objects[value]
            else:
                cleaned[name] = None
        return cleaned


# --- Group ----------------------------------------------------------------------------------


class JoinRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Viene inviato alla famiglia."),
        error_messages={"required": _("Spiega il motivo: verrà inviato alla famiglia.")},
    )


class MemberRolesForm(forms.Form):
    is_coordinator = forms.BooleanField(label=_("Coordinatore"), required=False)
    is_supplier_referent = forms.BooleanField(label=_("Referente fornitori"), required=False)
    is_treasurer = forms.BooleanField(label=_("Tesoriere"), required=False)


class PickupPointForm(forms.Form):
    name = forms.CharField(label=_("Nome"), max_length=120)
    address = forms.CharField(label=_("Indirizzo"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("Per esempio: orari, come trovarlo, a chi chiedere."),
    )
    is_active = forms.BooleanField(
        label=_("Attivo"),
        required=False,
        initial=True,
        help_text=_("Un punto non attivo non si può scegliere nei nuovi giri."),
    )


class GroupSettingsForm(forms.Form):
    name = forms.CharField(label=_("Nome del gruppo"), max_length=150)
    description = forms.CharField(
        label=_("Descrizione"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    default_fund_percent = _number_field(
        _("Quota per il Fondo Solidale (%)"),
        PERCENT,
        help_text=_("Proposta per ogni nuovo giro; ogni giro può cambiarla."),
    )
    allocation_policy = forms.ChoiceField(
        label=_("Criterio di ripartizione dei colli incompleti"),
        choices=AllocationPolicy.choices,
        widget=forms.RadioSelect,
    )
    prepaid_mode = forms.BooleanField(
        label=_("Credito prepagato"),
        required=False,
        help_text=_("Le famiglie possono ordinare solo entro il credito che hanno versato."),
    )
    send_order_on_close = forms.BooleanField(
        label=_("Invia l'ordine al fornitore appena il giro si chiude"),
        required=False,
        help_text=_(
            "Proposta per ogni nuovo giro. Spenta (consigliato): dopo la chiusura controlli "
            "l'ordine e lo invii tu, e fino all'invio puoi riaprire il giro. Accesa: l'ordine "
            "parte da solo alla chiusura e il giro non si riapre più."
        ),
    )


# --- Suppliers and products -----------------------------------------------------------------


class SupplierForm(_ObjectChoicesForm):
    name = forms.CharField(label=_("Nome"), max_length=150)
    network = forms.ChoiceField(label=_("Rete"))
    email = forms.EmailField(
        label=_("E-mail per gli ordini"),
        help_text=_("L'ordine di ogni giro viene inviato a questo indirizzo."),
        error_messages={"invalid": _("Indica un indirizzo e-mail valido.")},
    )
    municipality = forms.ChoiceField(label=_("Comune"), required=False)
    phone = forms.CharField(label=_("Telefono"), max_length=40, required=False)
    vat_number = forms.CharField(label=_("Partita IVA"), max_length=16, required=False)
    address = forms.CharField(label=_("Indirizzo"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Descrizione"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    is_active = forms.BooleanField(label=_("Attivo"), required=False, initial=True)

    def __init__(self, *args, networks, municipalities, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        _choices(self.fields["network"], networks)
        _choices(self.fields["municipality"], municipalities, empty_label=_("Nessun comune"))
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update(autocomplete="tel", type="tel")
        if editing or len(self.fields["network"].choices) == 1:
            # One network to choose from (or a supplier that stays in its network).
            self.fields["network"].widget = forms.HiddenInput()
            if self.fields["network"].choices and not self.is_bound:
                self.initial.setdefault("network", self.fields["network"].choices[0][0])
        if not editing:
            del self.fields["is_active"]


class ProductForm(forms.Form):
    code = forms.CharField(label=_("Codice"), max_length=40)
    name = forms.CharField(label=_("Nome"), max_length=200)
    category = forms.CharField(label=_("Categoria"), max_length=80, required=False)
    description = forms.CharField(
        label=_("Descrizione"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    unit = forms.ChoiceField(label=_("Unità"), choices=Unit.choices)
    unit_price = _number_field(_("Prezzo per unità, IVA inclusa (€)"), UNIT_PRICE)
    vat_rate = forms.TypedChoiceField(label=_("Aliquota IVA"), choices=VatRate.choices, coerce=int)
    multiple = _number_field(
        _("Multiplo"),
        QUANTITY,
        initial=1,
        help_text=_("Le famiglie ordinano a multipli di questo valore (es. 0,5 kg)."),
    )
    case_size = _number_field(
        _("Unità per collo"),
        QUANTITY,
        required=False,
        help_text=_("Vuoto se il prodotto non si vende a colli; altrimenti un multiplo."),
    )
    min_per_family = _number_field(_("Minimo per famiglia"), QUANTITY, required=False)
    max_total = _number_field(
        _("Disponibilità massima totale"),
        QUANTITY,
        required=False,
        help_text=_(
            "Quanto il fornitore può dare in tutto a un giro, per tutte le famiglie insieme: "
            "sulla pagina del giro le famiglie vedono quanto ne resta e non possono ordinare "
            "oltre. Vuoto se senza limite."
        ),
    )
    unit_weight_kg = _number_field(
        _("Peso per unità (kg)"),
        QUANTITY,
        required=False,
        help_text=_("Per ripartire il trasporto a peso; per i prodotti a kg o a g non serve."),
    )
    is_available = forms.BooleanField(
        label=_("Disponibile"),
        required=False,
        initial=True,
        help_text=_(
            "Un prodotto non disponibile resta nel catalogo ma non si può offrire nei nuovi "
            "giri; i giri già aperti non cambiano."
        ),
    )


class PriceTierForm(forms.Form):
    min_quantity = _number_field(_("Da quantità"), QUANTITY, required=False)
    unit_price = _number_field(_("Prezzo per unità (€)"), UNIT_PRICE, required=False)

    def clean(self):
        cleaned = super().clean()
        low, price = cleaned.get("min_quantity"), cleaned.get("unit_price")
        if (low is None) != (price is None) and not self.errors:
            missing = "unit_price" if price is None else "min_quantity"
            self.add_error(missing, _("Indica sia la soglia sia il prezzo dello scaglione."))
        return cleaned


class _PriceTierFormSet(forms.BaseFormSet):
    def tiers(self) -> list[tuple]:
        """The filled rows as (min_quantity, unit_price), in the order typed."""
        return [
            (form.cleaned_data["min_quantity"], form.cleaned_data["unit_price"])
            for form in self.forms
            if form.cleaned_data.get("min_quantity") is not None
        ]


PriceTierFormSet = forms.formset_factory(
    PriceTierForm, formset=_PriceTierFormSet, extra=3, max_num=20, validate_max=True
)


class PriceListUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Listino in formato CSV"),
        help_text=_(
            "Colonne obbligatorie: codice, nome, unità, prezzo, iva. Facoltative: categoria, "
            "confezione, minimo, multiplo, massimo, disponibile, scaglioni (es. 30:2,10|50:1,95)."
        ),
        error_messages={
            "required": _("Scegli il file del listino."),
            "empty": _("Il file è vuoto."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv,text/plain"

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                _("Il file è troppo grande: al massimo %(size)s MB."),
                params={"size": MAX_BYTES // 2**20},
            )
        return upload.read()


class PriceListConfirmForm(forms.Form):
    """The checked file travels back in the confirmation, base64-encoded; it is parsed
    and checked again when applied, so nothing in it is trusted from the preview."""

    content = forms.CharField(widget=forms.HiddenInput)

    @staticmethod
    def encode(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    def clean_content(self) -> bytes:
        try:
            data = base64.b64decode(self.cleaned_data["content"], validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError(
                _("Il listino inviato è danneggiato: caricalo di nuovo.")
            ) from None
        if len(data) > MAX_BYTES:
            raise ValidationError(_("Il listino inviato è troppo grande."))
        return data


# --- Rounds ---------------------------------------------------------------------------------


class RoundForm(_ObjectChoicesForm):
    """A draft round; `products` lists the supplier's available products."""

    title = forms.CharField(label=_("Titolo"), max_length=200)
    notes = forms.CharField(
        label=_("Note per le famiglie"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    opens_at = RomeDateTimeField(label=_("Apertura degli ordini"))
    closes_at = RomeDateTimeField(
        label=_("Chiusura degli ordini"),
        help_text=_("Ora italiana. Gli ordini arrivati dopo questo istante sono rifiutati."),
    )
    pickup_date = _date_field(_("Giorno di ritiro"))
    pickup_starts_at = _time_field(_("Ritiro dalle"), required=False)
    pickup_ends_at = _time_field(_("Ritiro fino alle"), required=False)
    pickup_points = forms.MultipleChoiceField(
        label=_("Punti di ritiro"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Scegli almeno un punto di ritiro."),
            "invalid_choice": _("Scegli i punti di ritiro dall'elenco."),
        },
    )
    all_products = forms.BooleanField(
        label=_("Tutti i prodotti disponibili del fornitore"), required=False
    )
    products = forms.MultipleChoiceField(
        label=_("Oppure scegli i prodotti uno per uno"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Scegli i prodotti dall'elenco.")},
    )
    fund_percent = _number_field(_("Quota per il Fondo Solidale (%)"), PERCENT)
    allocation_policy = forms.ChoiceField(
        label=_("Criterio di ripartizione dei colli incompleti"),
        choices=AllocationPolicy.choices,
        widget=forms.RadioSelect,
    )
    send_on_close = forms.BooleanField(
        label=_("Invia l'ordine al fornitore appena il giro si chiude"), required=False
    )

    def __init__(self, *args, products, pickup_points, product_label=str, **kwargs):
        super().__init__(*args, **kwargs)
        _choices(self.fields["products"], products, product_label)
        _choices(self.fields["pickup_points"], pickup_points)
        if len(self.fields["pickup_points"].choices) == 1:
            self.initial.setdefault("pickup_points", [self.fields["pickup_points"].choices[0][0]])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("all_products"):
            cleaned["products"] = list(self.fields["products"].objects.values())
        if "products" in cleaned and not cleaned["products"]:
            self.add_error("products", _("Scegli almeno un prodotto."))
        starts, ends = cleaned.get("pickup_starts_at"), cleaned.get("pickup_ends_at")
        if starts and ends and ends <= starts:
            self.add_error("pickup_ends_at", _("Il ritiro deve finire dopo l'inizio."))
        return cleaned


class ExtendForm(forms.Form):
    closes_at = RomeDateTimeField(
        label=_("Nuova chiusura degli ordini"),
        help_text=_(
            "Ora italiana, dopo la chiusura attuale. Le famiglie del gruppo ricevono un avviso."
        ),
    )


class ReopenForm(forms.Form):
    closes_at = RomeDateTimeField(
        label=_("Nuova chiusura degli ordini"),
        help_text=_("Le famiglie ricevono un avviso e possono cambiare i loro ordini."),
    )


class CancelRoundForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo dell'annullamento"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Viene inviato alle famiglie che hanno ordinato."),
        error_messages={"required": _("Spiega il motivo: verrà inviato alle famiglie.")},
    )


class SharedCostForm(forms.Form):
    label = forms.CharField(
        label=_("Descrizione"), max_length=120, initial=_("Trasporto"), required=True
    )
    amount = _amount_field(_("Importo (€)"))
    basis = forms.ChoiceField(
        label=_("Ripartizione"),
        choices=SplitBasis.choices,
        initial=SplitBasis.WEIGHT,
        widget=forms.RadioSelect,
        help_text=_("Sulle quantità consegnate: a peso o in proporzione alla spesa."),
    )


class DeliveryForm(forms.Form):
    """One quantity per order line that was allocated something (`line_<id>`)."""

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[self.field_name(line.pk)] = _number_field(
                _("Consegnato a %(family)s") % {"family": line.order.family.name},
                QUANTITY,
                initial=plain_decimal(line.allocated if line.delivered is None else line.delivered),
            )

    @staticmethod
    def field_name(line_id: int) -> str:
        return f"line_{line_id}"

    def quantities(self) -> dict[int, object]:
        return {line.pk: self.cleaned_data[self.field_name(line.pk)] for line in self.lines}


# --- Money ----------------------------------------------------------------------------------


class PaymentForm(_ObjectChoicesForm):
    family = forms.ChoiceField(
        label=_("Famiglia"),
        error_messages={"invalid_choice": _("Scegli una famiglia del gruppo.")},
    )
    amount = _amount_field(
        _("Importo (€)"), help_text=_("Un rimborso alla famiglia si scrive con il segno meno.")
    )
    method = forms.ChoiceField(
        label=_("Metodo"), choices=Payment.Method.choices, widget=forms.RadioSelect
    )
    paid_on = _date_field(_("Data del pagamento"))
    reference = forms.CharField(
        label=_("Riferimento"),
        max_length=140,
        required=False,
        help_text=_("Per esempio il numero della ricevuta o la causale del bonifico."),
    )

    def __init__(self, *args, families, **kwargs):
        super().__init__(*args, **kwargs)
        _choices(
            self.fields["family"],
            families,
            lambda family: family.name,
            empty_label=_("Scegli la famiglia"),
        )


class DonationForm(forms.Form):
    amount = _amount_field(_("Importo (€)"))
    occurred_on = _date_field(_("Data"))
    description = forms.CharField(
        label=_("Descrizione"),
        max_length=300,
        required=False,
        help_text=_("Compare nel registro del fondo."),
    )


class DisbursementRequestForm(forms.Form):
    amount = _amount_field(_("Importo (€)"))
    purpose = forms.CharField(
        label=_("Finalità"),
        max_length=300,
        help_text=_("Compare nella pagina pubblica del fondo: non indicare nomi di famiglie."),
    )
