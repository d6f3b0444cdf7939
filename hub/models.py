"""Core data of the hub: accounts, territory, taxonomy, families, API tokens, home page."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from hub.rich_text import SanitizedRichTextField

# --- Accounts -----------------------------------------------------------------------------


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with an e-mail address; there is no username."""

    email = models.EmailField(_("indirizzo e-mail"), unique=True)
    full_name = models.CharField(_("nome e cognome"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("staff della rete"),
        default=False,
        help_text=_("Può accedere all'amministrazione del sito."),
    )
    is_active = models.BooleanField(_("attivo"), default=True)
    date_joined = models.DateTimeField(_("data di iscrizione"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    # Wagtail's admin shows these.
    @property
    def first_name(self) -> str:
        return self.full_name.split(" ", 1)[0] if self.full_name else ""

    @property
    def last_name(self) -> str:
        return self.full_name.split(" ", 1)[1] if " " in self.full_name else ""

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.first_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()


# --- Territory ------------------------------------------------------------------------------

istat_code_validator = RegexValidator(
    r"^\d{6}$", _("Il codice ISTAT è composto da 6 cifre (es. 001038).")
)
province_validator = RegexValidator(
    r"^[A-Z]{2}$", _("La sigla della provincia è di due lettere maiuscole (es. TO).")
)


class Municipality(models.Model):
    """A comune."""

    name = models.CharField(_("nome"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    istat_code = models.CharField(
        _("codice ISTAT"), max_length=6, unique=True, validators=[istat_code_validator]
    )
    province = models.CharField(_("provincia"), max_length=2, validators=[province_validator])
    website = models.URLField(_("sito web"), blank=True)

    class Meta:
        verbose_name = _("comune")
        verbose_name_plural = _("comuni")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.province})"


class Network(models.Model):
    """A network of municipalities: a consortium (ambito) or a Rete dei Comuni amici."""

    class Kind(models.TextChoices):
        CONSORTIUM = "consortium", _("consorzio intercomunale")
        NETWORK = "network", _("rete di comuni")

    name = models.CharField(_("nome"), max_length=200, unique=True)
    short_name = models.CharField(_("nome breve"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("descrizione"), blank=True)
    certified_family_in_italia = models.BooleanField(
        _("certificazione Family in Italia"), default=False
    )
    website = models.URLField(_("sito web"), blank=True)
    municipalities = models.ManyToManyField(
        Municipality, related_name="networks", verbose_name=_("comuni"), blank=True
    )

    class Meta:
        verbose_name = _("rete")
        verbose_name_plural = _("reti")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


# --- Taxonomy (data, editable by network staff) -------------------------------------------


class MacroArea(models.Model):
    """A macro-area of the Family in Italia plans (A to E)."""

    code = models.CharField(
        _("codice"), max_length=1, unique=True, validators=[RegexValidator(r"^[A-Z]$")]
    )
    name = models.CharField(_("nome"), max_length=120)

    class Meta:
        verbose_name = _("macro-area")
        verbose_name_plural = _("macro-aree")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Area(models.Model):
    """An area of the mappatura that classifies every initiative."""

    name = models.CharField(_("nome"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    macro_area = models.ForeignKey(
        MacroArea, on_delete=models.PROTECT, related_name="areas", verbose_name=_("macro-area")
    )
    sort_order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("aree")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class AgeBand(models.Model):
    """An age band for targeting initiatives and events. `max_age` None means no upper bound."""

    name = models.CharField(_("nome"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    min_age = models.PositiveSmallIntegerField(_("età minima"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("età massima"), null=True, blank=True)
    whole_family = models.BooleanField(_("tutta la famiglia"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("fascia d'età")
        verbose_name_plural = _("fasce d'età")
        ordering = ["sort_order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=models.F("max_age")),
                name="ageband_min_not_above_max",
            )
        ]

    def __str__(self) -> str:
        return self.name


# --- Families ---------------------------------------------------------------------------------


class Family(models.Model):
    """A household. Adults are users; children are recorded by birth year only, never by name."""

    name = models.CharField(
        _("nome della famiglia"), max_length=120, help_text=_("Ad esempio «Famiglia Rossi».")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="families",
        verbose_name=_("comune di residenza"),
    )
    members = models.ManyToManyField(
        User, through="FamilyMember", related_name="families", verbose_name=_("componenti adulti")
    )
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)

    class Meta:
        verbose_name = _("famiglia")
        verbose_name_plural = _("famiglie")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FamilyMember(models.Model):
    """An adult of a family. A user belongs to at most one household."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="memberships")
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="family_membership")
    is_manager = models.BooleanField(
        _("gestisce la famiglia"),
        default=True,
        help_text=_("Può modificare i dati della famiglia e invitare altri adulti."),
    )

    class Meta:
        verbose_name = _("componente adulto")
        verbose_name_plural = _("componenti adulti")

    def __str__(self) -> str:
        return f"{self.user} — {self.family}"


class Child(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="children")
    birth_year = models.PositiveSmallIntegerField(
        _("anno di nascita"), validators=[MinValueValidator(1900), MaxValueValidator(2200)]
    )

    class Meta:
        verbose_name = _("figlio/a")
        verbose_name_plural = _("figli")
        ordering = ["birth_year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__gte=1900) & Q(birth_year__lte=2200),
                name="child_birth_year_plausible",
            )
        ]

    def __str__(self) -> str:
        return str(self.birth_year)


# --- Wagtail pages ----------------------------------------------------------------------------


class Cost(models.Model):
    """What taking part costs, shared by initiatives and events: free, or an amount in euros
    and/or a note ("al mese, sconto per i fratelli"). Shown by hub/includes/cost.html."""

    # The page's own words for "free" and for a free thing given a cost (gender agrees).
    free_label = _("Gratuito")
    free_with_cost_message = _("Se è gratuito non ha un costo: togli la spunta o il costo.")

    is_free = models.BooleanField(_("gratis"), default=True)
    cost = models.DecimalField(
        _("costo (€)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    cost_note = models.CharField(_("note sul costo"), max_length=200, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(is_free=True, cost__isnull=True) | Q(is_free=False),
                name="%(app_label)s_%(class)s_free_has_no_cost",
            )
        ]

    def clean_cost(self) -> dict:
        """The cost's errors by field; a free thing's cost is cleared."""
        errors = {}
        if self.is_free and self.cost:
            errors["cost"] = self.free_with_cost_message
        if self.is_free:
            self.cost = None
        return errors


class Decision(models.Model):
    """Something network staff approve or reject with a reason (a group's join request, an
    event proposed from the public site): the state, the reason, who decided and when.

    The services lock the row, check it is still pending and call ``approve``/``reject``,
    which set the fields and return the names to save."""

    class Status(models.TextChoices):
        PENDING = "pending", _("in attesa")
        APPROVED = "approved", _("approvata")
        REJECTED = "rejected", _("respinta")

    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decision_reason = models.TextField(_("motivazione"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decisa da"),
    )
    decided_at = models.DateTimeField(_("decisa il"), null=True, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_reason=""),
                name="%(app_label)s_%(class)s_rejection_has_a_reason",
            )
        ]

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def approve(self, *, by) -> list[str]:
        self.status = self.Status.APPROVED
        self.decided_by = by
        self.decided_at = timezone.now()
        return ["status", "decided_by", "decided_at"]

    def reject(self, *, by, reason: str) -> list[str]:
        self.status = self.Status.REJECTED
        self.decision_reason = reason
        self.decided_by = by
        self.decided_at = timezone.now()
        return ["status", "decision_reason", "decided_by", "decided_at"]


class HomePage(Page):
    """The network's home page."""

    intro = SanitizedRichTextField(
        _("introduzione"), blank=True, features=["bold", "italic", "link"]
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("pagina iniziale")

    def get_context(self, request, *args, **kwargs):
        from hub import home
        from hub.selectors import networks_with_municipalities

        context = super().get_context(request, *args, **kwargs)
        context["networks"] = networks_with_municipalities()
        context["home_sections"] = home.sections_for(request)
        return context


class StandardPage(Page):
    """A plain content page (accessibility statement, privacy policy, about)."""

    body = SanitizedRichTextField(_("testo"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]

    class Meta:
        verbose_name = _("pagina semplice")


class BroadcastOutbox(models.Model):
    """Channel-layer events written by the task cluster in embedded mode.

    The in-memory channel layer lives inside the web process, so a broadcast made by a
    django-q2 worker (another process) would be lost. In that case hub.websocket.broadcast
    stores the event here and the web process relays it (hub.websocket.relay_outbox).
    """

    group = models.CharField(max_length=200)
    event = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.group}: {self.event.get('type', '?')}"
