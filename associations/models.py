"""Associations, sports clubs and informal groups: the hub's main publishers.

An `Association` is the record; its public face is an `AssociationPage` in the Wagtail tree
(under its network's `AssociationIndexPage`), whose subtree holds its `InitiativePage`s, the
entries of the mappatura. Each association has a Wagtail group (page permissions on exactly
its page's subtree) and a collection for its images and documents.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Page
from wagtail.search import index

from hub.models import AgeBand, Area, Cost, Decision, Municipality, Network
from hub.rich_text import SanitizedRichTextBlock, SanitizedRichTextField

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class AssociationKind(models.TextChoices):
    ASSOCIATION = "associazione", _("associazione")
    SPORTS_CLUB = "societa_sportiva", _("società sportiva")
    INFORMAL_GROUP = "gruppo_informale", _("gruppo informale")
    SCHOOL = "scuola", _("scuola")
    PARISH = "parrocchia", _("parrocchia")
    COOPERATIVE = "cooperativa", _("cooperativa")
    PUBLIC_BODY = "ente_pubblico", _("ente pubblico")


class Association(models.Model):
    Kind = AssociationKind

    name = models.CharField(_("nome"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("tipo"), max_length=30, choices=AssociationKind.choices)
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="associations", verbose_name=_("rete")
    )
    municipalities = models.ManyToManyField(
        Municipality, related_name="associations", verbose_name=_("comuni serviti")
    )
    areas = models.ManyToManyField(Area, related_name="associations", verbose_name=_("aree"))
    description = models.TextField(_("descrizione"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefono"), max_length=40, blank=True)
    website = models.URLField(_("sito web"), blank=True)
    trusted = models.BooleanField(
        _("pubblica senza revisione"),
        default=False,
        help_text=_(
            "Le associazioni di fiducia pubblicano direttamente; le altre passano dalla "
            "revisione dello staff della rete."
        ),
    )
    group = models.OneToOneField(
        "auth.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="association",
        editable=False,
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="association",
        editable=False,
    )
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)

    class Meta:
        verbose_name = _("associazione")
        verbose_name_plural = _("associazioni")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AssociationMembership(models.Model):
    """A person who edits an association's pages. Admins also invite and remove editors."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("amministratore")
        EDITOR = "editor", _("redattore")

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="association_memberships"
    )
    role = models.CharField(_("ruolo"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("redattore dell'associazione")
        verbose_name_plural = _("redattori dell'associazione")
        constraints = [
            models.UniqueConstraint(fields=["association", "user"], name="one_membership_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.association} ({self.get_role_display()})"


class Invitation(models.Model):
    """An e-mail invitation to edit an association. Only a digest of the token is stored."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(
        _("ruolo"),
        max_length=10,
        choices=AssociationMembership.Role.choices,
        default=AssociationMembership.Role.EDITOR,
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invito")
        verbose_name_plural = _("inviti")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.association}"


class JoinRequest(Decision):
    """A group asking to join the network. Network staff approve or reject it."""

    name = models.CharField(_("nome del gruppo"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=30, choices=AssociationKind.choices)
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="join_requests", verbose_name=_("rete")
    )
    municipalities = models.ManyToManyField(
        Municipality, related_name="join_requests", verbose_name=_("comuni serviti")
    )
    areas = models.ManyToManyField(Area, related_name="join_requests", verbose_name=_("aree"))
    description = models.TextField(_("di cosa vi occupate"), max_length=2000)
    contact_name = models.CharField(_("persona di riferimento"), max_length=150)
    contact_email = models.EmailField(_("e-mail di contatto"))
    contact_phone = models.CharField(_("telefono"), max_length=40, blank=True)
    website = models.URLField(_("sito web"), blank=True)
    editor_email = models.EmailField(
        _("e-mail del primo redattore"),
        help_text=_("Riceverà l'invito a gestire le pagine dell'associazione."),
    )
    association = models.OneToOneField(
        Association,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="join_request",
        verbose_name=_("associazione creata"),
    )
    created_at = models.DateTimeField(_("ricevuta il"), auto_now_add=True)

    class Meta(Decision.Meta):
        verbose_name = _("richiesta di adesione")
        verbose_name_plural = _("richieste di adesione")
        ordering = ["-created_at"]
        indexes = [models.Index(Lower("name"), name="joinrequest_lower_name")]

    def __str__(self) -> str:
        return self.name


class Follow(models.Model):
    """A resident follows an association (feeds their calendar and notifications)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("associazione seguita")
        verbose_name_plural = _("associazioni seguite")
        constraints = [models.UniqueConstraint(fields=["user", "association"], name="follow_once")]

    def __str__(self) -> str:
        return f"{self.user} → {self.association}"


class AssociationApiToken(models.Model):
    """A token with which another system acts for the association (e.g. posts its events).

    Same format and digest as Wagtail's APIToken (`wagtail_…`, HMAC-SHA-256 with SECRET_KEY).
    """

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("nome"), max_length=80)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=16, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("token API dell'associazione")
        verbose_name_plural = _("token API delle associazioni")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


# --- Wagtail pages ----------------------------------------------------------------------------


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Testo del pulsante"), max_length=60)
    url = blocks.URLBlock(label=_("Collegamento"))

    class Meta:
        icon = "link"
        label = _("Invito all'azione")
        template = "associations/blocks/call_to_action.html"


class BodyBlock(blocks.StreamBlock):
    paragraph = SanitizedRichTextBlock(features=RICH_TEXT_FEATURES, label=_("Testo"))
    image = ImageBlock(label=_("Immagine"))
    document = DocumentChooserBlock(label=_("Documento"))
    embed = EmbedBlock(label=_("Video o contenuto incorporato"), max_width=800)
    call_to_action = CallToActionBlock()


class AssociationIndexPage(Page):
    """A network's directory of associations: the parent of their pages."""

    network = models.OneToOneField(
        Network, on_delete=models.PROTECT, related_name="association_index", verbose_name=_("rete")
    )
    intro = SanitizedRichTextField(
        _("introduzione"), blank=True, features=["bold", "italic", "link"]
    )

    content_panels = [*Page.content_panels, FieldPanel("network"), FieldPanel("intro")]
    parent_page_types = ["hub.HomePage"]
    subpage_types = ["associations.AssociationPage"]

    class Meta:
        verbose_name = _("elenco delle associazioni della rete")

    def serve(self, request, *args, **kwargs):
        from associations.views import directory

        return directory(request, network=self.network, index_page=self)


class AssociationPage(Page):
    """An association's public page."""

    association = models.OneToOneField(
        Association, on_delete=models.PROTECT, related_name="page", verbose_name=_("associazione")
    )
    intro = models.TextField(_("presentazione breve"), max_length=400, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logo"),
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("contenuto"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("logo"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["associations.AssociationIndexPage"]
    # Named, not imported: events builds on associations, not the other way round.
    subpage_types = ["associations.InitiativePage", "events.EventPage"]

    class Meta:
        verbose_name = _("pagina dell'associazione")

    def get_context(self, request, *args, **kwargs):
        from associations import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.association_page_context(self, user=request.user))
        return context


class InitiativePage(Cost, Page):
    """An entry of the mappatura: a project, service or activity for children and families."""

    free_label = _("Gratuita")
    free_with_cost_message = _(
        "Un'iniziativa gratuita non ha un costo: togli la spunta o il costo."
    )

    class Frequency(models.TextChoices):
        ONCE = "once", _("una tantum")
        WEEKLY = "weekly", _("settimanale")
        MONTHLY = "monthly", _("mensile")
        SEASONAL = "seasonal", _("stagionale")
        ONGOING = "ongoing", _("continuativa")

    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("area")
    )
    age_bands = ParentalManyToManyField(
        AgeBand, related_name="initiatives", blank=True, verbose_name=_("fasce d'età")
    )
    municipalities = ParentalManyToManyField(
        Municipality, related_name="initiatives", verbose_name=_("comuni")
    )
    summary = models.TextField(_("in breve"), max_length=400)
    frequency = models.CharField(
        _("frequenza"), max_length=10, choices=Frequency.choices, default=Frequency.ONGOING
    )
    period_start = models.DateField(_("dal"), null=True, blank=True)
    period_end = models.DateField(_("al"), null=True, blank=True)
    place = models.CharField(_("luogo"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail di contatto"), blank=True)
    contact_phone = models.CharField(_("telefono di contatto"), max_length=40, blank=True)
    good_practice = models.BooleanField(_("buona pratica"), default=False)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("descrizione"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("area"), FieldPanel("frequency")]),
        FieldPanel("age_bands", widget=forms.CheckboxSelectMultiple),
        FieldPanel("municipalities", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [FieldPanel("is_free"), FieldPanel("cost"), FieldPanel("cost_note")],
            heading=_("Costo"),
        ),
        FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")], heading=_("Periodo")),
        FieldPanel("place"),
        FieldRowPanel([FieldPanel("contact_email"), FieldPanel("contact_phone")]),
        FieldPanel("good_practice"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["associations.AssociationPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("iniziativa")
        verbose_name_plural = _("iniziative")
        constraints = [
            *Cost.Meta.constraints,
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_start__lte=models.F("period_end")),
                name="initiative_period_in_order",
            ),
        ]

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        errors = self.clean_cost()
        if not self.is_free and self.cost is None and not self.cost_note:
            errors["cost"] = _("Indica il costo o una nota sul costo.")
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("La fine del periodo è prima dell'inizio.")
        if errors:
            raise ValidationError(errors)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["association"] = self.get_parent().specific.association
        return context
