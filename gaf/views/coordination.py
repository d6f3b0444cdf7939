"""The coordinators' screens: the group, suppliers and products, rounds, payments, the fund.

Each view fetches the object named in the URL and asks gaf.rules (404 when the rule says
no, so nothing leaks), parses the input with a form from gaf.forms_coordination, calls one
service of gaf.services and redirects; a refusal re-renders the page with status 400 and
the service's messages on the fields. Reads go through gaf.selectors or the few
coordinator-only queries below, each with a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaf import exports, rules, selectors, services
from gaf import rounds as round_rules
from gaf.forms_coordination import (
    CancelRoundForm,
    DeliveryForm,
    DisbursementRequestForm,
    DonationForm,
    GroupSettingsForm,
    JoinRejectForm,
    MemberRolesForm,
    PaymentForm,
    PickupPointForm,
    PriceListConfirmForm,
    PriceListUploadForm,
    PriceTierFormSet,
    ProductForm,
    ReopenForm,
    RoundForm,
    SharedCostForm,
    SupplierForm,
    plain_decimal,
)
from gaf.models import (
    FundDisbursement,
    FundDisbursementApproval,
    GroupJoinRequest,
    GroupMembership,
    Order,
    OrderLine,
    OrderRound,
    PickupPoint,
    Product,
    PurchaseGroup,
    RoundProduct,
    RoundState,
    Supplier,
)
from gaf.pricelist import RowError, parse_price_list
from gaf.services.accounts import APPROVALS_NEEDED
from hub.models import Municipality, Network

FUND_ENTRIES_SHOWN = 50
TEMPLATES = "gaf/coordination/"


def _render(request, template: str, context: dict, status: int = 200) -> TemplateResponse:
    return TemplateResponse(request, TEMPLATES + template, context, status=status)


def _errors(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def number(value: Decimal | None, min_places: int = 0) -> str:
    """A decimal as people read it in the active language: "5,4", "2,10", "1,125"
    (`min_places` decimals at least, more only when the value has them)."""
    if value is None:
        return ""
    places = max(min_places, -Decimal(value).normalize().as_tuple().exponent)
    return formats.number_format(value, decimal_pos=places, use_l10n=True)


def price(value: Decimal | None) -> str:
    return number(value, 2)


# --- Fetching and authorising -----------------------------------------------------------------


def _group(request: HttpRequest, group_slug: str, allowed) -> PurchaseGroup:
    """The group in the URL when `allowed(user, group)`; 404 otherwise."""
    group = get_object_or_404(
        PurchaseGroup.objects.select_related("network", "municipality"), slug=group_slug
    )
    if not allowed(request.user, group):
        raise Http404
    return group


def _round(request: HttpRequest, group_slug: str, round_id: int, allowed) -> OrderRound:
    try:
        round = selectors.round_detail(round_id=round_id)
    except OrderRound.DoesNotExist:
        raise Http404 from None
    if round.group.slug != group_slug or not allowed(request.user, round):
        raise Http404
    return round


def _can_manage_fund(user, group: PurchaseGroup) -> bool:
    # The fund is the network's; a coordinator keeps it through their own group.
    return rules.can_manage_group(user, group) and rules.can_manage_fund(user, group.network_id)


def _supplier_networks(user) -> list[Network]:
    """The networks whose suppliers the user manages (one query)."""
    networks = Network.objects.order_by("name")
    if not user.is_superuser:
        networks = networks.filter(
            purchase_groups__memberships__family__memberships__user=user,
            purchase_groups__memberships__is_coordinator=True,
        ).distinct()
    return [n for n in networks if rules.can_manage_suppliers(user, n.pk)]


def _supplier(request: HttpRequest, supplier_slug: str) -> Supplier:
    supplier = get_object_or_404(
        Supplier.objects.select_related("network", "municipality"), slug=supplier_slug
    )
    if not rules.can_manage_suppliers(request.user, supplier.network_id):
        raise Http404
    return supplier


def _product(supplier: Supplier, product_id: int) -> Product:
    return get_object_or_404(
        Product.objects.prefetch_related("price_tiers"), pk=product_id, supplier=supplier
    )


# --- Group management -------------------------------------------------------------------------


def _group_page(request, group: PurchaseGroup, *, forms=None, status=200) -> TemplateResponse:
    """The coordinator's page of a group; `forms` holds bound forms that were refused,
    keyed ("reject", request id) or ("roles", membership id)."""
    forms = forms or {}
    join_requests = list(
        GroupJoinRequest.objects.filter(group=group, status=GroupJoinRequest.Status.PENDING)
        .select_related("family", "requested_by")
        .order_by("created_at")
    )
    for join_request in join_requests:
        join_request.reject_form = forms.get(("reject", join_request.pk)) or JoinRejectForm(
            prefix=f"reject-{join_request.pk}"
        )
    members = list(selectors.group_members(group=group))
    for membership in members:
        membership.roles_form = forms.get(("roles", membership.pk)) or MemberRolesForm(
            prefix=f"roles-{membership.pk}",
            initial={
                "is_coordinator": membership.is_coordinator,
                "is_supplier_referent": membership.is_supplier_referent,
                "is_treasurer": membership.is_treasurer,
            },
        )
    context = {
        "group": group,
        "join_requests": join_requests,
        "members": members,
        "pickup_points": list(group.pickup_points.order_by("-is_active", "name")),
        "rounds": list(selectors.group_rounds(group=group)[:30]),
        "can_record_payment": rules.can_record_payment(request.user, group),
        "can_manage_fund": _can_manage_fund(request.user, group),
        "can_manage_suppliers": rules.can_manage_suppliers(request.user, group.network_id),
    }
    return _render(request, "group.html", context, status)


@require_GET
def group(request: HttpRequest, group_slug: str) -> HttpResponse:
    group = _group(request, group_slug, rules.can_manage_group)
    return _group_page(request, group)


@require_http_methods(["GET", "POST"])
def group_settings(request: HttpRequest, group_slug: str) -> HttpResponse:
    group = _group(request, group_slug, rules.can_manage_group)
    if request.method == "POST":
        form = GroupSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.group_update(group=group, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Impostazioni del gruppo salvate."))
                return redirect("gaf:coord_group", group_slug=group.slug)
        status = 400
    else:
        form = GroupSettingsForm(
            initial={
                "name": group.name,
                "description": group.description,
                "default_fund_percent": plain_decimal(group.default_fund_percent),
                "allocation_policy": group.allocation_policy,
                "prepaid_mode": group.prepaid_mode,
            }
        )
        status = 200
    return _render(request, "settings.html", {"group": group, "form": form}, status)


def _join_request(group: PurchaseGroup, request_id: int) -> GroupJoinRequest:
    return get_object_or_404(
        GroupJoinRequest.objects.select_related("family", "group"), pk=request_id, group=group
    )


@require_POST
def join_approve(request: HttpRequest, group_slug: str, request_id: int) -> HttpResponse:
    group = _group(request, group_slug, rules.can_manage_group)
    join_request = _join_request(group, request_id)
    try:
        services.join_request_approve(join_request=join_request, by=request.user)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
        return _group_page(request, group, status=400)
    messages.success(
        request,
        _("%(family)s ora fa parte del gruppo.") % {"family": join_request.family.name},
    )
    return redirect("gaf:coord_group", group_slug=group.slug)


@require_POST
def join_reject(request: HttpRequest, group_slug: str, request_id: int) -> HttpResponse:
    group = _group(request, group_slug, rules.can_manage_group)
    join_request = _join_request(group, request_id)
    form = JoinRejectForm(request.POST, prefix=f"reject-{join_request.pk}")
    if form.is_valid():
        try:
            services.join_request_reject(
                join_request=join_request, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Richiesta di %(family)s respinta.") % {"family": join_request.family.name},
            )
            return redirect("gaf:coord_group", group_slug=group.slug)
    return _group_page(request, group, forms={("reject", join_request.pk): form}, status=400)


@require_POST
def member_roles(request: HttpRequest, group_slug: str, membership_id: int) -> HttpResponse:
    group = _group(request, group_slug, rules.can_manage_group)
    membership = get_object_or_404(
        GroupMembership.objects.select_related("family"), pk=membership_id, group=group
    )
    form = MemberRolesForm(request.POST, prefix=f"roles-{membership.pk}")
    if form.is_valid():
        try:
            services.membership_set_roles(
                membership=membership, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Ruoli di %(family)s aggiornati.") % {"family": membership.family.name},
            )
            return redirect(reverse("gaf:coord_group", args=[group.slug]) + "#famiglie")
    return _group_page(request, group, forms={("roles", membership.pk): form}, status=400)


@require_http_methods(["GET", "POST"])
def pickup_point_create(request: HttpRequest, group_slug: str) -> HttpResponse:
    group = _group(request, group_slug, rules.can_manage_group)
    if request.method == "POST":
        form = PickupPointForm(request.POST)
        del form.fields["is_active"]
        if form.is_valid():
            try:
                services.pickup_point_create(group=group, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Punto di ritiro aggiunto."))
                return redirect(reverse("gaf:coord_group", args=[group.slug]) + "#punti")
        status = 400
    else:
        form = PickupPointForm()
        del form.fields["is_active"]
        status = 200
    context = {"group": group, "form": form, "point": None}
    return _render(request, "pickup_point_form.html", context, status)


@require_http_methods(["GET", "POST"])
def pickup_point_edit(request: HttpRequest, group_slug: str, point_id: int) -> HttpResponse:
    group = _group(request, group_slug, rules.can_manage_group)
    point = get_object_or_404(PickupPoint, pk=point_id, group=group)
    if request.method == "POST":
        form = PickupPointForm(request.POST)
        if form.is_valid():
            try:
                services.pickup_point_update(
                    pickup_point=point, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Punto di ritiro aggiornato."))
                return redirect(reverse("gaf:coord_group", args=[group.slug]) + "#punti")
        status = 400
    else:
        form = PickupPointForm(
            initial={
                "name": point.name,
                "address": point.address,
                "notes": point.notes,
                "is_active": point.is_active,
            }
        )
        status = 200
    context = {"group": group, "form": form, "point": point}
    return _render(request, "pickup_point_form.html", context, status)


# --- Suppliers and products -------------------------------------------------------------------


def _supplier_form(request, *, supplier: Supplier | None = None, networks=None) -> SupplierForm:
    networks = networks if networks is not None else [supplier.network]
    municipalities = Municipality.objects.filter(networks__in=networks).distinct().order_by("name")
    initial = {}
    if supplier is not None:
        initial = {
            "name": supplier.name,
            "network": str(supplier.network_id),
            "email": supplier.email,
            "municipality": str(supplier.municipality_id or ""),
            "phone": supplier.phone,
            "vat_number": supplier.vat_number,
            "address": supplier.address,
            "description": supplier.description,
            "is_active": supplier.is_active,
        }
    return SupplierForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        networks=networks,
        municipalities=municipalities,
        editing=supplier is not None,
    )


@require_GET
def suppliers(request: HttpRequest) -> HttpResponse:
    networks = _supplier_networks(request.user)
    if not networks:
        raise Http404
    supplier_list = (
        Supplier.objects.filter(network__in=networks)
        .select_related("network", "municipality")
        .annotate(
            product_count=Count("products", distinct=True),
            available_count=Count("products", filter=Q(products__is_available=True), distinct=True),
        )
        .order_by("-is_active", "name")
    )
    context = {"suppliers": list(supplier_list), "networks": networks}
    return _render(request, "suppliers.html", context)


@require_http_methods(["GET", "POST"])
def supplier_create(request: HttpRequest) -> HttpResponse:
    networks = _supplier_networks(request.user)
    if not networks:
        raise Http404
    form = _supplier_form(request, networks=networks)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                supplier = services.supplier_create(
                    network=data["network"],
                    name=data["name"],
                    email=data["email"],
                    municipality=data["municipality"],
                    phone=data["phone"],
                    vat_number=data["vat_number"],
                    address=data["address"],
                    description=data["description"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Fornitore %(name)s creato.") % {"name": supplier.name})
                return redirect("gaf:coord_supplier", supplier_slug=supplier.slug)
        return _render(request, "supplier_form.html", {"form": form, "supplier": None}, 400)
    return _render(request, "supplier_form.html", {"form": form, "supplier": None})


@require_GET
def supplier(request: HttpRequest, supplier_slug: str) -> HttpResponse:
    return _supplier_page(request, _supplier(request, supplier_slug))


@dataclass(frozen=True)
class CatalogueItem:
    """A product of the supplier's page, with its numbers written out."""

    product: Product
    price: str
    case_size: str
    tiers: list[tuple[str, str]]  # (from quantity, unit price)


