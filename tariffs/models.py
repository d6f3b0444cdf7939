"""Scales, services and tariff rules: data that municipal staff edit in the Wagtail admin.

The computations live in the pure modules (tariffs.indicators, tariffs.pricing); the
models keep their inputs, with the checks that make them computable (clean()).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import PreviewableMixin

from hub.models import Municipality, Network
from tariffs import indicators, pricing

MONEY = {"max_digits": 12, "decimal_places": 2}


class Status(models.TextChoices):
    """A draft is a proposal under study: the reform simulation compares it with the rule in
    force; the calculator and the API apply only active scales and rules."""

    ACTIVE = "active", _("in vigore")
    DRAFT = "draft", _("bozza (solo simulazione)")


class ScaleKind(models.TextChoices):
    ISEE = "isee", _("ISEE")
    FATTORE_FAMIGLIA = "ff", _("Fattore Famiglia")


class Scale(PreviewableMixin, models.Model):
    """An equivalence scale in force between two dates, for one municipality, for a
    network, or (neither) for every municipality without one of its own."""

    name = models.CharField(_("nome"), max_length=120)
    kind = models.CharField(_("indicatore"), max_length=4, choices=ScaleKind.choices)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tariff_scales",
        verbose_name=_("comune"),
    )
    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tariff_scales",
        verbose_name=_("rete"),
    )
    valid_from = models.DateField(_("valida dal"))
    valid_until = models.DateField(_("valida fino al"), null=True, blank=True)
    coefficients = models.JSONField(
        _("coefficienti"),
        help_text=_(
            'Esempio: {"base": ["1.00", "1.57", "2.04", "2.46", "2.85"], "extra_member": '
            '"0.35", "large_family": [[3, "0.20"], [4, "0.35"], [5, "0.50"]], '
            '"minors_working_parents": "0.20", "young_child_working_parents": "0.30", '
            '"per_disabled_member": "0.50", "per_child": "0"}'
        ),
    )
    notes = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("stato"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )

    class Meta:
        verbose_name = _("scala di equivalenza")
        verbose_name_plural = _("scale di equivalenza")
        ordering = ["kind", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(municipality__isnull=True) | Q(network__isnull=True),
                name="tariffs_scale_one_scope",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="tariffs_scale_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def as_coefficients(self) -> indicators.ScaleCoefficients:
        return indicators.scale_from_data(self.coefficients)

    # Wagtail's live preview in the admin: what the coefficients being typed give for
    # typical households, next to the ISEE scale (unsaved edits included).
    def get_preview_template(self, request, mode_name):
        return "tariffs/admin/scale_preview.html"

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        try:
            context["rows"] = indicators.preview_rows(self.as_coefficients())
        except ValidationError as error:
            context["errors"] = error.messages
        context["ise"] = indicators.PREVIEW_ISE
        return context

    def clean(self):
        errors = {}
        if self.municipality_id and self.network_id:
            errors["network"] = [
                _("Una scala vale per un comune o per una rete, non per entrambi.")
            ]
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            errors["valid_until"] = [_("La fine della validità precede l'inizio.")]
        try:
            indicators.scale_from_data(self.coefficients)
        except ValidationError as error:
            errors["coefficients"] = error.messages
        if errors:
            raise ValidationError(errors)


class ServiceKind(models.TextChoices):
    CANTEEN = "canteen", _("mensa scolastica")
    NURSERY = "nursery", _("asilo nido")
    TRANSPORT = "transport", _("trasporto scolastico")
    SUMMER = "summer", _("centro estivo")


class Service(models.Model):
    """A service for which a municipality charges families a social tariff."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="tariff_services",
        verbose_name=_("comune"),
    )
    kind = models.CharField(_("tipo"), max_length=12, choices=ServiceKind.choices)
    name = models.CharField(_("nome"), max_length=120)
    months_per_year = models.PositiveSmallIntegerField(
        _("mesi a pagamento all'anno"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )

    class Meta:
        verbose_name = _("servizio a tariffa")
        verbose_name_plural = _("servizi a tariffa")
        ordering = ["municipality__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind"], name="tariffs_one_service_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(months_per_year__gte=1, months_per_year__lte=12),
                name="tariffs_service_months",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.municipality.name}"


class TariffRule(PreviewableMixin, models.Model):
    """How a service's monthly price follows the indicator, between two dates."""

    class Method(models.TextChoices):
        BANDS = pricing.BANDS, _("a fasce")
        LINEAR = pricing.LINEAR, _("lineare tra due soglie")

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="rules", verbose_name=_("servizio")
    )
    valid_from = models.DateField(_("valida dal"))
    valid_until = models.DateField(_("valida fino al"), null=True, blank=True)
    method = models.CharField(_("metodo"), max_length=8, choices=Method.choices)
    bands = models.JSONField(
        _("fasce"),
        default=list,
        blank=True,
        help_text=_(
            'Per il metodo a fasce: [{"from": "0", "to": "6000", "price": "20.00"}, '
            '{"from": "6000", "to": null, "price": "60.00"}]'
        ),
    )
    min_price = models.DecimalField(_("tariffa minima (€/mese)"), null=True, blank=True, **MONEY)
    max_price = models.DecimalField(_("tariffa massima (€/mese)"), null=True, blank=True, **MONEY)
    lower_threshold = models.DecimalField(_("soglia minima"), null=True, blank=True, **MONEY)
    upper_threshold = models.DecimalField(_("soglia massima"), null=True, blank=True, **MONEY)
    exemption_threshold = models.DecimalField(
        _("esenzione sotto l'indicatore"), null=True, blank=True, **MONEY
    )
    cap = models.DecimalField(_("tetto (€/mese)"), null=True, blank=True, **MONEY)
    status = models.CharField(
        _("stato"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )

    class Meta:
        verbose_name = _("regola tariffaria")
        verbose_name_plural = _("regole tariffarie")
        ordering = ["service", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="tariffs_rule_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        text = f"{self.service} ({self.valid_from:%d/%m/%Y})"
        return f"{text} [{self.get_status_display()}]" if self.status == Status.DRAFT else text

    def get_preview_template(self, request, mode_name):
        return "tariffs/admin/rule_preview.html"

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        try:
            spec = self.as_spec()
            pricing.validate(spec)
        except ValidationError as error:
            context["errors"] = error.messages
        else:
            context["rows"] = [
                (value, pricing.monthly_price(spec, value)) for value in pricing.PREVIEW_VALUES
            ]
        return context

    def as_spec(self) -> pricing.TariffSpec:
        return pricing.TariffSpec(
            method=self.method,
            bands=pricing.bands_from_data(self.bands or []) if self.method == pricing.BANDS else (),
            min_price=self.min_price,
            max_price=self.max_price,
            lower_threshold=self.lower_threshold,
            upper_threshold=self.upper_threshold,
            exemption_threshold=self.exemption_threshold,
            cap=self.cap,
        )

    def clean(self):
        errors = {}
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            errors["valid_until"] = [_("La fine della validità precede l'inizio.")]
        try:
            pricing.validate(self.as_spec())
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                errors.update(error.message_dict)
            else:
                errors["bands"] = error.messages
        if errors:
            raise ValidationError(errors)
