"""Pages of the Carta Famiglia: the family's card, the shop's verification and offers, staff's
lists, the public directory and its open data."""

from __future__ import annotations

import json

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_permissions_policy import PermissionsPolicyMiddleware

from carta import (
    badges,
    card_pdf,
    offer_services,
    qr,
    selectors,
    services,
    shop_services,
    throttle,
    tokens,
)
from carta.forms import (
    CardRequestForm,
    CardStatusForm,
    OfferForm,
    OperatorInvitationForm,
    OutletForm,
    ShopDecisionForm,
    ShopDetailsForm,
    ShopJoinForm,
    VerifyForm,
)
from carta.models import Card, Shop
from carta.rules import (
    is_shop_operator,
    may_manage_offer,
    may_manage_shop,
    may_remove_operator,
    may_see_card,
)
from hub import abuse
from hub.access import permission_denied_response
from hub.csv_export import OPEN_DATA, CsvWriter
from hub.dates import day
from hub.form_errors import add_service_error
from hub.selectors import family_of
from hub.urls_absolute import absolute_url

OUTLET_SESSION_KEY = "carta_outlet"


# --- The family's card ---------------------------------------------------------------------


def _request_form(family, data=None):
    rule = selectors.rule_of(selectors.network_of_family(family))
    return CardRequestForm(data, asks_isee=bool(rule.max_isee_band))


def _verification_link(card: Card) -> str:
    """What the QR code holds: the verification page's address with the card's token."""
    return absolute_url(reverse("carta:verify")) + "?t=" + services.token_of(card)


def _card_context(card: Card) -> dict:
    link = _verification_link(card)
    return {
        "card": card,
        "number": tokens.grouped(card.number),
        "qr": qr.qr_svg(link, title=_("Codice QR della Carta Famiglia")),
        "renewable": card.status == Card.Status.ACTIVE
        and (card.valid_until - timezone.localdate()).days <= services.RENEWAL_WINDOW_DAYS,
    }


@require_GET
def card(request):
    """The family's card, made for a phone screen; or the request form."""
    family = family_of(request.user)
    if family is None:
        return render(request, "carta/no_family.html")
    card = selectors.card_of_family(family)
    if card is None:
        return render(
            request, "carta/request.html", {"family": family, "form": _request_form(family)}
        )
    if not may_see_card(request.user, card):  # pragma: no cover - found through the family
        raise Http404
    return render(request, "carta/card.html", _card_context(card))


@require_POST
def card_request(request):
    family = family_of(request.user)
    if family is None:
        return render(request, "carta/no_family.html", status=400)
    form = _request_form(family, request.POST)
    if form.is_valid():
        try:
            services.card_request(
                family=family, declared_isee_band=form.cleaned_data.get("declared_isee_band", "")
            )
        except services.CardError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("La Carta Famiglia è stata emessa."))
            return redirect("carta:card")
    return render(request, "carta/request.html", {"family": family, "form": form}, status=400)


def _own_card_or_404(request) -> Card:
    card = selectors.card_of_user(request.user)
    if card is None or not may_see_card(request.user, card):
        raise Http404
    return card


@require_POST
def card_new_token(request):
    card = _own_card_or_404(request)
    services.card_new_token(card=card)
    messages.success(request, _("Nuovo codice QR pronto: quello precedente non vale più."))
    return redirect("carta:card")


@require_POST
def card_renew(request):
    card = _own_card_or_404(request)
    form = _request_form(card.family, request.POST)
    if form.is_valid():
        try:
            card = services.card_renew(
                card=card, declared_isee_band=form.cleaned_data.get("declared_isee_band", "")
            )
        except services.CardError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("carta:card")
        messages.success(
            request,
            _("Carta rinnovata fino al %(date)s.") % {"date": day(card.valid_until)},
        )
        return redirect("carta:card")
    context = _card_context(card) | {"renew_form": form}
    return render(request, "carta/card.html", context, status=400)