def _supplier_page(request, supplier: Supplier, status=200) -> TemplateResponse:
    products = supplier.products.prefetch_related("price_tiers").order_by("category", "name")
    items = [
        CatalogueItem(
            product=product,
            price=price(product.unit_price),
            case_size=number(product.case_size),
            tiers=[
                (number(t.min_quantity), price(t.unit_price)) for t in product.price_tiers.all()
            ],
        )
        for product in products
    ]
    context = {"supplier": supplier, "products": items}
    return _render(request, "supplier.html", context, status)


@require_http_methods(["GET", "POST"])
def supplier_edit(request: HttpRequest, supplier_slug: str) -> HttpResponse:
    supplier = _supplier(request, supplier_slug)
    form = _supplier_form(request, supplier=supplier)
    if request.method == "POST":
        if form.is_valid():
            changes = {k: v for k, v in form.cleaned_data.items() if k != "network"}
            try:
                services.supplier_update(supplier=supplier, by=request.user, **changes)
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Dati del fornitore salvati."))
                return redirect("gaf:coord_supplier", supplier_slug=supplier.slug)
        return _render(request, "supplier_form.html", {"form": form, "supplier": supplier}, 400)
    return _render(request, "supplier_form.html", {"form": form, "supplier": supplier})


PRODUCT_FIELDS = (
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
    "unit_weight_kg",
    "is_available",
)


