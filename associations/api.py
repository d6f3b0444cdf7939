"""API of associations and of the mappatura's initiatives, and association API tokens.

Reads are public and list what the public site lists (associations.selectors: associations
with a live page, live initiatives of live associations), less pages in a private section.
Filters take slugs; an unknown value is a 400 naming the parameter, never an empty list.
Token management is for the association's admins and goes through associations.services,
like the editors' screens.
"""

from __future__ import annotations

import django_filters
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce, Substr
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, generics, serializers, status, viewsets
from rest_framework.response import Response

from associations import rules, selectors, services
from associations.api_auth import is_association_principal
from associations.models import (
    Association,
    AssociationApiToken,
    AssociationKind,
    AssociationPage,
    InitiativePage,
)
from hub import urls_absolute
from hub.access import DeclaredPolicyPermission
from hub.models import AgeBand, Area, Municipality, Network


class AssociationTokenScheme(OpenApiAuthenticationExtension):
    # Here, not in api_auth: DRF imports the authentication classes while its views module
    # loads, and drf-spectacular's extensions import that module.
    target_class = "associations.api_auth.AssociationTokenAuthentication"
    name = "associationToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "Association API token, created by the association's admins: "
                "`Authorization: Bearer <token>`."
            ),
        }


# --- Read querysets ---------------------------------------------------------------------------
# What the public site lists (associations.selectors), minus pages in a private section.


def associations_for_api():
    """The directory's associations (those with a live page) and their public initiatives."""
    public_initiatives = (
        InitiativePage.objects.live()
        .public()
        .filter(path__startswith=OuterRef("page__path"), depth=OuterRef("page__depth") + 1)
        .order_by()
        .values("depth")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        selectors.directory_associations()
        # The API shows each area's macro-area too: the same prefetches, with it joined.
        .prefetch_related(None)
        .prefetch_related(
            Prefetch("municipalities", queryset=Municipality.objects.order_by("name")),
            Prefetch(
                "areas",
                queryset=Area.objects.select_related("macro_area").order_by("sort_order", "name"),
            ),
        )
        .annotate(
            live_initiatives=Coalesce(Subquery(public_initiatives, output_field=IntegerField()), 0)
        )
    )


def initiatives_for_api():
    """The public site's initiatives, each with its association (the parent page's)."""
    parent_path = Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * InitiativePage.steplen)
    parent = AssociationPage.objects.filter(path=parent_path)
    return (
        selectors.with_card_data(selectors.live_initiatives())
        .public()
        .annotate(
            association_id=Subquery(parent.values("association_id")[:1]),
            association_slug=Subquery(parent.values("association__slug")[:1]),
        )
        .order_by("title", "pk")
    )


# --- Filters ----------------------------------------------------------------------------------
# DjangoFilterBackend answers an invalid value (an unknown slug or choice) with a 400 that
# names the parameter, in the API's error format.


def _slug_filter(queryset, field_name: str | None, description: str, **kwargs):
    # The schema type is given outright: method filters have no model field to infer it from,
    # and an override replaces the filter's own help text, so the description goes with it.
    return extend_schema_field({"type": "string", "description": description})(
        django_filters.ModelChoiceFilter(
            queryset=queryset, field_name=field_name, to_field_name="slug", **kwargs
        )
    )


class AssociationFilter(django_filters.FilterSet):
    municipality = _slug_filter(
        Municipality.objects.all(),
        "municipalities",
        "Slug of a municipality: associations that serve it.",
    )
    kind = django_filters.ChoiceFilter(
        choices=AssociationKind.choices, help_text="Kind of association."
    )
    area = _slug_filter(
        Area.objects.all(), "areas", "Slug of an area of the mappatura: associations active in it."
    )
    network = _slug_filter(Network.objects.all(), "network", "Slug of a network.")

    class Meta:
        model = Association
        fields = ["municipality", "kind", "area", "network"]


