"""Suppliers, their products and price lists, for the coordinators of their network."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaf import presentation, selectors, services
from gaf.forms_coordination import (
    PriceListConfirmForm,
    PriceListUploadForm,
    PriceTierFormSet,
    ProductForm,
    SupplierForm,
    plain_decimal,
)
from gaf.models import Product, Supplier
from gaf.pricelist import RowError, parse_price_list, price_list_template
from gaf.units import codes_text
from gaf.views.coordination._common import found, render, supplier_or_404
from hub.csv_export import csv_response
from hub.form_errors import submit

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


def _networks_or_404(request: HttpRequest) -> list:
    networks = selectors.supplier_networks(request.user)
    if not networks:
        raise Http404
    return networks


def _supplier_form(request, *, supplier: Supplier | None = None, networks=None) -> SupplierForm:
    networks = networks if networks is not None else [supplier.network]
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
        municipalities=selectors.supplier_municipalities(networks=networks),
        editing=supplier is not None,
    )


@require_GET
def suppliers(request: HttpRequest) -> HttpResponse:
    networks = _networks_or_404(request)
    context = {
        "suppliers": selectors.suppliers_with_counts(networks=networks),
        "networks": networks,
    }
    return render(request, "suppliers.html", context)


@require_http_methods(["GET", "POST"])
def supplier_create(request: HttpRequest) -> HttpResponse:
    form = _supplier_form(request, networks=_networks_or_404(request))
    if request.method != "POST":
        return render(request, "supplier_form.html", {"form": form, "supplier": None})
    ok, supplier = submit(
        form,
        lambda data: services.supplier_create(
            network=data["network"],
            name=data["name"],
            email=data["email"],
            municipality=data["municipality"],
            phone=data["phone"],
            vat_number=data["vat_number"],
            address=data["address"],
            description=data["description"],
            by=request.user,
        ),
    )
    if ok:
        messages.success(request, _("Fornitore %(name)s creato.") % {"name": supplier.name})
        return redirect("gaf:coord_supplier", supplier_slug=supplier.slug)
    return render(request, "supplier_form.html", {"form": form, "supplier": None}, 400)


@require_GET
def supplier(request: HttpRequest, supplier_slug: str) -> HttpResponse:
    return _supplier_page(request, supplier_or_404(request, supplier_slug))


def _supplier_page(request, supplier: Supplier, status=200) -> TemplateResponse:
    context = {"supplier": supplier, "products": selectors.supplier_products(supplier=supplier)}
    return render(request, "supplier.html", context, status)


@require_http_methods(["GET", "POST"])
def supplier_edit(request: HttpRequest, supplier_slug: str) -> HttpResponse:
    supplier = supplier_or_404(request, supplier_slug)
    form = _supplier_form(request, supplier=supplier)
    context = {"form": form, "supplier": supplier}
    if request.method != "POST":
        return render(request, "supplier_form.html", context)
    ok, _result = submit(
        form,
        lambda data: services.supplier_update(
            supplier=supplier,
            by=request.user,
            **{name: value for name, value in data.items() if name != "network"},
        ),
    )
    if ok:
        messages.success(request, _("Dati del fornitore salvati."))
        return redirect("gaf:coord_supplier", supplier_slug=supplier.slug)
    return render(request, "supplier_form.html", context, 400)


def _product_page(request, supplier, product, form, tiers, status=200) -> TemplateResponse:
    context = {"supplier": supplier, "product": product, "form": form, "tiers": tiers}
    return render(request, "product_form.html", context, status)


def _product_values(data: dict) -> dict:
    values = dict(data)
    if values["min_per_family"] is None:
        values["min_per_family"] = Decimal(0)
    return values


def _save_product(request, supplier: Supplier, product: Product | None) -> HttpResponse:
    """Create (`product` None) or update a product with its price tiers, from the post."""
    form = ProductForm(request.POST)
    tiers = PriceTierFormSet(request.POST, prefix="tiers")

    def save(data):
        values = {
            "tiers": [services.Tier(low, price) for low, price in tiers.tiers()],
            "by": request.user,
            **_product_values(data),
        }
        if product is None:
            return services.product_create(supplier=supplier, **values)
        return services.product_update(product=product, **values)

    ok, created = submit(form, save) if tiers.is_valid() else (False, None)
    if not ok:
        return _product_page(request, supplier, product, form, tiers, status=400)
    if product is None:
        messages.success(request, _("Prodotto %(name)s creato.") % {"name": created.name})
    else:
        messages.success(request, _("Prodotto %(name)s salvato.") % {"name": product.name})
    return redirect("gaf:coord_supplier", supplier_slug=supplier.slug)


@require_http_methods(["GET", "POST"])
def product_create(request: HttpRequest, supplier_slug: str) -> HttpResponse:
    supplier = supplier_or_404(request, supplier_slug)
    if request.method == "POST":
        return _save_product(request, supplier, None)
    return _product_page(request, supplier, None, ProductForm(), PriceTierFormSet(prefix="tiers"))


@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, supplier_slug: str, product_id: int) -> HttpResponse:
    supplier = supplier_or_404(request, supplier_slug)
    product = found(selectors.supplier_product(supplier=supplier, product_id=product_id))
    if request.method == "POST":
        return _save_product(request, supplier, product)
    initial = {field: getattr(product, field) for field in PRODUCT_FIELDS}
    for field in ("case_size", "min_per_family", "multiple", "max_total", "unit_weight_kg"):
        initial[field] = plain_decimal(initial[field])
    initial["unit_price"] = plain_decimal(product.unit_price, 2)
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
    return _product_page(request, supplier, product, ProductForm(initial=initial), tiers)


@require_POST
def product_availability(request: HttpRequest, supplier_slug: str, product_id: int) -> HttpResponse:
    supplier = supplier_or_404(request, supplier_slug)
    product = found(selectors.supplier_product(supplier=supplier, product_id=product_id))
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
        "units": codes_text(),
    }
    return render(request, "pricelist.html", context, status)


@require_http_methods(["GET", "POST"])
def pricelist_upload(request: HttpRequest, supplier_slug: str) -> HttpResponse:
    """Upload a price list: the report of its errors, or a preview to confirm."""
    supplier = supplier_or_404(request, supplier_slug)
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
    preview = presentation.price_list_preview(
        parsed.rows, selectors.product_codes(supplier=supplier)
    )
    confirm = PriceListConfirmForm(initial={"content": PriceListConfirmForm.encode(data)})
    return _pricelist_page(
        request, supplier, preview=preview, confirm=confirm, ignored=parsed.ignored_columns
    )


@require_GET
def pricelist_template(request: HttpRequest, supplier_slug: str) -> HttpResponse:
    """The CSV to start a price list from: the columns the importer reads, two examples."""
    supplier_or_404(request, supplier_slug)
    return csv_response(price_list_template(), filename="listino-modello.csv")


@require_POST
def pricelist_apply(request: HttpRequest, supplier_slug: str) -> HttpResponse:
    """Apply a previewed price list: every row or none (gaf.services.price_list_import)."""
    supplier = supplier_or_404(request, supplier_slug)
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