def _product_page(request, supplier, product, form, tiers, status=200) -> TemplateResponse:
    context = {"supplier": supplier, "product": product, "form": form, "tiers": tiers}
    return _render(request, "product_form.html", context, status)


def _product_values(form: ProductForm) -> dict:
    values = dict(form.cleaned_data)
    if values["min_per_family"] is None:
        values["min_per_family"] = Decimal(0)
    return values


@require_http_methods(["GET", "POST"])
def product_create(request: HttpRequest, supplier_slug: str) -> HttpResponse:
    supplier = _supplier(request, supplier_slug)
    if request.method != "POST":
        return _product_page(
            request, supplier, None, ProductForm(), PriceTierFormSet(prefix="tiers")
        )
    form = ProductForm(request.POST)
    tiers = PriceTierFormSet(request.POST, prefix="tiers")
    if form.is_valid() and tiers.is_valid():
        try:
            product = services.product_create(
                supplier=supplier,
                tiers=[services.Tier(low, price) for low, price in tiers.tiers()],
                by=request.user,
                **_product_values(form),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Prodotto %(name)s creato.") % {"name": product.name})
            return redirect("gaf:coord_supplier", supplier_slug=supplier.slug)
    return _product_page(request, supplier, None, form, tiers, status=400)


@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, supplier_slug: str, product_id: int) -> HttpResponse:
    supplier = _supplier(request, supplier_slug)
    product = _product(supplier, product_id)
    if request.method != "POST":
        initial = {field: getattr(product, field) for field in PRODUCT_FIELDS}
        for field in ("case_size", "min_per_family", "multiple", "max_total", "unit_weight_kg"):
            initial[field] = plain_decimal(initial[field])
        initial["unit_price"] = plain_decimal(product.unit_price, 2)
        form = ProductForm(initial=initial)
        tiers = PriceTierFormSet(
            prefix="tiers",
            initial=[
                {
                    "min_quantity": plain_decimal(tier.min_quantity),
                    "unit_price": plain_decimal(tier.unit_price, 2),
                }
                for tier in product.price_tiers.all()
            ],
        )
        return _product_page(request, supplier, product, form, tiers)
    form = ProductForm(request.POST)
    tiers = PriceTierFormSet(request.POST, prefix="tiers")
    if form.is_valid() and tiers.is_valid():
        try:
            services.product_update(
                product=product,
                tiers=[services.Tier(low, price) for low, price in tiers.tiers()],
                by=request.user,
                **_product_values(form),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Prodotto %(name)s salvato.") % {"name": product.name})
            return redirect("gaf:coord_supplier", supplier_slug=supplier.slug)
    return _product_page(request, supplier, product, form, tiers, status=400)


@require_POST
def product_availability(request: HttpRequest, supplier_slug: str, product_id: int) -> HttpResponse:
    supplier = _supplier(request, supplier_slug)
    product = _product(supplier, product_id)
    available = request.POST.get("is_available")
    if available not in {"0", "1"}:
        messages.error(request, _("Disponibilità non valida: usa 0 o 1."))
        return _supplier_page(request, supplier, status=400)
    services.product_update(product=product, by=request.user, is_available=available == "1")
    if available == "1":
        message = _("%(name)s è di nuovo disponibile.")
    else:
        message = _("%(name)s non è più disponibile per i nuovi giri.")
    messages.success(request, message % {"name": product.name})
    return redirect(reverse("gaf:coord_supplier", args=[supplier.slug]) + f"#prodotto-{product.pk}")


# --- Price list -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    row: object  # gaf.pricelist.PriceListRow
    is_new: bool
    price: str


def _pricelist_page(
    request, supplier, *, form=None, errors=(), preview=None, confirm=None, ignored=(), status=200
) -> TemplateResponse:
    context = {
        "supplier": supplier,
        "form": form or PriceListUploadForm(),
        "errors": list(errors),
        "preview": preview,
        "confirm_form": confirm,
        "ignored_columns": list(ignored),
    }
    return _render(request, "pricelist.html", context, status)


@require_http_methods(["GET", "POST"])
def pricelist_upload(request: HttpRequest, supplier_slug: str) -> HttpResponse:
    """Upload a price list: the report of its errors, or a preview to confirm."""
    supplier = _supplier(request, supplier_slug)
    if request.method != "POST":
        return _pricelist_page(request, supplier)
    form = PriceListUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _pricelist_page(request, supplier, form=form, status=400)
    data = form.cleaned_data["file"]
    parsed = parse_price_list(data)
    if parsed.errors:
        return _pricelist_page(
            request, supplier, errors=parsed.errors, ignored=parsed.ignored_columns, status=400
        )
    existing = {code.casefold() for code in supplier.products.values_list("code", flat=True)}
    preview = [
        PreviewRow(row, row.code.casefold() not in existing, price(row.unit_price))
        for row in parsed.rows
    ]
    confirm = PriceListConfirmForm(initial={"content": PriceListConfirmForm.encode(data)})
    return _pricelist_page(
        request, supplier, preview=preview, confirm=confirm, ignored=parsed.ignored_columns
    )


@require_POST
def pricelist_apply(request: HttpRequest, supplier_slug: str) -> HttpResponse:
    """Apply a previewed price list: every row or none (gaf.services.price_list_import)."""
    supplier = _supplier(request, supplier_slug)
    confirm = PriceListConfirmForm(request.POST)
    if not confirm.is_valid():
        errors = [
            RowError(row=None, column=None, message=message)
            for field_errors in confirm.errors.values()
            for message in field_errors
        ]
        return _pricelist_page(request, supplier, errors=errors, status=400)
    try:
        result = services.price_list_import(
            supplier=supplier, data=confirm.cleaned_data["content"], by=request.user
        )
    except services.PriceListRejected as rejected:
        return _pricelist_page(request, supplier, errors=rejected.row_errors, status=400)
    messages.success(
        request,
        _("Listino applicato: %(created)d prodotti nuovi, %(updated)d aggiornati.")
        % {"created": result.created, "updated": result.updated},
    )
    return redirect("gaf:coord_supplier", supplier_slug=supplier.slug)


# --- Rounds: creating and editing a draft -----------------------------------------------------


def _product_label(product: Product) -> str:
    unit = exports.unit_label(product.unit)
    return f"{product.name} ({product.code}) — {price(product.unit_price)}\u00a0€/{unit}"


def _round_form(
    request,
    group: PurchaseGroup,
    supplier: Supplier,
    *,
    initial=None,
    round: OrderRound | None = None,
) -> RoundForm:
    points = group.pickup_points.filter(is_active=True)
    if round is not None:
        points = group.pickup_points.filter(Q(is_active=True) | Q(rounds=round)).distinct()
    return RoundForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        products=supplier.products.filter(is_available=True).order_by("category", "name"),
        pickup_points=points.order_by("name"),
        product_label=_product_label,
    )


