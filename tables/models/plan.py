"""The Piano Family: a network's or a municipality's biennial plan, its objectives, the
actions that serve them and dated progress updates.

Progress is not stored on the objectives: tables.progress computes it from the latest
update's indicator value or from the actions' statuses whenever a page asks, so it is
never stale. Each update keeps the progress computed when it was recorded (`progress`),
which is what the timeline and the annual report at a past date show.

Writes go through tables.services.plan, which checks what the constraints below cannot
(an indicator value of the objective's kind, an area of the objective's macro-area, the
objective's municipalities within the plan's).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hub.models import Area, MacroArea, Municipality, Network
from tables import progress
from tables.progress import (
    BY_ACTIONS_AVERAGE,
    BY_ACTIONS_WEIGHTED,
    BY_INDICATOR,
    NUMBER,
    PERCENTAGE,
    YES_NO,
)

# Indicator values, baselines and targets: up to ten digits before the comma, two after.
INDICATOR_DIGITS = {"max_digits": 12, "decimal_places": 2}
YEAR_MIN = 2000
YEAR_MAX = 2100
# A plan is biennial (2022–2023); a longer period is refused, a single year allowed.
MAX_PERIOD_YEARS = 2


class Status(models.TextChoices):
    """Where an objective, or an action serving it, stands."""

    NOT_STARTED = progress.NOT_STARTED, _("non avviato")
    IN_PROGRESS = progress.IN_PROGRESS, _("in corso")
    ACHIEVED = progress.ACHIEVED, _("raggiunto")
    DROPPED = progress.DROPPED, _("abbandonato")


class PianoFamily(models.Model):
    """A Piano Family (e benessere della comunità) of a network or of one municipality."""

    class PlanStatus(models.TextChoices):
        DRAFT = "draft", _("bozza")
        PUBLISHED = "published", _("pubblicato")

    network = models.ForeignKey(
        Network,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="piani_family",
        verbose_name=_("rete"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="piani_family",
        verbose_name=_("comune"),
    )
    title = models.CharField(_("titolo"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    start_year = models.PositiveSmallIntegerField(
        _("primo anno"), validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
    )
    end_year = models.PositiveSmallIntegerField(
        _("ultimo anno"), validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
    )
    first_review_on = models.DateField(_("prima verifica annuale"), null=True, blank=True)
    second_review_on = models.DateField(_("seconda verifica annuale"), null=True, blank=True)
    status = models.CharField(
        _("stato"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    description = models.TextField(_("descrizione"), blank=True)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modificato il"), auto_now=True)
    published_at = models.DateTimeField(_("pubblicato il"), null=True, blank=True)

    class Meta:
        verbose_name = _("Piano Family")
        verbose_name_plural = _("Piani Family")
        ordering = ["-start_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(network__isnull=False, municipality__isnull=True)
                | Q(network__isnull=True, municipality__isnull=False),
                name="piano_family_of_a_network_or_a_municipality",
            ),
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year"))
                & Q(end_year__lt=F("start_year") + MAX_PERIOD_YEARS),
                name="piano_family_period_of_one_or_two_years",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="piano_family_published_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.PlanStatus.PUBLISHED

    @property
    def owner(self) -> Network | Municipality:
        return self.network if self.network_id else self.municipality

    @property
    def period_label(self) -> str:
        if self.start_year == self.end_year:
            return str(self.start_year)
        return f"{self.start_year}–{self.end_year}"


class Objective(models.Model):
    """An objective of a plan, in a macro-area (and an area) of the taxonomy, measured by
    an indicator or by its actions."""

    class IndicatorKind(models.TextChoices):
        NUMBER = NUMBER, _("numero")
        PERCENTAGE = PERCENTAGE, _("percentuale")
        YES_NO = YES_NO, _("sì/no")

    class ProgressMethod(models.TextChoices):
        INDICATOR = BY_INDICATOR, _("dall'indicatore (dal valore di partenza all'obiettivo)")
        ACTIONS_AVERAGE = BY_ACTIONS_AVERAGE, _("dalle azioni (media semplice)")
        ACTIONS_WEIGHTED = BY_ACTIONS_WEIGHTED, _("dalle azioni (media pesata)")

    plan = models.ForeignKey(
        PianoFamily, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("piano")
    )
    macro_area = models.ForeignKey(
        MacroArea,
        on_delete=models.PROTECT,
        related_name="plan_objectives",
        verbose_name=_("macro-area"),
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_objectives",
        verbose_name=_("area"),
    )
    municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="plan_objectives",
        verbose_name=_("Comuni interessati"),
        help_text=_("Nessuno: tutti i Comuni del piano."),
    )
    title = models.CharField(_("titolo"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    expected_results = models.TextField(_("risultati attesi"), blank=True)
    indicator_name = models.CharField(_("indicatore"), max_length=200)
    indicator_unit = models.CharField(_("unità di misura"), max_length=40, blank=True)
    indicator_kind = models.CharField(
        _("tipo di indicatore"),
        max_length=12,
        choices=IndicatorKind.choices,
        default=IndicatorKind.NUMBER,
    )
    baseline = models.DecimalField(_("valore di partenza"), **INDICATOR_DIGITS)
    target = models.DecimalField(_("valore obiettivo"), **INDICATOR_DIGITS)
    progress_method = models.CharField(
        _("avanzamento calcolato"),
        max_length=20,
        choices=ProgressMethod.choices,
        default=ProgressMethod.INDICATOR,
    )
    responsible = models.CharField(_("responsabile"), max_length=200, blank=True)
    responsible_association = models.ForeignKey(
        "associations.Association",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_objectives",
        verbose_name=_("associazione responsabile"),
    )
    due_date = models.DateField(_("scadenza"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("peso"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modificato il"), auto_now=True)

    class Meta:
        verbose_name = _("obiettivo")
        verbose_name_plural = _("obiettivi")
        ordering = ["macro_area__code", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="objective_weight_1_to_100"
            ),
            models.CheckConstraint(
                condition=Q(baseline__gte=0, target__gte=0),
                name="objective_indicator_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(indicator_kind=PERCENTAGE) | Q(baseline__lte=100, target__lte=100),
                name="objective_percentage_up_to_100",
            ),
            models.CheckConstraint(
                condition=~Q(indicator_kind=YES_NO) | Q(baseline__in=[0, 1], target__in=[0, 1]),
                name="objective_yes_no_is_0_or_1",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ObjectiveAction(models.Model):
    """Something done for an objective: an initiative of the mappatura, a proposal of a
    table, or an action described in words; its status and weight feed the objective's
    progress when the objective is measured by its actions.

    The proposal is a generic link (content type and id) so that this model does not
    depend on the tables' proposals. TODO(issue 13, item 5): once tables.Proposal exists,
    services.plan.LINKABLE_PROPOSALS names it, and the action's status may follow the
    proposal's (approved → in progress, completed → achieved, withdrawn → dropped).
    """

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="actions", verbose_name=_("obiettivo")
    )
    title = models.CharField(_("azione"), max_length=200)
    initiative = models.ForeignKey(
        "associations.InitiativePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_actions",
        verbose_name=_("iniziativa"),
    )
    proposal_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tipo della proposta collegata"),
    )
    proposal_id = models.PositiveBigIntegerField(_("proposta collegata"), null=True, blank=True)
    proposal = GenericForeignKey("proposal_type", "proposal_id")
    status = models.CharField(
        _("stato"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    weight = models.PositiveSmallIntegerField(
        _("peso"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("azione dell'obiettivo")
        verbose_name_plural = _("azioni dell'obiettivo")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="action_weight_1_to_100"
            ),
            models.CheckConstraint(
                condition=Q(proposal_type__isnull=True, proposal_id__isnull=True)
                | Q(proposal_type__isnull=False, proposal_id__isnull=False),
                name="action_proposal_type_and_id_together",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    """A dated account of where an objective stands: status, indicator value and a note."""

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="updates", verbose_name=_("obiettivo")
    )
    date = models.DateField(_("data"))
    status = models.CharField(_("stato"), max_length=12, choices=Status.choices)
    indicator_value = models.DecimalField(
        _("valore dell'indicatore"), null=True, blank=True, **INDICATOR_DIGITS
    )
    # The objective's progress as computed when the update was recorded.
    progress = models.DecimalField(
        _("avanzamento (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("nota"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("autore"),
    )
    created_at = models.DateTimeField(_("registrato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("aggiornamento")
        verbose_name_plural = _("aggiornamenti")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["objective", "date"], name="progress_update_by_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(indicator_value__isnull=True) | Q(indicator_value__gte=0),
                name="progress_update_value_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=0, progress__lte=100),
                name="progress_update_progress_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.objective} — {self.date}"