class InitiativeFilter(django_filters.FilterSet):
    area = _slug_filter(Area.objects.all(), "area", "Slug of an area of the mappatura.")
    municipality = _slug_filter(
        Municipality.objects.all(), "municipalities", "Slug of a municipality where it happens."
    )
    age_band = _slug_filter(
        AgeBand.objects.all(), "age_bands", "Slug of an age band (e.g. `6-10`) it is meant for."
    )
    free = extend_schema_field(
        {
            "type": "string",
            "enum": ["true", "false"],
            "description": "`true`: free initiatives only; `false`: paid ones only.",
        }
    )(
        django_filters.ChoiceFilter(
            choices=[("true", "true"), ("false", "false")], method="filter_free"
        )
    )
    network = _slug_filter(
        Network.objects.all(),
        None,
        "Slug of the network of the initiative's association.",
        method="filter_network",
    )
    association = _slug_filter(
        Association.objects.all(),
        None,
        "Slug of the association that runs it.",
        method="filter_association",
    )

    class Meta:
        model = InitiativePage
        fields = ["area", "municipality", "age_band", "free", "network", "association"]

    def filter_free(self, queryset, name, value):
        return queryset.filter(is_free=value == "true")

    def filter_network(self, queryset, name, value):
        return queryset.filter(
            association_id__in=Association.objects.filter(network=value).values("pk")
        )

    def filter_association(self, queryset, name, value):
        return queryset.filter(association_id=value.pk)


# --- Serializers ------------------------------------------------------------------------------


class MunicipalityRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["slug", "name", "istat_code"]


class AreaRefSerializer(serializers.ModelSerializer):
    macro_area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Area
        fields = ["slug", "name", "macro_area"]


class AssociationSerializer(serializers.ModelSerializer):
    network = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    municipalities = MunicipalityRefSerializer(many=True, read_only=True)
    areas = AreaRefSerializer(many=True, read_only=True)
    page_url = serializers.SerializerMethodField(
        help_text="Absolute URL of the association's public page; null while it is not live."
    )
    live_initiatives = serializers.IntegerField(
        read_only=True, help_text="Number of the association's published initiatives."
    )

    class Meta:
        model = Association
        fields = [
            "slug",
            "name",
            "kind",
            "network",
            "municipalities",
            "areas",
            "description",
            "website",
            "email",
            "page_url",
            "live_initiatives",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_page_url(self, association) -> str | None:
        page = getattr(association, "page", None)
        if page is None or not page.live:
            return None
        return urls_absolute.page_url(page)


class InitiativeSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Absolute URL of the initiative's page.")
    association = serializers.CharField(
        source="association_slug", read_only=True, help_text="Slug of the association."
    )
    area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    macro_area = serializers.CharField(source="area.macro_area.code", read_only=True)
    age_bands = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    municipalities = MunicipalityRefSerializer(many=True, read_only=True)
    cost = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        coerce_to_string=True,
        allow_null=True,
        read_only=True,
        help_text='Cost in euros as a decimal string (e.g. "12.50"); null when free or unset.',
    )

    class Meta:
        model = InitiativePage
        fields = [
            "id",
            "title",
            "url",
            "association",
            "area",
            "macro_area",
            "age_bands",
            "municipalities",
            "summary",
            "is_free",
            "cost",
            "cost_note",
            "frequency",
            "period_start",
            "period_end",
            "place",
            "good_practice",
            "last_published_at",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, page) -> str | None:
        return urls_absolute.page_url(page)


class AssociationTokenSerializer(serializers.ModelSerializer):
    revoked = serializers.SerializerMethodField()

    class Meta:
        model = AssociationApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "revoked"]
        read_only_fields = fields

    def get_revoked(self, token) -> bool:
        return token.revoked_at is not None


class AssociationTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80, help_text="A name to recognise the token by.")


