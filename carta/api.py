"""The Carta Famiglia's API.

A shop verifies a card (POST /api/v1/carta/verify/), with its operator's personal API token
(`Authorization: Bearer ...`) or session. The answer is the page's: valid with the end date
(and the number of minor children where the network shows it), or an error whose code is
the outcome; never a name. Rate-limited like the page.

Anyone reads the Negozi di Buon Vicinato (GET /api/v1/carta/shops/, /outlets/, /offers/):
what the public directory shows, approved shops only, with their public contacts (never the
operators' addresses) and offers not yet ended. Filters take slugs like the associations'
API; an unknown value is a 400 naming the parameter, never an empty list. Paginated with
`page` (50 a page), throttled like the rest of the API.
"""

from __future__ import annotations

import django_filters
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, generics, serializers, viewsets
from rest_framework.response import Response

from carta import badges, selectors, services, throttle, tokens
from carta.models import Badge, Category, Offer, Outlet, Shop, Verification
from carta.rules import is_shop_operator
from hub.access import DeclaredPolicyPermission
from hub.api_errors import error_body
from hub.api_schema import ErrorSerializer
from hub.dates import day
from hub.models import Municipality, Network
from hub.urls_absolute import absolute_url


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


# --- Negozi di Buon Vicinato: public reads ----------------------------------------------------


def _slug_filter(queryset, description: str, **kwargs):
    # The schema type is given outright: method filters have no model field to infer it from.
    return extend_schema_field({"type": "string", "description": description})(
        django_filters.ModelChoiceFilter(
            queryset=queryset, to_field_name="slug", method="filter_nothing", **kwargs
        )
    )


def _boolean_filter(description: str):
    return extend_schema_field(
        {"type": "string", "enum": ["true", "false"], "description": description}
    )(
        django_filters.ChoiceFilter(
            choices=[("true", "true"), ("false", "false")], method="filter_nothing"
        )
    )


class _SelectorFilter(django_filters.FilterSet):
    """The filters are validated here (a 400 naming the parameter) and applied by the
    selector, as the directory page applies them."""

    def filter_nothing(self, queryset, name, value):  # pragma: no cover - filter_queryset
        return queryset

    def selector_arguments(self) -> dict:
        data = self.form.cleaned_data
        return {
            "today": timezone.localdate(),
            "municipality": data["municipality"].slug if data.get("municipality") else "",
            "category": data["category"].slug if data.get("category") else "",
            "badge": data.get("badge"),
            "valid_now": data.get("valid_now") == "true",
        }


MUNICIPALITY_HELP = "Slug of a municipality: shops with an outlet there."
CATEGORY_HELP = "Slug of a category: shops with a current offer in it."
BADGE_HELP = (
    "Slug of a badge (`amico-della-famiglia`, `sostenitore-della-famiglia`): shops whose "
    "started percentage offers reach it."
)
VALID_NOW_HELP = "`true`: only shops (or offers) with an offer valid today."


class ShopFilter(_SelectorFilter):
    municipality = _slug_filter(Municipality.objects.all(), MUNICIPALITY_HELP)
    category = _slug_filter(Category.objects.all(), CATEGORY_HELP)
    badge = _slug_filter(Badge.objects.all(), BADGE_HELP)
    valid_now = _boolean_filter(VALID_NOW_HELP)
    network = _slug_filter(Network.objects.all(), "Slug of the shop's network.")

    class Meta:
        model = Shop
        fields = ["municipality", "category", "badge", "valid_now", "network"]

    def filter_queryset(self, queryset):
        queryset = selectors.filter_shops(queryset, **self.selector_arguments())
        if network := self.form.cleaned_data.get("network"):
            queryset = queryset.filter(network=network)
        return queryset


class OfferFilter(_SelectorFilter):
    shop = extend_schema_field({"type": "integer", "description": "Id of an approved shop."})(
        django_filters.ModelChoiceFilter(
            queryset=Shop.objects.filter(status=Shop.Status.APPROVED), method="filter_nothing"
        )
    )
    municipality = _slug_filter(
        Municipality.objects.all(),
        "Slug of a municipality: offers valid at an outlet there (an offer without outlets "
        "of its own holds at every outlet of its shop).",
    )
    category = _slug_filter(Category.objects.all(), "Slug of a category.")
    badge = _slug_filter(Badge.objects.all(), "Slug of a badge: offers of shops that earned it.")
    valid_now = _boolean_filter("`true`: only offers valid today (started, not ended).")

    class Meta:
        model = Offer
        fields = ["shop", "municipality", "category", "badge", "valid_now"]

    def filter_queryset(self, queryset):
        return selectors.filter_offers(
            queryset, shop=self.form.cleaned_data.get("shop"), **self.selector_arguments()
        )


class OutletFilter(django_filters.FilterSet):
    shop = extend_schema_field({"type": "integer", "description": "Id of an approved shop."})(
        django_filters.ModelChoiceFilter(queryset=Shop.objects.filter(status=Shop.Status.APPROVED))
    )
    municipality = extend_schema_field(
        {"type": "string", "description": "Slug of the outlet's municipality."}
    )(django_filters.ModelChoiceFilter(queryset=Municipality.objects.all(), to_field_name="slug"))

    class Meta:
        model = Outlet
        fields = ["shop", "municipality"]


class CartaMunicipalitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["slug", "name", "istat_code"]


class CartaCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["slug", "name"]


class CartaBadgeSerializer(serializers.ModelSerializer):
    min_percentage = serializers.DecimalField(
        max_digits=5, decimal_places=2, read_only=True, help_text='Decimal string, e.g. "5.00".'
    )

    class Meta:
        model = Badge
        fields = ["slug", "name", "min_percentage"]


COORDINATE = {"read_only": True, "allow_null": True, "coerce_to_string": True}