ROUND_FIELDS = (
    "title",
    "notes",
    "opens_at",
    "closes_at",
    "pickup_date",
    "pickup_starts_at",
    "pickup_ends_at",
    "pickup_points",
    "products",
    "fund_percent",
    "allocation_policy",
    "send_on_close",
)


@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest, group_slug: str) -> HttpResponse:
    """A draft round: first the supplier (?fornitore=<slug>), then the round's details."""
    group = _group(request, group_slug, rules.can_manage_group)
    suppliers = Supplier.objects.filter(network_id=group.network_id, is_active=True).order_by(
        "name"
    )
    supplier_slug = request.GET.get("fornitore") or request.POST.get("fornitore")
    supplier = suppliers.filter(slug=supplier_slug).first() if supplier_slug else None
    if supplier is None:
        status = 400 if supplier_slug else 200
        context = {"group": group, "suppliers": list(suppliers), "unknown": supplier_slug}
        return _render(request, "round_supplier.html", context, status)
    form = _round_form(
        request,
        group,
        supplier,
        initial={
            "fund_percent": plain_decimal(group.default_fund_percent),
            "allocation_policy": group.allocation_policy,
        },
    )
    if request.method == "POST":
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in ROUND_FIELDS}
            try:
                round = services.round_create(
                    group=group, supplier=supplier, by=request.user, **data
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request,
                    _("Giro creato in bozza: controllalo e aprilo quando è pronto."),
                )
                return redirect("gaf:coord_round", group_slug=group.slug, round_id=round.pk)
        status = 400
    else:
        status = 200
    context = {"group": group, "supplier": supplier, "form": form, "round": None}
    return _render(request, "round_form.html", context, status)


