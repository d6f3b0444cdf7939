"""API of the purchase groups: rounds, their products with the pooled quantities, the
network's catalogue, the family's own orders, a round's orders for its organisers, and
closing a round for its coordinators.

A family only ever sees its own orders; what a person may see is asked of gaf.rules, and
an object they may not see answers 404, as on the pages. Setting quantities goes through
the same service as the order page (gaf.services.order_set_quantities): errors come back
in the hub's format, a quantity's error under "lines.<n>.firm" or "lines.<n>.tolerance",
and a round that does not take the order now (closed, not yet open, past its deadline)
answers 409 with the reason as the error's code.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response

from gaf import rules, selectors, services
from gaf.models import (
    GroupMembership,
    Order,
    OrderLine,
    OrderRound,
    PickupPoint,
    Product,
    ProductPriceTier,
    RoundProduct,
)
from hub.access import DeclaredPolicyPermission
from hub.api import reject_control_characters
from hub.api_schema import ErrorSerializer, LocalTimeField
from hub.selectors import family_of
from hub.urls_absolute import absolute_url

QUANTITY = {"max_digits": 12, "decimal_places": 3, "read_only": True}
UNIT_PRICE = {"max_digits": 10, "decimal_places": 4, "read_only": True}
AMOUNT = {"max_digits": 12, "decimal_places": 2, "read_only": True}
# A basket names each product of the round once; no round has this many products.
MAX_LINES = 500


# --- Serializers ------------------------------------------------------------------------------


class TierSerializer(serializers.Serializer):
    min_quantity = serializers.DecimalField(
        help_text="From this quantity pooled by the group…", **QUANTITY
    )
    unit_price = serializers.DecimalField(
        help_text="…this unit price (VAT included) for everyone.", **UNIT_PRICE
    )


def _tiers(pairs) -> list[dict]:
    return [{"min_quantity": minimum, "unit_price": price} for minimum, price in pairs]


class GroupRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


class SupplierRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


class PickupPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = PickupPoint
        fields = ["id", "name", "address"]


class RoundSerializer(serializers.ModelSerializer):
    group = GroupRefSerializer(read_only=True)
    supplier = SupplierRefSerializer(read_only=True)
    pickup_points = PickupPointSerializer(many=True, read_only=True)
    pickup_starts_at = LocalTimeField(
        read_only=True, allow_null=True, help_text="Pickup from (Europe/Rome, on pickup_date)."
    )
    pickup_ends_at = LocalTimeField(
        read_only=True, allow_null=True, help_text="Pickup until (Europe/Rome, on pickup_date)."
    )
    url = serializers.SerializerMethodField(help_text="The round's page for families.")

    class Meta:
        model = OrderRound
        fields = [
            "id",
            "title",
            "notes",
            "group",
            "supplier",
            "state",
            "opens_at",
            "closes_at",
            "pickup_date",
            "pickup_starts_at",
            "pickup_ends_at",
            "pickup_points",
            "fund_percent",
            "allocation_policy",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_url(self, round) -> str:
        return absolute_url(
            reverse("gaf:round", kwargs={"group_slug": round.group.slug, "round_id": round.pk})
        )


class RoundProductSerializer(serializers.ModelSerializer):
    """A product as frozen in the round when it opened."""

    price_tiers = serializers.SerializerMethodField(help_text="Volume discounts, lowest first.")

    class Meta:
        model = RoundProduct
        fields = [
            "id",
            "code",
            "name",
            "category",
            "unit",
            "unit_price",
            "vat_rate",
            "case_size",
            "min_per_family",
            "multiple",
            "max_total",
            "price_tiers",
        ]
        read_only_fields = fields

    @extend_schema_field(TierSerializer(many=True))
    def get_price_tiers(self, round_product) -> list[dict]:
        return TierSerializer(_tiers(round_product.price_tiers), many=True).data


class PoolSerializer(serializers.Serializer):
    """How the product stands in the group, in the product's unit."""

    firm = serializers.DecimalField(help_text="Firm quantity pooled by the group.", **QUANTITY)
    tolerance = serializers.DecimalField(help_text="Pooled tolerance.", **QUANTITY)
    full_cases = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Full cases; null when not sold by the case."
    )
    missing_to_next_case = serializers.DecimalField(
        allow_null=True, help_text="Firm quantity still needed to fill the next case.", **QUANTITY
    )
    tolerance_completes = serializers.BooleanField(
        read_only=True, help_text="Whether the pooled tolerance would complete the case."
    )
    unit_price = serializers.DecimalField(
        help_text="Unit price with the tier the pooled quantity reaches now.", **UNIT_PRICE
    )
    next_tier = serializers.SerializerMethodField(
        help_text="The next volume discount not reached yet, or null."
    )
    missing_to_next_tier = serializers.DecimalField(allow_null=True, **QUANTITY)
    remaining = serializers.DecimalField(
        allow_null=True,
        help_text="Still orderable before the supplier's maximum; null without a maximum.",
        **QUANTITY,
    )

    @extend_schema_field(TierSerializer(allow_null=True))
    def get_next_tier(self, pool) -> dict | None:
        if pool.next_tier is None:
            return None
        return TierSerializer(_tiers([pool.next_tier])[0]).data


