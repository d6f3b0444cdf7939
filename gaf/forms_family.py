"""Forms of the families' GAF pages: joining a group, the order basket, notifications, the
public Fondo Solidale page's filters.

The forms parse what the browser sends; the rules (multiples, minimum, maximum, deadline,
credit) are the services' (gaf.services), whose errors the order form maps back onto its
fields, so a family reads each message next to the product it is about.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from gaf.models import QUANTITY, PickupPoint
from gaf.selectors import ProductStatus
from gaf.services import LineInput
from hub.models import Network
from hub.validation import StrictDecimalField

ZERO = Decimal("0")


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Messaggio per chi coordina il gruppo"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ad esempio dove abitate o come avete conosciuto il gruppo."),
    )


def _quantity_widget(round_product, *, tolerance: bool) -> forms.NumberInput:
    attrs = {
        "step": _plain(round_product.multiple),
        "min": "0",
        "inputmode": "decimal",
    }
    if round_product.max_total is not None and not tolerance:
        attrs["max"] = _plain(round_product.max_total)
    return forms.NumberInput(attrs=attrs)


def _plain(quantity: Decimal) -> str:
    """A quantity as an HTML number attribute: a dot, no exponent, no trailing zeros."""
    return format(quantity.normalize(), "f")


def firm_field_name(round_product_id: int) -> str:
    return f"firm_{round_product_id}"


def tolerance_field_name(round_product_id: int) -> str:
    return f"tolerance_{round_product_id}"


class OrderForm(forms.Form):
    """A family's whole basket in a round: firm quantity (and tolerance) per product.

    One field pair per product; the tolerance only for products sold by the case. Empty
    means zero. `lines()` gives the service its input; `field_for()` tells hub.form_errors
    which field a service's error is about ("lines.3.firm", "pickup_point"; others on top).
    """

    pickup_point = forms.ModelChoiceField(
        label=_("Punto di ritiro"), queryset=PickupPoint.objects.none(), empty_label=None
    )

    def __init__(self, *args, statuses: list[ProductStatus], pickup_points, **kwargs):
        super().__init__(*args, **kwargs)
        self.statuses = statuses
        self.fields["pickup_point"].queryset = pickup_points
        for status in statuses:
            product = status.round_product
            self.fields[firm_field_name(product.pk)] = StrictDecimalField(
                label=_("Quantità (%(unit)s)") % {"unit": product.get_unit_display()},
                required=False,
                min_value=ZERO,
                **QUANTITY,
                initial=_initial(status.family_firm),
                help_text=_steps_help(product),
                widget=_quantity_widget(product, tolerance=False),
            )
            if product.case_size is not None:
                self.fields[tolerance_field_name(product.pk)] = StrictDecimalField(
                    label=_("Tolleranza (%(unit)s)") % {"unit": product.get_unit_display()},
                    required=False,
                    min_value=ZERO,
                    max_digits=12,
                    decimal_places=3,
                    initial=_initial(status.family_tolerance),
                    help_text=_("Quanto in più accetti per completare una cassa."),
                    widget=_quantity_widget(product, tolerance=True),
                )

    def fields_for(self, round_product_id: int):
        """The product's bound fields: (firm, tolerance or None)."""
        tolerance = tolerance_field_name(round_product_id)
        return (
            self[firm_field_name(round_product_id)],
            self[tolerance] if tolerance in self.fields else None,
        )

    def lines(self) -> list[LineInput]:
        lines = []
        for status in self.statuses:
            product_id = status.round_product.pk
            firm = self.cleaned_data.get(firm_field_name(product_id)) or ZERO
            tolerance = self.cleaned_data.get(tolerance_field_name(product_id)) or ZERO
            lines.append(LineInput(round_product=product_id, firm=firm, tolerance=tolerance))
        return lines

    def field_for(self, key: str) -> str | None:
        if key == "pickup_point":
            return key
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
            index, attribute = int(parts[1]), parts[2]
            if index < len(self.statuses):
                product_id = self.statuses[index].round_product.pk
                name = (
                    firm_field_name(product_id)
                    if attribute == "firm"
                    else tolerance_field_name(product_id)
                )
                if name in self.fields:
                    return name
        return None


def _steps_help(round_product) -> str:
    unit = round_product.unit
    text = _("A multipli di %(step)s %(unit)s.") % {
        "step": formats.number_format(round_product.multiple.normalize(), use_l10n=True),
        "unit": unit,
    }
    if round_product.min_per_family:
        text += " " + _("Minimo %(minimum)s %(unit)s.") % {
            "minimum": formats.number_format(
                round_product.min_per_family.normalize(), use_l10n=True
            ),
            "unit": unit,
        }
    return text


def _initial(quantity: Decimal) -> Decimal | None:
    return quantity.normalize() if quantity else None


PERIODS = {"mese": "month", "trimestre": "quarter", "anno": "year"}


class FundFilterForm(forms.Form):
    """The public Fondo Solidale page's filters, as Italian GET parameters."""

    rete = forms.ModelChoiceField(
        label=_("Rete"),
        queryset=Network.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=None,
    )
    periodo = forms.ChoiceField(
        label=_("Totali per"),
        required=False,
        choices=[("mese", _("mese")), ("trimestre", _("trimestre")), ("anno", _("anno"))],
    )

    def __init__(self, *args, networks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rete"].queryset = networks

    def clean_periodo(self) -> str:
        return PERIODS[self.cleaned_data.get("periodo") or "mese"]