class AssociationTokenCreatedSerializer(AssociationTokenSerializer):
    token = serializers.CharField(
        read_only=True, help_text="The token itself: shown only in this response."
    )

    class Meta(AssociationTokenSerializer.Meta):
        fields = [*AssociationTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class AssociationRefSerializer(serializers.ModelSerializer):
    network = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Association
        fields = ["slug", "name", "network"]


class TokenRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssociationApiToken
        fields = ["name", "prefix"]


class AssociationMeSerializer(serializers.Serializer):
    association = AssociationRefSerializer(read_only=True)
    token = TokenRefSerializer(read_only=True)


# --- Views ------------------------------------------------------------------------------------


class AssociationViewSet(viewsets.ReadOnlyModelViewSet):
    """Associations of the networks, filterable like the public directory."""

    permission_classes = [DeclaredPolicyPermission]
    serializer_class = AssociationSerializer
    # The model for the schema; the rows come from get_queryset (which queries the database).
    queryset = Association.objects.none()
    lookup_field = "slug"
    filter_backends = [DjangoFilterBackend]
    filterset_class = AssociationFilter

    def get_queryset(self):
        return associations_for_api()


@extend_schema_view(
    retrieve=extend_schema(summary="A published initiative, by page id"),
)
class InitiativeViewSet(viewsets.ReadOnlyModelViewSet):
    """Published initiatives of the mappatura (projects, services and activities)."""

    permission_classes = [DeclaredPolicyPermission]
    serializer_class = InitiativeSerializer
    queryset = InitiativePage.objects.none()
    filter_backends = [DjangoFilterBackend]
    filterset_class = InitiativeFilter

    def get_queryset(self):
        return initiatives_for_api()


# Token management is for people: signed in, or with their personal token.
ADMIN_AUTH = [{"cookieAuth": []}, {"apiToken": []}]


def _association_managed_by(request, slug: str) -> Association:
    """The association whose tokens the signed-in user manages, or 403/404."""
    if is_association_principal(request.user):
        raise exceptions.PermissionDenied(
            _("Un token dell'associazione non può gestire i token: accedi come amministratore.")
        )
    association = get_object_or_404(Association, slug=slug)
    if not rules.can_manage_tokens(request.user, association):
        raise exceptions.PermissionDenied(
            _("Solo gli amministratori dell'associazione possono gestirne i token.")
        )
    return association


class AssociationTokenListView(generics.GenericAPIView):
    """The association's API tokens. Only its admins see them or create new ones."""

    permission_classes = [DeclaredPolicyPermission]
    serializer_class = AssociationTokenSerializer
    pagination_class = None
    queryset = AssociationApiToken.objects.none()

    @extend_schema(
        summary="List the association's API tokens",
        responses=AssociationTokenSerializer(many=True),
        auth=ADMIN_AUTH,
    )
    def get(self, request, slug):
        association = _association_managed_by(request, slug)
        tokens = association.api_tokens.order_by("-created_at", "-pk")
        return Response(AssociationTokenSerializer(tokens, many=True).data)

    @extend_schema(
        summary="Create an API token (its plaintext is returned only once)",
        request=AssociationTokenCreateSerializer,
        responses={201: AssociationTokenCreatedSerializer},
        auth=ADMIN_AUTH,
    )
    def post(self, request, slug):
        association = _association_managed_by(request, slug)
        form = AssociationTokenCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        # A refusal reaches hub.api_errors, which answers it in the hub's format.
        token, plaintext = services.association_token_create(
            association=association, name=form.validated_data["name"], by=request.user
        )
        token.token = plaintext
        return Response(
            AssociationTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED
        )


class AssociationTokenRevokeView(generics.GenericAPIView):
    permission_classes = [DeclaredPolicyPermission]
    serializer_class = AssociationTokenSerializer
    queryset = AssociationApiToken.objects.none()

    @extend_schema(
        summary="Revoke an API token", request=None, responses={204: None}, auth=ADMIN_AUTH
    )
    def delete(self, request, slug, token_id):
        association = _association_managed_by(request, slug)
        if not services.association_token_revoke(association=association, token_id=token_id):
            raise exceptions.NotFound(_("Token non trovato o già revocato."))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AssociationTokenPermission(DeclaredPolicyPermission):
    message = _(
        "Questo indirizzo risponde solo a un token API dell'associazione "
        "(Authorization: Bearer <token>), non a un utente."
    )


@extend_schema(
    summary="The association an association API token acts for",
    auth=[{AssociationTokenScheme.name: []}],
)
class AssociationMeView(generics.RetrieveAPIView):
    permission_classes = [AssociationTokenPermission]
    serializer_class = AssociationMeSerializer

    def get_object(self):
        return {"association": self.request.user.association, "token": self.request.auth}