@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    """A draft's details and products (frozen once it opens)."""
    round = _round(request, group_slug, round_id, rules.can_manage_round)
    if round.state != RoundState.DRAFT:
        messages.error(request, _("Solo un giro in bozza si modifica: questo non lo è più."))
        return redirect("gaf:coord_round", group_slug=group_slug, round_id=round.pk)
    form = _round_form(
        request,
        round.group,
        round.supplier,
        round=round,
        initial={
            **{
                name: getattr(round, name)
                for name in ROUND_FIELDS
                if name not in {"pickup_points", "products"}
            },
            "pickup_points": [str(point.pk) for point in round.pickup_points.all()],
            "products": [str(pk) for pk in round.products.values_list("product_id", flat=True)],
        },
    )
    if request.method == "POST":
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in ROUND_FIELDS}
            products = data.pop("products")
            try:
                # Details and products together, or neither.
                with transaction.atomic():
                    services.round_update(round=round, by=request.user, **data)
                    services.round_set_products(round=round, products=products, by=request.user)
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Bozza del giro salvata."))
                return redirect("gaf:coord_round", group_slug=group_slug, round_id=round.pk)
        status = 400
    else:
        status = 200
    context = {"group": round.group, "supplier": round.supplier, "form": form, "round": round}
    return _render(request, "round_form.html", context, status)


# --- Rounds: the coordination page ------------------------------------------------------------


@dataclass(frozen=True)
class OrderSummary:
    order: Order
    products: int  # products with a quantity or a tolerance


def _round_orders(round: OrderRound) -> list[OrderSummary]:
    """The families who ordered something, with how many products (one query)."""
    ordered = Q(lines__firm__gt=0) | Q(lines__tolerance__gt=0)
    orders = (
        Order.objects.filter(round=round)
        .select_related("family", "pickup_point")
        .annotate(product_count=Count("lines", filter=ordered))
        .order_by("pickup_point__name", "family__name")
    )
    return [
        OrderSummary(order, order.product_count)
        for order in orders
        if order.product_count or order.total
    ]


@dataclass(frozen=True)
class ProductLine:
    """A product of the round page: pooled quantities and, once closed, its results."""

    round_product: RoundProduct
    pool: object  # gaf.rounds.ProductPool
    price: str
    firm: str
    tolerance: str
    missing_to_next_case: str
    missing_to_next_tier: str
    next_tier_price: str
    allocated: str
    delivered: str


