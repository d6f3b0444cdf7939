"""Associations, sports clubs and informal groups: the hub's main publishers.

The foundation holds the association's record; its Wagtail page, membership, roles and
moderation arrive with the associations issue.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.models import Area, Municipality, Network


class Association(models.Model):
    class Kind(models.TextChoices):
        ASSOCIATION = "associazione", _("associazione")
        SPORTS_CLUB = "societa_sportiva", _("società sportiva")
        INFORMAL_GROUP = "gruppo_informale", _("gruppo informale")
        SCHOOL = "scuola", _("scuola")
        PARISH = "parrocchia", _("parrocchia")
        COOPERATIVE = "cooperativa", _("cooperativa")
        PUBLIC_BODY = "ente_pubblico", _("ente pubblico")

    name = models.CharField(_("nome"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("tipo"), max_length=30, choices=Kind.choices)
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="associations", verbose_name=_("rete")
    )
    municipalities = models.ManyToManyField(
        Municipality, related_name="associations", verbose_name=_("comuni serviti")
    )
    areas = models.ManyToManyField(Area, related_name="associations", verbose_name=_("aree"))
    description = models.TextField(_("descrizione"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("sito web"), blank=True)
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)

    class Meta:
        verbose_name = _("associazione")
        verbose_name_plural = _("associazioni")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
