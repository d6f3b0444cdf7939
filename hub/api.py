"""Read-only API of the territory and taxonomy, and the signed-in user's own record."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from hub.access import DeclaredPolicyPermission
from hub.api_errors import json_error
from hub.models import AgeBand, Area, MacroArea, Municipality, Network, User


class MunicipalitySerializer(serializers.ModelSerializer):
    networks = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Municipality
        fields = ["id", "name", "slug", "istat_code", "province", "website", "networks"]


class NetworkSerializer(serializers.ModelSerializer):
    municipalities = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Network
        fields = [
            "id",
            "name",
            "short_name",
            "slug",
            "kind",
            "description",
            "certified_family_in_italia",
            "website",
            "municipalities",
        ]


class MacroAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = MacroArea
        fields = ["code", "name"]


class AreaSerializer(serializers.ModelSerializer):
    macro_area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Area
        fields = ["id", "name", "slug", "macro_area"]


class AgeBandSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgeBand
        fields = ["id", "name", "slug", "min_age", "max_age", "whole_family"]


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "date_joined"]
        read_only_fields = fields


CONTROL_CHARACTERS_MESSAGE = _lazy(
    "Il valore contiene caratteri di controllo, che non sono ammessi."
)


def _has_control_characters(value: str) -> bool:
    return any(character < " " for character in value)


class SlugLookupField(serializers.SlugRelatedField):
    """SlugRelatedField that refuses a value with control characters before looking it up:
    PostgreSQL refuses a NUL byte in any string, and DRF lets that error through as a 500.

    Minimal guard found by the schemathesis run (issue 9, item 10); the hub-wide input
    mechanism for NUL bytes and control characters supersedes it.
    """

    default_error_messages = {
        **serializers.SlugRelatedField.default_error_messages,
        "control_characters": CONTROL_CHARACTERS_MESSAGE,
    }

    def to_internal_value(self, data):
        if isinstance(data, str) and _has_control_characters(data):
            self.fail("control_characters")
        return super().to_internal_value(data)


def reject_control_characters(query_params) -> None:
    """400 naming the query parameters that hold a control character (a NUL byte above all,
    which PostgreSQL refuses in any string: a 500 without this).

    Minimal guard for the API's filters, found by the schemathesis run (issue 9, item 10);
    the hub-wide input mechanism for NUL bytes and control characters supersedes it.
    """
    bad = sorted(
        name
        for name, values in query_params.lists()
        if any(_has_control_characters(value) for value in values)
    )
    if bad:
        raise exceptions.ValidationError({name: [CONTROL_CHARACTERS_MESSAGE] for name in bad})


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [DeclaredPolicyPermission]
    lookup_field = "slug"


class NetworkViewSet(ReadOnlyViewSet):
    """Networks of municipalities (consortia and Reti dei Comuni amici della famiglia)."""

    serializer_class = NetworkSerializer
    queryset = Network.objects.prefetch_related(
        Prefetch("municipalities", queryset=Municipality.objects.order_by("name"))
    ).order_by("name")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "network", OpenApiTypes.STR, description="A network's slug: its municipalities."
            )
        ]
    )
)
class MunicipalityViewSet(ReadOnlyViewSet):
    """Municipalities, filterable by network (`?network=<slug>`)."""

    serializer_class = MunicipalitySerializer

    def get_queryset(self):
        queryset = Municipality.objects.prefetch_related("networks").order_by("name")
        reject_control_characters(self.request.query_params)
        network = self.request.query_params.get("network")
        if network:
            queryset = queryset.filter(networks__slug=network)
        return queryset


class AreaViewSet(ReadOnlyViewSet):
    """Areas of the mappatura, each with its Family in Italia macro-area."""

    serializer_class = AreaSerializer
    queryset = Area.objects.select_related("macro_area")
    pagination_class = None


class MacroAreaViewSet(ReadOnlyViewSet):
    serializer_class = MacroAreaSerializer
    queryset = MacroArea.objects.all()
    lookup_field = "code"
    pagination_class = None


class AgeBandViewSet(ReadOnlyViewSet):
    serializer_class = AgeBandSerializer
    queryset = AgeBand.objects.all()
    pagination_class = None


@extend_schema(summary="The signed-in user")
class MeView(generics.RetrieveAPIView):
    permission_classes = [DeclaredPolicyPermission, IsAuthenticated]
    serializer_class = MeSerializer

    def get_object(self):
        return self.request.user


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other path under /api/, whatever the method: a 404 in the API's format (without
    this, the path would fall through to the page tree, which checks CSRF first)."""
    return json_error(404, _("Risorsa non trovata."))