def _product_line(status) -> ProductLine:
    product, pool = status.round_product, status.pool
    delivered = product.delivered_total
    return ProductLine(
        round_product=product,
        pool=pool,
        price=price(pool.unit_price),
        firm=number(pool.firm),
        tolerance=number(pool.tolerance) if pool.tolerance else "",
        missing_to_next_case=number(pool.missing_to_next_case) if pool.missing_to_next_case else "",
        missing_to_next_tier=number(pool.missing_to_next_tier),
        next_tier_price=price(pool.next_tier[1]) if pool.next_tier else "",
        allocated=number(product.allocated_total),
        delivered=""
        if delivered is None or delivered == product.allocated_total
        else number(delivered),
    )


def _round_page(
    request, round: OrderRound, *, errors=(), reopen_form=None, cancel_form=None, status=200
) -> TemplateResponse:
    user = request.user
    statuses = [_product_line(status) for status in selectors.round_pool_status(round=round)]
    orders = _round_orders(round)
    charged = round.state in round_rules.CHARGED_STATES
    manage = rules.can_manage_round(user, round)
    context = {
        "group": round.group,
        "round": round,
        "statuses": statuses,
        "orders": orders,
        "charged": charged,
        "totals": {
            "goods": sum((s.order.goods_total for s in orders), Decimal("0.00")),
            "fund": sum((s.order.fund_share for s in orders), Decimal("0.00")),
            "shared": sum((s.order.shared_costs for s in orders), Decimal("0.00")),
            "total": sum((s.order.total for s in orders), Decimal("0.00")),
        },
        "shared_costs": list(round.shared_costs.all()),
        "errors": list(errors),
        "can_manage": manage,
        "can_record_delivery": rules.can_record_delivery(user, round),
        "actions": {
            "edit": manage and round.state == RoundState.DRAFT,
            "open": manage and round.state == RoundState.DRAFT,
            "close": manage and round.state == RoundState.OPEN,
            "reopen": manage and round.state == RoundState.CLOSED,
            "send": manage and round.state in {RoundState.CLOSED, RoundState.SENT},
            "delivery": round.state in {RoundState.SENT, RoundState.DELIVERED}
            and rules.can_record_delivery(user, round),
            "settle": manage and round.state == RoundState.DELIVERED,
            "cancel": manage and round_rules.can_transition(round.state, RoundState.CANCELLED),
            "documents": charged,
        },
        "reopen_form": reopen_form or ReopenForm(prefix="reopen"),
        "cancel_form": cancel_form or CancelRoundForm(prefix="cancel"),
    }
    return _render(request, "round.html", context, status)