class CartaOutletSerializer(serializers.ModelSerializer):
    shop = serializers.IntegerField(source="shop_id", read_only=True, help_text="The shop's id.")
    municipality = CartaMunicipalitySerializer(read_only=True)
    latitude = serializers.DecimalField(max_digits=8, decimal_places=6, **COORDINATE)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, **COORDINATE)

    class Meta:
        model = Outlet
        fields = ["id", "shop", "name", "address", "municipality", "latitude", "longitude"]


class CartaOfferSerializer(serializers.ModelSerializer):
    shop = serializers.IntegerField(source="shop_id", read_only=True, help_text="The shop's id.")
    value = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        coerce_to_string=True,
        help_text=(
            "Decimal string: a percentage, euros off or the special price in euros (e.g. "
            '"2.50"); null for a free product or service.'
        ),
    )
    outlets = serializers.PrimaryKeyRelatedField(
        many=True,
        read_only=True,
        help_text="Ids of the outlets where it holds; empty: every outlet of the shop.",
    )
    categories = CartaCategorySerializer(many=True, read_only=True)
    valid_now = serializers.SerializerMethodField(help_text="Started and not ended today.")

    class Meta:
        model = Offer
        fields = [
            "id",
            "shop",
            "title",
            "description",
            "kind",
            "value",
            "conditions",
            "starts_on",
            "ends_on",
            "card_holders_only",
            "outlets",
            "categories",
            "valid_now",
        ]

    def get_valid_now(self, offer) -> bool:
        return offer.starts_on <= self.context["today"] <= offer.ends_on


class CartaShopSerializer(serializers.ModelSerializer):
    network = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    email = serializers.EmailField(
        source="public_email",
        read_only=True,
        help_text="The shop's public contact address (may be empty); never an operator's.",
    )
    categories = CartaCategorySerializer(many=True, read_only=True)
    badge = serializers.SerializerMethodField(
        help_text="The highest badge its started percentage offers reach; null if none."
    )
    outlets = CartaOutletSerializer(many=True, read_only=True)
    offers = serializers.SerializerMethodField(help_text="Its offers not yet ended.")
    page_url = serializers.SerializerMethodField(help_text="Absolute URL of its public page.")

    class Meta:
        model = Shop
        fields = [
            "id",
            "business_name",
            "vat_number",
            "network",
            "description",
            "email",
            "phone",
            "website",
            "categories",
            "badge",
            "outlets",
            "offers",
            "page_url",
        ]

    @extend_schema_field(CartaBadgeSerializer(allow_null=True))
    def get_badge(self, shop):
        today = self.context["today"]
        badge = badges.badge_for(
            (
                offer.value
                for offer in shop.public_offers
                if offer.kind == Offer.Kind.PERCENTAGE and offer.starts_on <= today
            ),
            self.context["badge_thresholds"],
        )
        return CartaBadgeSerializer(badge).data if badge is not None else None

    @extend_schema_field(CartaOfferSerializer(many=True))
    def get_offers(self, shop):
        return CartaOfferSerializer(shop.public_offers, many=True, context=self.context).data

    def get_page_url(self, shop) -> str:
        return absolute_url(reverse("carta:shop_page", args=[shop.pk]))


class _PublicReadViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [DeclaredPolicyPermission]
    filter_backends = [DjangoFilterBackend]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["today"] = self.today
        return context

    @property
    def today(self):
        if not hasattr(self, "_today"):
            self._today = timezone.localdate()
        return self._today


@extend_schema_view(
    list=extend_schema(summary="Categories of the offers (the `category` filter's slugs)"),
    retrieve=extend_schema(summary="A category"),
)
class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [DeclaredPolicyPermission]
    serializer_class = CartaCategorySerializer
    queryset = Category.objects.order_by("sort_order", "name")
    lookup_field = "slug"
    pagination_class = None


@extend_schema_view(
    list=extend_schema(summary="Badges a shop earns (the `badge` filter's slugs)"),
    retrieve=extend_schema(summary="A badge"),
)
class BadgeViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [DeclaredPolicyPermission]
    serializer_class = CartaBadgeSerializer
    queryset = Badge.objects.order_by("min_percentage")
    lookup_field = "slug"
    pagination_class = None


@extend_schema_view(
    list=extend_schema(summary="Negozi di Buon Vicinato (approved shops)"),
    retrieve=extend_schema(summary="An approved shop, with its outlets and current offers"),
)
class ShopViewSet(_PublicReadViewSet):
    """Approved shops of the Carta Famiglia, filterable like the public directory."""

    serializer_class = CartaShopSerializer
    queryset = Shop.objects.none()
    filterset_class = ShopFilter

    def get_queryset(self):
        return selectors.api_shops(today=self.today)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not hasattr(self, "_thresholds"):
            self._thresholds = [(badge.min_percentage, badge) for badge in selectors.badges()]
        context["badge_thresholds"] = self._thresholds
        return context


@extend_schema_view(
    list=extend_schema(summary="Outlets of the approved shops"),
    retrieve=extend_schema(summary="An outlet of an approved shop"),
)
class OutletViewSet(_PublicReadViewSet):
    serializer_class = CartaOutletSerializer
    queryset = Outlet.objects.none()
    filterset_class = OutletFilter

    def get_queryset(self):
        return selectors.api_outlets()


@extend_schema_view(
    list=extend_schema(summary="Current offers of the approved shops (ended ones never)"),
    retrieve=extend_schema(summary="An offer not yet ended"),
)
class OfferViewSet(_PublicReadViewSet):
    serializer_class = CartaOfferSerializer
    queryset = Offer.objects.none()
    filterset_class = OfferFilter

    def get_queryset(self):
        return selectors.api_offers(today=self.today)