@require_GET
def card_print(request):
    """The card as a PDF to print (an active card only: a suspended one has no valid code)."""
    card = _own_card_or_404(request)
    if card.status != Card.Status.ACTIVE:
        raise Http404
    content = card_pdf.card_pdf(
        title=_("Carta Famiglia"),
        network=str(card.network),
        number=tokens.grouped(card.number),
        valid_until=_("Valida fino al %(date)s") % {"date": day(card.valid_until)},
        qr_data=_verification_link(card),
        note=_("Ritaglia la carta lungo il bordo tratteggiato."),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="carta-famiglia.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Verification by a shop ---------------------------------------------------------------------

OUTCOME_STATUS = services.OUTCOME_STATUS


def outcome_message(result: services.VerificationResult) -> str:
    return services.outcome_message(
        result.outcome, day(result.valid_until) if result.valid_until else ""
    )


def _refuse_flood(request, shop_id: int):
    """429 once this address or this shop has asked too often (an enumeration of numbers)."""
    refusal = throttle.verification_refused(request, shop_id)
    if refusal is None:
        return None
    return abuse.too_many_requests(
        request, message=refusal.message, retry_after=refusal.retry_after
    )


def _camera_allowed(response: HttpResponse) -> HttpResponse:
    """The hub's Permissions-Policy with the camera allowed to this page's own origin: the
    verification page reads the card's QR code with it (frontend/src/carta-scan.js)."""
    policy = {**settings.PERMISSIONS_POLICY, "camera": ["self"]}
    response._permissions_policy_override = PermissionsPolicyMiddleware.compute_header_value(
        policy, name="PERMISSIONS_POLICY"
    )
    return response


@require_http_methods(["GET", "POST"])
def verify(request):
    """Verify a card by its QR code (the scanned link opens this page with the token; the
    page's camera scan submits it) or by its number. The answer names no one."""
    return _camera_allowed(_verify(request))


def _verify(request):
    outlets = selectors.operator_outlets(request.user)
    if not outlets:  # then ask the rule: no shop, or a shop without outlets yet
        if not is_shop_operator(request.user):
            return permission_denied_response(
                request, _("La verifica delle carte è riservata agli esercizi convenzionati.")
            )
        return render(request, "carta/verify.html", {"no_outlets": True})
    by_id = {outlet.pk: outlet for outlet in outlets}
    remembered = request.session.get(OUTLET_SESSION_KEY)
    initial_outlet = remembered if remembered in by_id else outlets[0].pk

    if request.method == "POST":
        data = request.POST
    elif request.GET.get("t"):
        data = {"outlet": initial_outlet, "token": request.GET["t"]}
    else:
        form = VerifyForm(initial={"outlet": initial_outlet}, outlets=outlets)
        return render(request, "carta/verify.html", {"form": form})

    form = VerifyForm(data, outlets=outlets)
    outlet = by_id.get(_int_or_none(data.get("outlet")))
    shop = outlet.shop if outlet is not None else outlets[0].shop
    if refused := _refuse_flood(request, shop.pk):
        return refused
    if not form.is_valid():
        return render(request, "carta/verify.html", {"form": form}, status=400)
    if remembered != outlet.pk:  # a session write only when the outlet changes
        request.session[OUTLET_SESSION_KEY] = outlet.pk
    result = services.card_verify(
        shop=shop,
        outlet=outlet,
        token=form.cleaned_data["token"],
        number=form.cleaned_data["number"],
    )
    fresh = VerifyForm(initial={"outlet": outlet.pk}, outlets=outlets)
    return render(
        request,
        "carta/verify.html",
        {"form": fresh, "result": result, "message": outcome_message(result)},
        status=OUTCOME_STATUS[result.outcome],
    )


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- Staff ------------------------------------------------------------------------------------

STAFF_PAGE_SIZE = 50


@require_GET
def staff_cards(request):
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("stato", "")
    if status not in Card.Status.values:
        status = ""
    cards = selectors.cards_for_staff(query=query, status=status)[:STAFF_PAGE_SIZE]
    return render(
        request,
        "carta/staff_cards.html",
        {"cards": cards, "query": query, "status": status, "statuses": Card.Status.choices},
    )


@require_http_methods(["GET", "POST"])
def staff_card(request, pk: int):
    card = get_object_or_404(
        Card.objects.select_related("family__municipality", "network", "status_changed_by"), pk=pk
    )
    form = CardStatusForm(request.POST or None, initial={"status": card.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.card_set_status(
                card=card,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except services.CardError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Stato della carta aggiornato."))
            return redirect("carta:staff_card", pk=card.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "carta/staff_card.html", {"card": card, "form": form}, status=status)


# --- Shops joining ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def shop_join(request):
    """The public form: throttled per client and per contact address, with a honeypot."""
    if request.method == "POST" and (refused := abuse.refuse_flood(request, scope="carta-join")):
        return refused
    if request.method != "POST":
        return render(request, "carta/shop_join.html", {"form": ShopJoinForm()})
    form = ShopJoinForm(request.POST)
    if form.honeypot_filled():
        return redirect("carta:shop_join_sent")
    if form.is_valid():
        if refused := abuse.refuse_recipients(
            request,
            scope="carta-join",
            addresses=[form.cleaned_data["contact_email"], form.cleaned_data["operator_email"]],
        ):
            return refused
        try:
            shop_services.shop_join_submit(data=form.to_application())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("carta:shop_join_sent")
    return render(request, "carta/shop_join.html", {"form": form}, status=400)


@require_GET
def shop_join_sent(request):
    return render(request, "carta/shop_join_sent.html")


@require_GET
def staff_shops(request):
    shops = selectors.shops_for_staff()
    return render(request, "carta/staff_shops.html", {"shops": shops})


@require_http_methods(["GET", "POST"])
def staff_shop(request, pk: int):
    shop = get_object_or_404(
        Shop.objects.select_related("network", "decided_by").prefetch_related(
            "outlets__municipality"
        ),
        pk=pk,
    )
    form = ShopDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                shop_services.shop_approve(shop=shop, by=request.user)
                messages.success(request, _("Esercizio approvato."))
            else:
                shop_services.shop_reject(
                    shop=shop, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Richiesta respinta; la motivazione è stata inviata."))
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("carta:staff_shop", pk=shop.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "carta/staff_shop.html", {"shop": shop, "form": form}, status=status)


# --- Offers (shop operators) ------------------------------------------------------------------


SHOP_PARAMETER = "esercizio"


def _operated_shop(request) -> Shop:
    """The operator's shop: the one `?esercizio=<id>` names among theirs (404 for any other),
    else their first; 403 for anyone who operates none."""
    shops = list(selectors.operator_shops(request.user))
    if not shops:
        raise PermissionDenied(_("Questa pagina è riservata agli esercizi convenzionati."))
    wanted = request.GET.get(SHOP_PARAMETER)
    if wanted is None:
        return shops[0]
    shop = next((shop for shop in shops if str(shop.pk) == wanted), None)
    if shop is None:
        raise Http404
    return shop


@require_GET
def operator_offers(request):
    shop = _operated_shop(request)
    return render(
        request,
        "carta/operator_offers.html",
        {
            "shop": shop,
            "offers": selectors.operator_offers(shop),
            "shops": list(selectors.operator_shops(request.user)),
        },
    )


@require_http_methods(["GET", "POST"])
def operator_offer(request, pk: int | None = None):
    """Create an offer (no pk) or change one of the operator's own (404 for any other)."""
    offer = None
    if pk is not None:
        offer = selectors.offer_of_operator(request.user, pk)
        if offer is None or not may_manage_offer(request.user, offer):
            raise Http404
        shop = offer.shop
    else:
        shop = _operated_shop(request)
    if request.method == "POST":
        form = OfferForm(request.POST, shop=shop)
        if form.is_valid():
            try:
                offer_services.offer_save(shop=shop, data=form.to_data(), offer=offer)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Offerta salvata."))
                return redirect(f"{reverse('carta:operator_offers')}?{SHOP_PARAMETER}={shop.pk}")
        status = 400
    else:
        initial = OfferForm.initial_of(offer) if offer else {}
        form = OfferForm(initial=initial, shop=shop)
        status = 200
    return render(
        request,
        "carta/operator_offer.html",
        {"shop": shop, "offer": offer, "form": form},
        status=status,
    )


# --- The shop's management (its operators, and staff) ---------------------------------------


@require_GET
def operator_shop_home(request):
    """The operator's shop page; for someone who runs several, the list to choose from."""
    shops = list(selectors.operator_shops(request.user))
    if len(shops) > 1:
        return render(request, "carta/operator_shops.html", {"shops": shops})
    return redirect("carta:operator_shop", pk=_operated_shop(request).pk)


def _managed_shop_or_404(request, pk: int) -> Shop:
    """The shop if the person may manage it; 404 for any other, whether it exists or not."""
    shop = selectors.managed_shop(request.user, pk)
    if shop is None or not may_manage_shop(request.user, shop):
        raise Http404
    return shop


def _management_page(
    request, shop: Shop, *, details_form=None, invitation_form=None, error="", status=200
):
    context = {
        "shop": shop,
        "details_form": details_form or ShopDetailsForm(initial=ShopDetailsForm.initial_of(shop)),
        "invitation_form": invitation_form or OperatorInvitationForm(),
        "error": error,
        **selectors.shop_management_context(shop),
    }
    return render(request, "carta/operator_shop.html", context, status=status)


@require_http_methods(["GET", "POST"])
def operator_shop(request, pk: int):
    """The shop's public details (GET shows the whole management page, POST saves them)."""
    shop = _managed_shop_or_404(request, pk)
    if request.method == "GET":
        return _management_page(request, shop)
    form = ShopDetailsForm(request.POST)
    if form.is_valid():
        try:
            shop_services.shop_details_update(shop=shop, data=form.to_data())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Dati dell'esercizio salvati."))
            return redirect("carta:operator_shop", pk=shop.pk)
    return _management_page(request, shop, details_form=form, status=400)


@require_http_methods(["GET", "POST"])
def operator_outlet(request, pk: int, outlet_pk: int | None = None):
    """Add an outlet (no outlet_pk) or change one of the shop's (404 for any other)."""
    shop = _managed_shop_or_404(request, pk)
    outlet = None
    if outlet_pk is not None:
        outlet = get_object_or_404(shop.outlets.select_related("municipality"), pk=outlet_pk)
    if request.method == "POST":
        form = OutletForm(request.POST, shop=shop)
        if form.is_valid():
            try:
                shop_services.outlet_save(shop=shop, data=form.to_data(), outlet=outlet)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Punto vendita salvato."))
                return redirect("carta:operator_shop", pk=shop.pk)
        status = 400
    else:
        initial = OutletForm.initial_of(outlet) if outlet else {}
        form = OutletForm(initial=initial, shop=shop)
        status = 200
    return render(
        request,
        "carta/operator_outlet.html",
        {"shop": shop, "outlet": outlet, "form": form},
        status=status,
    )


@require_POST
def operator_outlet_delete(request, pk: int, outlet_pk: int):
    shop = _managed_shop_or_404(request, pk)
    outlet = get_object_or_404(shop.outlets.all(), pk=outlet_pk)
    try:
        shop_services.outlet_delete(shop=shop, outlet=outlet)
    except ValidationError as error:
        return _management_page(request, shop, error=" ".join(error.messages), status=400)
    messages.success(request, _("Punto vendita eliminato."))
    return redirect("carta:operator_shop", pk=shop.pk)


@require_POST
def operator_invite(request, pk: int):
    shop = _managed_shop_or_404(request, pk)
    form = OperatorInvitationForm(request.POST)
    if form.is_valid():
        try:
            shop_services.shop_invitation_create(
                shop=shop, email=form.cleaned_data["email"], by=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Invito inviato a %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("carta:operator_shop", pk=shop.pk)
    return _management_page(request, shop, invitation_form=form, status=400)


@require_POST
def operator_invitation_revoke(request, pk: int, invitation_pk: int):
    shop = _managed_shop_or_404(request, pk)
    if not shop_services.shop_invitation_revoke(shop=shop, invitation_id=invitation_pk):
        raise Http404
    messages.success(request, _("Invito revocato."))
    return redirect("carta:operator_shop", pk=shop.pk)


@require_POST
def operator_remove(request, pk: int, user_pk: int):
    shop = _managed_shop_or_404(request, pk)
    operator = get_object_or_404(shop.operators.all(), pk=user_pk)
    if not may_remove_operator(request.user, shop, operator):  # pragma: no cover - found above
        raise Http404
    try:
        shop_services.shop_operator_remove(shop=shop, operator_id=operator.pk, by=request.user)
    except ValidationError as error:
        return _management_page(request, shop, error=" ".join(error.messages), status=400)
    if operator.pk == request.user.pk and not may_manage_shop(request.user, shop):
        messages.success(request, _("Non sei più operatore di %(name)s.") % {"name": shop})
        return redirect("profile")
    messages.success(request, _("%(email)s non è più operatore.") % {"email": operator.email})
    return redirect("carta:operator_shop", pk=shop.pk)


def _masked_email(email: str) -> str:
    local, _at, domain = email.partition("@")
    return f"{local[:2]}…@{domain}"


@never_cache
@require_http_methods(["GET", "POST"])
def operator_invitation(request, token: str):
    """Anyone holding the link sees which shop invites them; accepting takes the invited
    person, signed in with the invited address (shop_services.shop_invitation_accept)."""
    invitation = selectors.invitation_for_token(token)
    if problem := shop_services.invitation_refusal(invitation):
        return render(request, "carta/operator_invitation.html", {"problem": problem}, status=400)
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        return render(
            request,
            "carta/operator_invitation.html",
            {
                "invitation": invitation,
                "masked_email": _masked_email(invitation.email),
                "next_query": urlencode({"next": request.get_full_path()}),
            },
        )
    if request.user.email.lower() != invitation.email.lower():
        problem = _("Questo invito è per %(email)s: accedi con quell'indirizzo.") % {
            "email": _masked_email(invitation.email)
        }
        return render(
            request,
            "carta/operator_invitation.html",
            {"problem": problem, "wrong_account": True},
            status=403,
        )
    if request.method == "POST":
        try:
            shop_services.shop_invitation_accept(token=token, user=request.user)
        except (ValidationError, PermissionDenied) as error:
            message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            return render(
                request, "carta/operator_invitation.html", {"problem": message}, status=400
            )
        messages.success(
            request,
            _("Ora sei operatore di %(name)s.") % {"name": invitation.shop.business_name},
        )
        return redirect("carta:operator_shop", pk=invitation.shop_id)
    return render(request, "carta/operator_invitation.html", {"invitation": invitation})


# --- Public directory ---------------------------------------------------------------------------

DIRECTORY_PAGE_SIZE = 30


def _with_badges(shops, all_badges):
    thresholds = [(badge.min_percentage, badge) for badge in all_badges]
    today = timezone.localdate()
    for shop in shops:
        shop.badge = badges.badge_for(
            (
                offer.value
                for offer in shop.public_offers
                if offer.kind == offer.Kind.PERCENTAGE and offer.starts_on <= today
            ),
            thresholds,
        )
    return shops


def _directory_filters(request) -> tuple[list, object, dict]:
    """The badges, the chosen one and the directory's other filters, from the query string
    (the list and the map read the same ones)."""
    all_badges = selectors.badges()
    badge = next((b for b in all_badges if b.slug == request.GET.get("riconoscimento")), None)
    filters = {
        "municipality": request.GET.get("comune", "")[:120],
        "category": request.GET.get("categoria", "")[:80],
        "valid_now": request.GET.get("valide") == "1",
    }
    return all_badges, badge, filters


@require_GET
def directory(request):
    all_badges, badge, filters = _directory_filters(request)
    shops = selectors.directory(today=timezone.localdate(), badge=badge, **filters)
    page = Paginator(shops, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("pagina"))
    _with_badges(page.object_list, all_badges)
    return render(
        request,
        "carta/directory.html",
        {
            "page": page,
            "page_obj": page,
            "page_range": list(
                page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
            ),
            "badges": all_badges,
            "badge": badge,
            "filters": filters,
            **selectors.directory_filters(),
        },
    )


# OpenStreetMap's public tile servers, for the map's images only.
MAP_TILES_ORIGIN = "https://tile.openstreetmap.org"


def _map_points(outlets) -> list[dict]:
    """What the map's script reads (json_script): the outlets with a position."""
    return [
        {
            "id": outlet.pk,
            "shop": outlet.shop.business_name,
            "name": outlet.name,
            "address": outlet.address,
            "municipality": outlet.municipality.name,
            "lat": float(outlet.latitude),
            "lng": float(outlet.longitude),
            "url": reverse("carta:shop_page", args=[outlet.shop_id]),
        }
        for outlet in outlets
        if outlet.latitude is not None and outlet.longitude is not None
    ]


@require_GET
@csp_update({"img-src": [MAP_TILES_ORIGIN]})
def directory_map(request):
    """The directory's outlets on a map (frontend/src/carta-map.js), with the directory's
    filters; the page lists them too, for those without the script or the tiles."""
    all_badges, badge, filters = _directory_filters(request)
    outlets = list(selectors.map_outlets(today=timezone.localdate(), badge=badge, **filters))
    return render(
        request,
        "carta/directory_map.html",
        {
            "outlets": outlets,
            "points": _map_points(outlets),
            "badges": all_badges,
            "badge": badge,
            "filters": filters,
            **selectors.directory_filters(),
        },
    )


@require_GET
def shop_page(request, pk: int):
    shop = selectors.public_shop(pk, today=timezone.localdate())
    if shop is None:
        raise Http404
    _with_badges([shop], selectors.badges())
    return render(request, "carta/shop_page.html", {"shop": shop})


# --- Open data ----------------------------------------------------------------------------------

LICENSE = "CC BY 4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
EXPORT_FILENAME = "negozi-buon-vicinato_CC-BY-4.0"


def _license_headers(response: HttpResponse, extension: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{EXPORT_FILENAME}.{extension}"'
    response["X-License"] = LICENSE
    response["Link"] = f'<{LICENSE_URL}>; rel="license"'
    return response


@require_GET
def directory_csv(request):
    """Shops and their offers, one row per offer (RFC 4180, the hub's one CSV writer)."""
    writer = CsvWriter(OPEN_DATA)
    writer.writerow(selectors.OPEN_DATA_FIELDS)
    for item in selectors.open_data_items(today=timezone.localdate()):
        writer.writerow(
            "; ".join(value) if isinstance(value, list) else value
            for value in (item[field] for field in selectors.OPEN_DATA_FIELDS)
        )
    response = HttpResponse(writer.content(), content_type="text/csv; charset=utf-8")
    return _license_headers(response, "csv")


@require_GET
def directory_json(request):
    body = {
        "license": LICENSE,
        "license_url": LICENSE_URL,
        "source": absolute_url(reverse("carta:directory")),
        "generated_at": timezone.now(),
        "items": selectors.open_data_items(today=timezone.localdate()),
    }
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    return _license_headers(response, "json")