@require_GET
def round_detail(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    round = _round(request, group_slug, round_id, rules.can_view_all_orders)
    return _round_page(request, round)


def _round_action(request, group_slug, round_id, action, success_message) -> HttpResponse:
    """Run a state change without input; a refusal shows the round page with its reason."""
    round = _round(request, group_slug, round_id, rules.can_manage_round)
    try:
        action(round)
    except ValidationError as error:
        return _round_page(request, round, errors=_errors(error), status=400)
    messages.success(request, success_message)
    return redirect("gaf:coord_round", group_slug=group_slug, round_id=round.pk)


@require_POST
def round_open(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    return _round_action(
        request,
        group_slug,
        round_id,
        lambda round: services.round_open(round=round, by=request.user),
        _("Giro aperto: i prezzi sono congelati e le famiglie sono state avvisate."),
    )


@require_POST
def round_close(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    round = _round(request, group_slug, round_id, rules.can_manage_round)
    if not services.round_close(round=round, by=request.user):
        return _round_page(
            request,
            round,
            errors=[_("Il giro non è aperto: non c'è niente da chiudere.")],
            status=400,
        )
    messages.success(request, _("Giro chiuso: le assegnazioni sono state calcolate."))
    return redirect("gaf:coord_round", group_slug=group_slug, round_id=round.pk)


@require_POST
def round_reopen(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    round = _round(request, group_slug, round_id, rules.can_manage_round)
    form = ReopenForm(request.POST, prefix="reopen")
    if form.is_valid():
        try:
            services.round_reopen(
                round=round, closes_at=form.cleaned_data["closes_at"], by=request.user
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Giro riaperto: le famiglie sono state avvisate."))
            return redirect("gaf:coord_round", group_slug=group_slug, round_id=round.pk)
    return _round_page(request, round, reopen_form=form, status=400)


@require_POST
def round_send(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    return _round_action(
        request,
        group_slug,
        round_id,
        lambda round: services.round_send_to_supplier(round=round, by=request.user),
        _("Ordine inviato al fornitore (CSV, JSON e PDF in allegato)."),
    )


@require_POST
def round_settle(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    return _round_action(
        request,
        group_slug,
        round_id,
        lambda round: services.round_settle(round=round, by=request.user),
        _("Giro saldato: le quote sono state registrate nel Fondo Solidale."),
    )


@require_POST
def round_cancel(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    round = _round(request, group_slug, round_id, rules.can_manage_round)
    form = CancelRoundForm(request.POST, prefix="cancel")
    if form.is_valid():
        try:
            services.round_cancel(round=round, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Giro annullato."))
            return redirect("gaf:coord_round", group_slug=group_slug, round_id=round.pk)
    return _round_page(request, round, cancel_form=form, status=400)


# --- Rounds: delivery and shared costs --------------------------------------------------------


def _delivery_lines(round: OrderRound) -> list[OrderLine]:
    """The lines that were allocated something, by product then family (one query)."""
    return list(
        OrderLine.objects.filter(order__round=round, allocated__gt=0)
        .select_related("round_product", "order__family", "order__pickup_point")
        .order_by("round_product__position", "round_product__name", "order__family__name")
    )


def _delivery_page(request, round, *, form=None, cost_form=None, status=200):
    lines = _delivery_lines(round) if form is None else form.lines
    form = form or DeliveryForm(lines=lines)
    products: dict[int, dict] = {}
    for line in lines:
        entry = products.setdefault(
            line.round_product_id, {"product": line.round_product, "rows": []}
        )
        field = form[DeliveryForm.field_name(line.pk)]
        entry["rows"].append((line, field, number(line.allocated)))
    context = {
        "group": round.group,
        "round": round,
        "form": form,
        "products": list(products.values()),
        "can_record": round.state in {RoundState.SENT, RoundState.DELIVERED},
        "can_change_costs": round.state in round_rules.CHARGED_STATES
        and round.state != RoundState.SETTLED,
        "shared_costs": list(round.shared_costs.all()),
        "cost_form": cost_form or SharedCostForm(prefix="cost"),
    }
    return _render(request, "delivery.html", context, status)


@require_http_methods(["GET", "POST"])
def delivery(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    round = _round(request, group_slug, round_id, rules.can_record_delivery)
    if request.method != "POST":
        return _delivery_page(request, round)
    form = DeliveryForm(request.POST, lines=_delivery_lines(round))
    if form.is_valid():
        try:
            changed = services.delivery_record(
                round=round, quantities=form.quantities(), by=request.user
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Consegna registrata. Conti ricalcolati; famiglie avvisate: %(count)d.")
                % {"count": len(changed)},
            )
            return redirect("gaf:coord_round", group_slug=group_slug, round_id=round.pk)
    return _delivery_page(request, round, form=form, status=400)


@require_POST
def shared_cost_add(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    round = _round(request, group_slug, round_id, rules.can_record_delivery)
    form = SharedCostForm(request.POST, prefix="cost")
    if form.is_valid():
        try:
            services.shared_cost_add(round=round, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Spesa comune aggiunta e ripartita tra le famiglie."))
            return redirect("gaf:coord_round_delivery", group_slug=group_slug, round_id=round.pk)
    return _delivery_page(request, round, cost_form=form, status=400)


@require_POST
def shared_cost_remove(
    request: HttpRequest, group_slug: str, round_id: int, cost_id: int
) -> HttpResponse:
    round = _round(request, group_slug, round_id, rules.can_record_delivery)
    cost = get_object_or_404(round.shared_costs, pk=cost_id)
    try:
        services.shared_cost_remove(shared_cost=cost, by=request.user)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
        return _delivery_page(request, round, status=400)
    messages.success(request, _("Spesa comune tolta."))
    return redirect("gaf:coord_round_delivery", group_slug=group_slug, round_id=round.pk)


# --- Rounds: documents ------------------------------------------------------------------------


def _documents(request, group_slug, round_id):
    round = _round(request, group_slug, round_id, rules.can_view_all_orders)
    if round.state not in round_rules.CHARGED_STATES:
        # The documents exist from the close on.
        raise Http404
    return round, selectors.round_documents(round)


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


SUPPLIER_ORDER_FORMATS = {
    "csv": (exports.supplier_order_csv, "text/csv; charset=utf-8"),
    "json": (exports.supplier_order_json, "application/json"),
    "pdf": (exports.supplier_order_pdf, "application/pdf"),
}


@require_GET
def supplier_order_download(
    request: HttpRequest, group_slug: str, round_id: int, file_format: str
) -> HttpResponse:
    if file_format not in SUPPLIER_ORDER_FORMATS:
        raise Http404
    round, documents = _documents(request, group_slug, round_id)
    render, content_type = SUPPLIER_ORDER_FORMATS[file_format]
    return _attachment(
        render(documents.supplier_order),
        content_type,
        f"ordine-{round.group.slug}-{round.pk}.{file_format}",
    )


@require_GET
def family_slips_download(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    round, documents = _documents(request, group_slug, round_id)
    return _attachment(
        exports.family_slips_pdf(documents),
        "application/pdf",
        f"foglietti-{round.group.slug}-{round.pk}.pdf",
    )


# --- Treasurer --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def payments(request: HttpRequest, group_slug: str) -> HttpResponse:
    """Record a payment (or a refund) and see every family's balance."""
    group = _group(request, group_slug, rules.can_record_payment)
    members = list(selectors.group_members(group=group))
    families = [membership.family for membership in members]
    if request.method == "POST":
        form = PaymentForm(request.POST, families=families)
        if form.is_valid():
            try:
                payment = services.payment_record(group=group, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request,
                    _("Pagamento di %(family)s registrato.") % {"family": payment.family.name},
                )
                return redirect("gaf:coord_payments", group_slug=group.slug)
        status = 400
    else:
        form = PaymentForm(families=families, initial={"paid_on": timezone.localdate()})
        status = 200
    context = {
        "group": group,
        "form": form,
        "balances": selectors.group_balances(group=group),
        "recent_payments": list(
            group.payments.select_related("family", "recorded_by").order_by("-created_at")[:20]
        ),
    }
    return _render(request, "payments.html", context, status)


# --- Fondo Solidale ---------------------------------------------------------------------------


def _fund_page(
    request, group, *, donation_form=None, disbursement_form=None, errors=(), status=200
) -> TemplateResponse:
    network = group.network
    disbursements = list(
        FundDisbursement.objects.filter(network=network)
        .select_related("requested_by")
        .prefetch_related(
            Prefetch(
                "approvals",
                queryset=FundDisbursementApproval.objects.select_related("approver").order_by(
                    "created_at"
                ),
            )
        )
        .order_by("-requested_at")[:20]
    )
    for disbursement in disbursements:
        approvers = [approval.approver for approval in disbursement.approvals.all()]
        disbursement.approvers = approvers
        disbursement.can_approve = (
            disbursement.status == FundDisbursement.Status.REQUESTED
            and request.user.pk not in {approver.pk for approver in approvers}
        )
    context = {
        "group": group,
        "network": network,
        "balance": selectors.fund_balance(network=network),
        "entries": list(selectors.fund_entries(network=network)[:FUND_ENTRIES_SHOWN]),
        "disbursements": disbursements,
        "approvals_needed": APPROVALS_NEEDED,
        "donation_form": donation_form
        or DonationForm(prefix="donation", initial={"occurred_on": timezone.localdate()}),
        "disbursement_form": disbursement_form or DisbursementRequestForm(prefix="disbursement"),
        "errors": list(errors),
    }
    return _render(request, "fund.html", context, status)


@require_GET
def fund(request: HttpRequest, group_slug: str) -> HttpResponse:
    group = _group(request, group_slug, _can_manage_fund)
    return _fund_page(request, group)


@require_POST
def fund_donation(request: HttpRequest, group_slug: str) -> HttpResponse:
    group = _group(request, group_slug, _can_manage_fund)
    form = DonationForm(request.POST, prefix="donation")
    if form.is_valid():
        try:
            services.fund_donation_record(
                network=group.network, group=group, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Donazione registrata nel Fondo Solidale."))
            return redirect("gaf:coord_fund", group_slug=group.slug)
    return _fund_page(request, group, donation_form=form, status=400)


@require_POST
def fund_disbursement_request(request: HttpRequest, group_slug: str) -> HttpResponse:
    group = _group(request, group_slug, _can_manage_fund)
    form = DisbursementRequestForm(request.POST, prefix="disbursement")
    if form.is_valid():
        try:
            services.fund_disbursement_request(
                network=group.network, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Richiesta registrata: servono le approvazioni di due coordinatori diversi."),
            )
            return redirect("gaf:coord_fund", group_slug=group.slug)
    return _fund_page(request, group, disbursement_form=form, status=400)


def _disbursement(group: PurchaseGroup, disbursement_id: int) -> FundDisbursement:
    return get_object_or_404(FundDisbursement, pk=disbursement_id, network_id=group.network_id)


@require_POST
def fund_disbursement_approve(
    request: HttpRequest, group_slug: str, disbursement_id: int
) -> HttpResponse:
    group = _group(request, group_slug, _can_manage_fund)
    disbursement = _disbursement(group, disbursement_id)
    try:
        disbursement = services.fund_disbursement_approve(
            disbursement=disbursement, by=request.user
        )
    except ValidationError as error:
        return _fund_page(request, group, errors=_errors(error), status=400)
    if disbursement.status == FundDisbursement.Status.APPROVED:
        messages.success(request, _("Erogazione approvata e registrata nel Fondo Solidale."))
    else:
        messages.success(
            request, _("Approvazione registrata: serve quella di un altro coordinatore.")
        )
    return redirect("gaf:coord_fund", group_slug=group.slug)


@require_POST
def fund_disbursement_reject(
    request: HttpRequest, group_slug: str, disbursement_id: int
) -> HttpResponse:
    group = _group(request, group_slug, _can_manage_fund)
    disbursement = _disbursement(group, disbursement_id)
    try:
        services.fund_disbursement_reject(disbursement=disbursement, by=request.user)
    except ValidationError as error:
        return _fund_page(request, group, errors=_errors(error), status=400)
    messages.success(request, _("Richiesta di erogazione respinta."))
    return redirect("gaf:coord_fund", group_slug=group.slug)