class FamilyPoolSerializer(serializers.Serializer):
    firm = serializers.DecimalField(**QUANTITY)
    tolerance = serializers.DecimalField(**QUANTITY)
    would_receive = serializers.DecimalField(
        help_text="What the family would receive if the round closed now.", **QUANTITY
    )


class ProductStatusSerializer(serializers.Serializer):
    product = RoundProductSerializer(source="round_product", read_only=True)
    pool = PoolSerializer(read_only=True)
    family = serializers.SerializerMethodField(
        help_text="The signed-in person's family in this product; null without a family."
    )

    @extend_schema_field(FamilyPoolSerializer(allow_null=True))
    def get_family(self, status) -> dict | None:
        if status.pool.family_would_receive is None:
            return None
        return FamilyPoolSerializer(
            {
                "firm": status.family_firm,
                "tolerance": status.family_tolerance,
                "would_receive": status.pool.family_would_receive,
            }
        ).data


class CatalogueProductSerializer(serializers.ModelSerializer):
    supplier = SupplierRefSerializer(read_only=True)
    price_tiers = TierSerializer(many=True, read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "supplier",
            "code",
            "name",
            "category",
            "description",
            "unit",
            "unit_price",
            "vat_rate",
            "case_size",
            "min_per_family",
            "multiple",
            "max_total",
            "is_available",
            "price_tiers",
        ]
        read_only_fields = fields


class OrderLineSerializer(serializers.ModelSerializer):
    product_name = serializers.CharField(source="round_product.name", read_only=True)
    unit = serializers.CharField(source="round_product.unit", read_only=True)

    class Meta:
        model = OrderLine
        fields = [
            "round_product",
            "product_name",
            "unit",
            "firm",
            "tolerance",
            "allocated",
            "delivered",
            "unit_price",
            "total",
        ]
        read_only_fields = fields


class RoundRefSerializer(serializers.ModelSerializer):
    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = OrderRound
        fields = ["id", "title", "group", "state", "closes_at", "pickup_date"]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer):
    """A family's order; the amounts are 0 until the round closes."""

    round = RoundRefSerializer(read_only=True)
    pickup_point = PickupPointSerializer(read_only=True, allow_null=True)
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "round",
            "pickup_point",
            "lines",
            "goods_total",
            "fund_share",
            "shared_costs",
            "total",
            "updated_at",
        ]
        read_only_fields = fields


class FamilyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class RoundOrderSerializer(OrderSerializer):
    family = FamilyRefSerializer(read_only=True)

    class Meta(OrderSerializer.Meta):
        fields = ["id", "family", *OrderSerializer.Meta.fields[1:]]
        read_only_fields = fields


class LineInputSerializer(serializers.Serializer):
    round_product = serializers.IntegerField(help_text="Id of a product of the round.")
    firm = serializers.CharField(
        max_length=20, help_text='Firm quantity as a decimal string, e.g. "1.5" (0 to remove).'
    )
    tolerance = serializers.CharField(
        max_length=20,
        default="0",
        help_text="Extra quantity accepted to complete a case (products sold by the case).",
    )


