"""POST /api/v1/tariffs/calculate/: the calculator as a stateless API, so a municipality's
own site can embed it. Same computation as the page (tariffs.comparison); nothing is
stored or logged; rate-limited per caller."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework import throttling as drf_throttling
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.api_schema import ErrorSerializer
from hub.throttling import ResilientThrottleMixin
from tariffs import comparison, indicators
from tariffs.models import ServiceKind

MONEY = {"max_digits": 14, "decimal_places": 2}


class CalculatorThrottle(ResilientThrottleMixin, drf_throttling.SimpleRateThrottle):
    """30 calculations a minute per person or, anonymously, per address: a family needs a
    handful; an embedding site's visitors each have their own address."""

    scope = "tariffs_calculator"
    rate = "30/min"

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        ident = user.pk if user is not None and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class CalculationRequestSerializer(serializers.Serializer):
    adults = serializers.IntegerField(min_value=0, max_value=indicators.MAX_MEMBERS)
    children_ages = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=120),
        max_length=indicators.MAX_MEMBERS,
        default=list,
        help_text="Each child's age in whole years.",
    )
    disabled_members = serializers.IntegerField(
        min_value=0, max_value=indicators.MAX_MEMBERS, default=0
    )
    all_parents_work = serializers.BooleanField(
        default=False, help_text="Both parents (or the only one) work."
    )
    ise = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="ISE or declared yearly income, in euros."
    )
    municipality = serializers.SlugField(help_text="The municipality's slug, e.g. `lissone`.")
    services = serializers.ListField(
        child=serializers.ChoiceField(choices=ServiceKind.choices),
        min_length=1,
        max_length=len(ServiceKind.choices),
    )


class StepSerializer(serializers.Serializer):
    label = serializers.CharField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=4)


class IndicatorSerializer(serializers.Serializer):
    scale = serializers.CharField()
    parameter = serializers.DecimalField(max_digits=8, decimal_places=2)
    value = serializers.DecimalField(**MONEY)
    steps = StepSerializer(many=True)


class PriceSerializer(serializers.Serializer):
    monthly = serializers.DecimalField(**MONEY)
    yearly = serializers.DecimalField(**MONEY)
    steps = serializers.ListField(child=serializers.CharField())


class ServiceResultSerializer(serializers.Serializer):
    kind = serializers.CharField()
    name = serializers.CharField()
    months_per_year = serializers.IntegerField()
    isee = PriceSerializer()
    fattore_famiglia = PriceSerializer()
    monthly_difference = serializers.DecimalField(
        **MONEY, help_text="Fattore Famiglia minus ISEE (negative: the family pays less)."
    )
    yearly_difference = serializers.DecimalField(**MONEY)


class TariffMunicipalitySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class IndicatorsSerializer(serializers.Serializer):
    isee = IndicatorSerializer()
    fattore_famiglia = IndicatorSerializer()


class CalculationSerializer(serializers.Serializer):
    municipality = TariffMunicipalitySerializer()
    indicators = IndicatorsSerializer()
    services = ServiceResultSerializer(many=True)
    monthly_difference = serializers.DecimalField(**MONEY)
    yearly_difference = serializers.DecimalField(**MONEY)


def _indicator(name: str, indicator: indicators.Indicator) -> dict:
    return {
        "scale": name,
        "parameter": indicator.parameter,
        "value": indicator.value,
        "steps": [{"label": step.label, "amount": step.amount} for step in indicator.steps],
    }


def _as_data(result: comparison.Comparison) -> dict:
    return {
        "municipality": {"slug": result.municipality.slug, "name": result.municipality.name},
        "indicators": {
            "isee": _indicator(result.isee_scale, result.isee),
            "fattore_famiglia": _indicator(result.fattore_famiglia_scale, result.fattore_famiglia),
        },
        "services": [
            {
                "kind": row.kind,
                "name": row.name,
                "months_per_year": row.months_per_year,
                "isee": {
                    "monthly": row.isee.price,
                    "yearly": row.yearly_isee,
                    "steps": list(row.isee.steps),
                },
                "fattore_famiglia": {
                    "monthly": row.fattore_famiglia.price,
                    "yearly": row.yearly_fattore_famiglia,
                    "steps": list(row.fattore_famiglia.steps),
                },
                "monthly_difference": row.monthly_difference,
                "yearly_difference": row.yearly_difference,
            }
            for row in result.services
        ],
        "monthly_difference": result.monthly_difference,
        "yearly_difference": result.yearly_difference,
    }


class CalculateView(APIView):
    """A household's tariffs under ISEE and under the Fattore Famiglia, for the services
    of one municipality, with the steps. Anyone may call it; nothing is stored."""

    throttle_classes = [CalculatorThrottle]

    @extend_schema(
        operation_id="tariffs_calculate",
        summary="Compare tariffs under ISEE and Fattore Famiglia",
        request=CalculationRequestSerializer,
        responses={200: CalculationSerializer, 400: ErrorSerializer, 429: ErrorSerializer},
        examples=[
            OpenApiExample(
                "A family of five in Lissone",
                request_only=True,
                value={
                    "adults": 2,
                    "children_ages": [1, 6, 10],
                    "all_parents_work": True,
                    "ise": "31415.92",
                    "municipality": "lissone",
                    "services": ["canteen", "nursery"],
                },
            )
        ],
    )
    def post(self, request):
        asked = CalculationRequestSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        data = asked.validated_data
        result = comparison.compare(
            household=indicators.Household(
                adults=data["adults"],
                children_ages=tuple(data["children_ages"]),
                disabled_members=data["disabled_members"],
                all_parents_work=data["all_parents_work"],
                ise=data["ise"],
            ),
            municipality_slug=data["municipality"],
            service_kinds=list(dict.fromkeys(data["services"])),
            on=timezone.localdate(),
        )
        return Response(CalculationSerializer(_as_data(result)).data)
