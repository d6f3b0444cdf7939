"""Questionnaires to families and their anonymous answers (issue 17, items 6–8).

Anonymity by construction: a Response carries the survey, the day it was submitted and two
coarse context values (municipality, age band of the youngest child), chosen by the
respondent or copied from the invitation when the response is stored; it has no column that
names a person, a family, an invitation or an exact time. An Invitation records only that
it was answered. tests/surveys/test_anonymity.py introspects every field to keep it so.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from hub.models import Family, Municipality, Network


class AgeBand(models.TextChoices):
    """The respondent's coarse context: the band of the youngest child."""

    BAND_0_2 = "0-2", _("0–2 anni")
    BAND_3_5 = "3-5", _("3–5 anni")
    BAND_6_10 = "6-10", _("6–10 anni")
    BAND_11_14 = "11-14", _("11–14 anni")
    BAND_15_18 = "15-18", _("15–18 anni")
    NONE = "none", _("Nessun figlio minorenne")


class Survey(ClusterableModel):
    class Audience(models.TextChoices):
        PUBLIC = "public", _("Pubblico (chiunque abbia il link)")
        INVITED = "invited", _("Solo famiglie invitate")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bozza")
        PUBLISHED = "published", _("Pubblicato")

    title = models.CharField(_("titolo"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    intro = models.TextField(_("introduzione"), blank=True)
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("rete")
    )
    opens_at = models.DateTimeField(_("apertura"))
    closes_at = models.DateTimeField(_("chiusura"))
    audience = models.CharField(
        _("destinatari"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC
    )
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("title"),
                FieldPanel("slug"),
                FieldPanel("intro"),
                FieldPanel("network"),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldRowPanel([FieldPanel("audience"), FieldPanel("status")]),
            ],
            heading=_("Questionario"),
        ),
        InlinePanel("sections", heading=_("Sezioni"), label=_("sezione")),
        InlinePanel("questions", heading=_("Domande"), label=_("domanda")),
    ]

    class Meta:
        verbose_name = _("questionario")
        verbose_name_plural = _("questionari")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="survey_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError(
                {"closes_at": _("La chiusura deve essere successiva all'apertura.")}
            )

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.PUBLISHED and self.opens_at <= now < self.closes_at


class Section(Orderable):
    """A part of the questionnaire, numbered; it may be skipped when an earlier question was
    answered a given way ("skip if Q2 is «No»")."""

    survey = ParentalKey(Survey, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField(_("numero"))
    title = models.CharField(_("titolo"), max_length=200)
    skip_if_question = models.CharField(
        _("salta se la domanda (codice)"),
        max_length=20,
        blank=True,
        help_text=_("Il codice di una domanda di una sezione precedente, per esempio «Q2»."),
    )
    skip_if_answer = models.CharField(
        _("ha la risposta"),
        max_length=200,
        blank=True,
        help_text=_("La risposta che fa saltare questa sezione, per esempio «No»."),
    )

    panels = [
        FieldRowPanel([FieldPanel("number"), FieldPanel("title")]),
        FieldRowPanel([FieldPanel("skip_if_question"), FieldPanel("skip_if_answer")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("sezione")
        verbose_name_plural = _("sezioni")
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="section_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Question(Orderable):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Scelta singola")
        MULTIPLE = "multiple", _("Scelta multipla")
        SCALE = "scale", _("Scala da 1 a 5")
        NUMBER = "number", _("Numero")
        SHORT_TEXT = "short_text", _("Testo breve")
        LONG_TEXT = "long_text", _("Testo lungo")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)
    TEXT_KINDS = (Kind.SHORT_TEXT, Kind.LONG_TEXT)

    survey = ParentalKey(Survey, on_delete=models.CASCADE, related_name="questions")
    section_number = models.PositiveSmallIntegerField(_("sezione (numero)"), default=1)
    code = models.CharField(
        _("codice"), max_length=20, help_text=_("Breve e unico nel questionario, es. «Q1».")
    )
    text = models.CharField(_("domanda"), max_length=300)
    help_text = models.CharField(_("aiuto"), max_length=300, blank=True)
    kind = models.CharField(_("tipo"), max_length=12, choices=Kind.choices)
    required = models.BooleanField(_("obbligatoria"), default=True)
    choices = models.TextField(
        _("opzioni"), blank=True, help_text=_("Una opzione per riga (solo per le scelte).")
    )

    panels = [
        FieldRowPanel([FieldPanel("section_number"), FieldPanel("code"), FieldPanel("kind")]),
        FieldPanel("text"),
        FieldPanel("help_text"),
        FieldPanel("choices"),
        FieldPanel("required"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("domanda")
        verbose_name_plural = _("domande")
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="question_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    def clean(self):
        if self.kind in self.CHOICE_KINDS and not self.choice_list:
            raise ValidationError({"choices": _("Una domanda a scelta ha almeno un'opzione.")})

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Invitation(models.Model):
    """A personal one-time link to an invited survey. Only its hash is stored; once used,
    `answered` is set and nothing else: the response it produced is not linked to it."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    family = models.ForeignKey(
        Family, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(_("e-mail"))
    # The link's token is HMAC(secret key, salt): only its hash and the salt are stored.
    salt = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    # Coarse context copied onto the response when it is answered (never a link back).
    municipality = models.ForeignKey(
        Municipality, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    age_band = models.CharField(max_length=8, choices=AgeBand.choices, blank=True)
    answered = models.BooleanField(_("ha risposto"), default=False)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    reminded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invito")
        verbose_name_plural = _("inviti")
        constraints = [
            models.UniqueConstraint(fields=["survey", "email"], name="invitation_once_per_email")
        ]

    def __str__(self) -> str:
        return f"{self.survey} → {self.email}"


class Response(models.Model):
    """One anonymous answer sheet. See the module's docstring before adding any field."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    submitted_on = models.DateField(_("inviato il"))
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    age_band = models.CharField(max_length=8, choices=AgeBand.choices, blank=True)

    class Meta:
        verbose_name = _("risposta")
        verbose_name_plural = _("risposte")

    def __str__(self) -> str:
        return f"{self.survey} ({self.submitted_on})"


class Answer(models.Model):
    """One answer to one question: a choice (one row per chosen option; the scale's value as
    "1"–"5"), a number or a text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choice = models.CharField(max_length=200, blank=True)
    number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["question", "choice"])]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.choice or self.number or self.text[:40]}"
