"""The Carta Famiglia's API: a shop verifies a card (POST /api/v1/carta/verify/), with its
operator's personal API token (`Authorization: Bearer ...`) or session. The answer is the
page's: valid with the end date (and the number of minor children where the network shows
it), or an error whose code is the outcome; never a name. Rate-limited like the page."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response

from carta import selectors, services, throttle, tokens
from carta.models import Verification
from carta.rules import is_shop_operator
from hub.access import DeclaredPolicyPermission
from hub.api_errors import error_body
from hub.api_schema import ErrorSerializer
from hub.dates import day


class VerifyRequestSerializer(serializers.Serializer):
    outlet = serializers.IntegerField(help_text="One of your shop's outlets (its id).")
    token = serializers.CharField(
        required=False, allow_blank=True, max_length=400, help_text="The token read from the QR."
    )
    number = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="Or the card's 12 digits."
    )

    def validate_number(self, value):
        number = tokens.normalise_number(value)
        if number and not tokens.is_well_formed_number(number):
            raise serializers.ValidationError(
                _("Il numero della carta ha 12 cifre e l'ultima è di controllo: ricontrollalo.")
            )
        return number

    def validate(self, data):
        if not data.get("token", "").strip() and not data.get("number", "").strip():
            raise serializers.ValidationError(
                _("Inquadra il codice QR della carta oppure scrivi il suo numero.")
            )
        return data


class VerificationSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[Verification.Outcome.VALID])
    valid_until = serializers.DateField()
    minor_children = serializers.IntegerField(allow_null=True)
    message = serializers.CharField()


class CardVerifyView(generics.GenericAPIView):
    permission_classes = [DeclaredPolicyPermission]
    serializer_class = VerifyRequestSerializer

    @extend_schema(
        summary="Verify a Carta Famiglia (shop operators)",
        description=(
            "200 only for a valid card. Otherwise the error's `code` is the outcome: "
            "`forged` (400), `other_network` (403), `unknown` (404), `expired`, `suspended`, "
            "`revoked` (409), `token_expired`, `token_replaced` (410). Each verification is "
            "logged for the shop, with a keyed hash of the card."
        ),
        request=VerifyRequestSerializer,
        responses={200: VerificationSerializer, 409: ErrorSerializer, 410: ErrorSerializer},
    )
    def post(self, request):
        outlets = selectors.operator_outlets(request.user)
        if not outlets and not is_shop_operator(request.user):
            raise exceptions.PermissionDenied(
                _("La verifica delle carte è riservata agli esercizi convenzionati.")
            )
        by_id = {outlet.pk: outlet for outlet in outlets}
        outlet = by_id.get(request.data.get("outlet") if isinstance(request.data, dict) else None)
        if outlet is not None:
            shop = outlet.shop
        elif outlets:
            shop = outlets[0].shop
        else:  # an operator whose shop has no outlet yet: counted against the first shop
            shop = selectors.operator_shops(request.user).first()
        if refusal := throttle.verification_refused(request, shop.pk):
            raise exceptions.Throttled(wait=refusal.retry_after, detail=refusal.message)
        serializer = VerifyRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if outlet is None or outlet.pk != serializer.validated_data["outlet"]:
            raise serializers.ValidationError(
                {"outlet": [_("Scegli uno dei punti vendita del tuo esercizio.")]}
            )
        result = services.card_verify(
            shop=shop,
            outlet=outlet,
            token=serializer.validated_data.get("token", "").strip(),
            number=serializer.validated_data.get("number", ""),
        )
        message = _message(result)
        if not result.is_valid:
            return Response(
                error_body(result.outcome, message), status=services.OUTCOME_STATUS[result.outcome]
            )
        return Response(
            {
                "outcome": result.outcome,
                "valid_until": result.valid_until,
                "minor_children": result.minor_children,
                "message": message,
            }
        )


def _message(result: services.VerificationResult) -> str:
    return services.outcome_message(
        result.outcome, day(result.valid_until) if result.valid_until else ""
    )