class OrderSetSerializer(serializers.Serializer):
    """Set quantities in one round: all the lines are saved, or none."""

    round = serializers.IntegerField(help_text="Id of an open round of one of your groups.")
    lines = LineInputSerializer(
        many=True,
        allow_empty=False,
        max_length=MAX_LINES,
        help_text=f"Products not listed keep their quantities (at most {MAX_LINES} lines).",
    )
    pickup_point = serializers.IntegerField(
        required=False, allow_null=True, help_text="Id of one of the round's pickup points."
    )


# --- Helpers ----------------------------------------------------------------------------------


def _visible_round(request, round_id: int) -> OrderRound:
    round = get_object_or_404(
        OrderRound.objects.select_related("group", "supplier").prefetch_related("pickup_points"),
        pk=round_id,
    )
    if not rules.can_view_round(request.user, round):
        raise exceptions.NotFound()
    return round


def _orders_with_lines():
    return Order.objects.select_related("round", "round__group", "pickup_point").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("round_product"))
    )


# --- Views ------------------------------------------------------------------------------------

ROUND_ID = OpenApiParameter("round_id", OpenApiTypes.INT, OpenApiParameter.PATH)


class RoundListView(generics.ListAPIView):
    """Rounds of your family's groups (drafts only for the groups you coordinate)."""

    permission_classes = [DeclaredPolicyPermission]
    serializer_class = RoundSerializer
    queryset = OrderRound.objects.none()

    @extend_schema(
        summary="Rounds of your groups",
        parameters=[
            OpenApiParameter(
                "state",
                OpenApiTypes.STR,
                enum=list(OrderRound.State.values),
                description="Only rounds in this state.",
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        rounds = (
            OrderRound.objects.filter(
                group__memberships__family__memberships__user=self.request.user
            )
            .select_related("group", "supplier")
            .prefetch_related("pickup_points")
            .order_by("-closes_at", "-pk")
        )
        state = self.request.query_params.get("state")
        if state is not None:
            if state not in OrderRound.State.values:
                raise exceptions.ValidationError({"state": [_("Stato del giro sconosciuto.")]})
            rounds = rounds.filter(state=state)
        return [round for round in rounds if rules.can_view_round(self.request.user, round)]


class RoundDetailView(generics.GenericAPIView):
    permission_classes = [DeclaredPolicyPermission]
    serializer_class = RoundSerializer
    queryset = OrderRound.objects.none()

    @extend_schema(summary="A round of one of your groups", parameters=[ROUND_ID])
    def get(self, request, round_id: int):
        round = _visible_round(request, round_id)
        return Response(RoundSerializer(round, context={"request": request}).data)


class RoundProductsView(generics.GenericAPIView):
    permission_classes = [DeclaredPolicyPermission]
    serializer_class = ProductStatusSerializer
    queryset = RoundProduct.objects.none()
    pagination_class = None

    @extend_schema(
        summary="A round's products, with the group's pooled quantities",
        description=(
            "For each product: the terms frozen when the round opened, the pooled firm "
            "quantity and tolerance, the progress to the next full case and the next volume "
            "tier, and what your family would receive if the round closed now."
        ),
        parameters=[ROUND_ID],
        responses=ProductStatusSerializer(many=True),
    )
    def get(self, request, round_id: int):
        round = _visible_round(request, round_id)
        statuses = selectors.round_pool_status(round=round, family=family_of(request.user))
        return Response(ProductStatusSerializer(statuses, many=True).data)


class RoundOrdersView(generics.ListAPIView):
    """Every family's order in a round: for the group's coordinators, supplier referents,
    treasurers and the round's referent."""

    permission_classes = [DeclaredPolicyPermission]
    serializer_class = RoundOrderSerializer
    queryset = Order.objects.none()

    @extend_schema(summary="The orders of a round (organisers)", parameters=[ROUND_ID])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        round = _visible_round(self.request, self.kwargs["round_id"])
        if not rules.can_view_all_orders(self.request.user, round):
            raise exceptions.PermissionDenied(
                _("Solo chi organizza il giro vede gli ordini di tutte le famiglie.")
            )
        return (
            _orders_with_lines()
            .filter(round=round)
            .select_related("family")
            .order_by("family__name", "pk")
        )


class RoundCloseView(generics.GenericAPIView):
    """Close an open round now (its coordinators): the allocation is computed, the families
    are told, and the order goes to the supplier if the round says so (`send_on_close`)."""

    permission_classes = [DeclaredPolicyPermission]
    serializer_class = RoundSerializer
    queryset = OrderRound.objects.none()

    @extend_schema(
        summary="Close a round now (coordinators)",
        description=(
            "Irreversible once the order is sent. A round that is not open answers 409 with "
            "the code `round_not_open`."
        ),
        parameters=[ROUND_ID],
        request=None,
        responses={200: RoundSerializer, 409: ErrorSerializer},
    )
    def post(self, request, round_id: int):
        round = _visible_round(request, round_id)
        if not rules.can_manage_round(request.user, round):
            raise exceptions.PermissionDenied(_("Solo chi coordina il gruppo chiude i giri."))
        # A refusal reaches hub.api_errors: 409 with the conflict's code.
        services.round_close(round=round, by=request.user)
        return Response(
            RoundSerializer(_visible_round(request, round_id), context={"request": request}).data
        )


class ProductListView(generics.ListAPIView):
    """The catalogue of the suppliers of your groups' networks."""

    permission_classes = [DeclaredPolicyPermission]
    serializer_class = CatalogueProductSerializer
    queryset = Product.objects.none()

    @extend_schema(
        summary="The catalogue of your networks' suppliers",
        parameters=[
            OpenApiParameter("supplier", OpenApiTypes.STR, description="A supplier's slug.")
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        networks = GroupMembership.objects.filter(
            family__memberships__user=self.request.user
        ).values("group__network_id")
        products = (
            Product.objects.filter(supplier__network_id__in=networks, supplier__is_active=True)
            .select_related("supplier")
            .prefetch_related(
                Prefetch("price_tiers", queryset=ProductPriceTier.objects.order_by("min_quantity"))
            )
            .order_by("supplier__name", "category", "name", "pk")
        )
        reject_control_characters(self.request.query_params)
        supplier = self.request.query_params.get("supplier")
        if supplier:
            products = products.filter(supplier__slug=supplier)
        return products


class MyOrdersView(generics.ListAPIView):
    """Your family's orders; PUT or POST sets quantities in an open round."""

    permission_classes = [DeclaredPolicyPermission]
    serializer_class = OrderSerializer
    queryset = Order.objects.none()

    def _family(self):
        family = family_of(self.request.user)
        if family is None:
            raise exceptions.PermissionDenied(
                _("Gli ordini sono della famiglia: registra prima la tua famiglia.")
            )
        return family

    @extend_schema(
        summary="Your family's orders",
        parameters=[
            OpenApiParameter("round", OpenApiTypes.INT, description="Only the order in this round.")
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        orders = (
            _orders_with_lines().filter(family=self._family()).order_by("-round__closes_at", "-pk")
        )
        round_id = self.request.query_params.get("round")
        if round_id is not None:
            if not round_id.isdigit():
                raise exceptions.ValidationError({"round": [_("Indica l'id numerico del giro.")]})
            orders = orders.filter(round_id=int(round_id))
        return orders

    @extend_schema(
        summary="Set your family's quantities in an open round",
        request=OrderSetSerializer,
        responses={
            200: OrderSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def put(self, request):
        return self._set(request)

    @extend_schema(
        summary="Set your family's quantities in an open round (same as PUT)",
        request=OrderSetSerializer,
        responses={
            200: OrderSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def post(self, request):
        return self._set(request)

    def _set(self, request):
        family = self._family()
        data = OrderSetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        round = _visible_round(request, values["round"])
        pickup_point = None
        if values.get("pickup_point") is not None:
            pickup_point = round.pickup_points.filter(pk=values["pickup_point"]).first()
            if pickup_point is None:
                raise exceptions.ValidationError(
                    {"pickup_point": [_("Il punto di ritiro non è tra quelli del giro.")]}
                )
        # A refusal reaches hub.api_errors (409 for the round's conflicts, 400 otherwise).
        order = services.order_set_quantities(
            round=round,
            family=family,
            lines=[
                services.LineInput(
                    round_product=line["round_product"],
                    firm=line["firm"],
                    tolerance=line["tolerance"],
                )
                for line in values["lines"]
            ],
            pickup_point=pickup_point,
            by_user=request.user,
        )
        return Response(OrderSerializer(_orders_with_lines().get(pk=order.pk)).data)
