"""Tables (tavoli), their members, membership requests and invitations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hub.models import Decision, Municipality, Network


class Table(models.Model):
    """A tavolo: the intercommunal table of a network, or a municipal table of families.

    A public table is read by everyone and acted on by its members; a private table shows
    nothing at all to anyone but its members (tables.rules)."""

    class Kind(models.TextChoices):
        INTERCOMMUNAL = "intercommunal", _("tavolo intercomunale")
        MUNICIPAL = "municipal", _("tavolo comunale delle famiglie")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("pubblico")
        PRIVATE = "private", _("riservato ai componenti")

    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="tables", verbose_name=_("rete")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tables",
        verbose_name=_("comune"),
        help_text=_("Obbligatorio per i tavoli comunali."),
    )
    name = models.CharField(_("nome"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("descrizione"), blank=True)
    visibility = models.CharField(
        _("visibilità"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("tavolo")
        verbose_name_plural = _("tavoli")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="municipal") | Q(municipality__isnull=False),
                name="tables_municipal_table_has_municipality",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("coordinatore")
    MEMBER = "member", _("componente")
    OBSERVER = "observer", _("osservatore")


class Membership(models.Model):
    """A person at a table, with a role; optionally representing an association."""

    Role = Role

    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="table_memberships"
    )
    role = models.CharField(_("ruolo"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    association = models.ForeignKey(
        "associations.Association",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="table_memberships",
        verbose_name=_("per conto dell'associazione"),
    )
    joined_at = models.DateTimeField(_("entrato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("componente del tavolo")
        verbose_name_plural = _("componenti del tavolo")
        ordering = ["table", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["table", "user"], name="tables_one_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.table} ({self.get_role_display()})"


class MembershipRequest(Decision):
    """A person asks to join a table; a coordinator approves or rejects it."""

    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="membership_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="table_requests"
    )
    association = models.ForeignKey(
        "associations.Association",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("per conto dell'associazione"),
    )
    message = models.TextField(_("messaggio"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("richiesta il"), auto_now_add=True)

    class Meta(Decision.Meta):
        verbose_name = _("richiesta di partecipazione")
        verbose_name_plural = _("richieste di partecipazione")
        ordering = ["-created_at"]
        constraints = [
            *Decision.Meta.constraints,
            models.UniqueConstraint(
                fields=["table", "user"],
                condition=Q(status="pending"),
                name="tables_one_pending_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.table} ({self.get_status_display()})"


class Invitation(models.Model):
    """A coordinator invites a person (by e-mail, or an account already known) to a table.
    Only a digest of the token is stored; the link carries the token."""

    class Status(models.TextChoices):
        PENDING = "pending", _("in attesa")
        ACCEPTED = "accepted", _("accettato")
        DECLINED = "declined", _("rifiutato")
        REVOKED = "revoked", _("revocato")

    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    invited_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="table_invitations",
    )
    role = models.CharField(_("ruolo"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    association = models.ForeignKey(
        "associations.Association",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("per conto dell'associazione"),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invito al tavolo")
        verbose_name_plural = _("inviti al tavolo")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "email"],
                condition=Q(status="pending"),
                name="tables_one_pending_invitation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.table}"
