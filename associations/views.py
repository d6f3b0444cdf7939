"""Public views of associations and the mappatura: directory, join form, follow, mapping,
the list of initiatives and its open-data exports (CSV and JSON, CC BY 4.0).

Filters are GET parameters with Italian names (comune, tipo, area, rete, fascia, gratuite),
so that a filtered list is a URL to share; an unknown value answers 400 with a message.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from associations import rules, selectors, services
from associations.forms import (
    DirectoryFilterForm,
    InitiativeFilterForm,
    JoinRequestForm,
    MappingFilterForm,
)
from hub import abuse, urls_absolute
from hub.csv_export import OPEN_DATA, CsvWriter
from hub.form_errors import add_service_error
from hub.page_urls import PageUrls

LICENSE = "CC BY 4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
EXPORT_FILENAME = "mappatura-iniziative_CC-BY-4.0"


def _page_context(page_obj) -> dict:
    return {
        "page_obj": page_obj,
        "page_range": list(
            page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
        ),
    }


# --- Directory ------------------------------------------------------------------------------


@require_GET
def directory(request: HttpRequest, *, network=None, index_page=None) -> HttpResponse:
    """All associations, or one network's when served by its AssociationIndexPage."""
    options = selectors.filter_options(network=network)
    form = DirectoryFilterForm(request.GET, options=options, fixed_network=network is not None)
    context = {"form": form, "network": network, "page": index_page, "self": index_page}
    if not form.is_valid():
        return render(request, "associations/directory.html", context, status=400)
    filters = form.cleaned_data
    associations = selectors.directory_associations(
        network=network or filters.get("rete") or None,
        municipality=filters.get("comune") or None,
        kind=filters.get("tipo", ""),
        area=filters.get("area") or None,
    )
    page_obj = selectors.paginate(associations, request.GET.get("pagina"))
    context.update(_page_context(page_obj))
    context["cards"] = selectors.directory_cards(page_obj.object_list, urls=PageUrls(request))
    return render(request, "associations/directory.html", context)


# --- Joining --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """The public join form: throttled per client and per contact address, with a honeypot."""
    if request.method == "POST" and (refused := abuse.refuse_flood(request, scope="join")):
        return refused
    options = selectors.filter_options()
    if request.method == "POST":
        form = JoinRequestForm(request.POST, options=options)
        if form.honeypot_filled():
            # A bot: it is told the request went through, and nothing is stored or sent.
            return redirect("associations:join_sent")
        if form.is_valid():
            if refused := abuse.refuse_recipients(
                request, scope="join", addresses=[form.cleaned_data["contact_email"]]
            ):
                return refused
            try:
                services.join_request_submit(data=form.to_data())
            except ValidationError as error:
                add_service_error(form, error)
            else:
                return redirect("associations:join_sent")
        status = 400
    else:
        form = JoinRequestForm(options=options)
        status = 200
    return render(request, "associations/join.html", {"form": form}, status=status)


@require_GET
def join_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "associations/join_sent.html")


# --- Follow ---------------------------------------------------------------------------------


@require_POST
def follow(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow or stop following. `following` is "1" or "0"; without it the state toggles."""
    association = selectors.association_by_slug(slug)
    if association is None:
        raise Http404
    if not rules.can_follow(request.user):
        return redirect("account_login")
    wanted = request.POST.get("following")
    if wanted not in {None, "0", "1"}:
        return HttpResponseBadRequest(_("Valore di «following» non valido: usa 0 o 1."))
    if wanted is None:
        following = not association.follows.filter(user=request.user).exists()
    else:
        following = wanted == "1"
    services.follow_set(user=request.user, association=association, following=following)
    if following:
        messages.success(request, _("Ora segui %(name)s.") % {"name": association.name})
    else:
        messages.success(request, _("Non segui più %(name)s.") % {"name": association.name})
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = association.page.get_url(request) or "/"
    return redirect(next_url)


# --- Mapping --------------------------------------------------------------------------------


@require_GET
def mapping(request: HttpRequest) -> HttpResponse:
    options = selectors.filter_options()
    form = MappingFilterForm(request.GET, options=options)
    context = {"form": form}
    if not form.is_valid():
        return render(request, "associations/mapping.html", context, status=400)
    network = form.cleaned_data.get("rete") or None
    context.update(
        network=network,
        matrix=selectors.mapping_matrix(options=options, network=network),
        export_query=request.GET.urlencode(),
    )
    return render(request, "associations/mapping.html", context)


@require_GET
def initiatives(request: HttpRequest) -> HttpResponse:
    options = selectors.filter_options()
    form = InitiativeFilterForm(request.GET, options=options)
    context = {"form": form}
    if not form.is_valid():
        return render(request, "associations/initiatives.html", context, status=400)
    queryset = selectors.initiative_list(**form.selector_filters())
    context.update(_page_context(selectors.paginate(queryset, request.GET.get("pagina"))))
    context["export_query"] = request.GET.copy()
    context["export_query"].pop("pagina", None)
    context["export_query"] = context["export_query"].urlencode()
    return render(request, "associations/initiatives.html", context)


# --- Open data ------------------------------------------------------------------------------


def _export_items(request: HttpRequest) -> list[dict] | HttpResponse:
    form = InitiativeFilterForm(request.GET, options=selectors.filter_options())
    if not form.is_valid():
        return HttpResponseBadRequest(
            " ".join(form.error_messages_list()), content_type="text/plain; charset=utf-8"
        )
    return selectors.export_items(
        selectors.initiative_list(**form.selector_filters()),
        url_for=urls_absolute.page_url,
    )


def _license_headers(response: HttpResponse, extension: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{EXPORT_FILENAME}.{extension}"'
    response["X-License"] = LICENSE
    response["Link"] = f'<{LICENSE_URL}>; rel="license"'
    return response


@require_GET
def mapping_csv(request: HttpRequest) -> HttpResponse:
    """One row per initiative; its municipalities and ISTAT codes joined with "; ".

    Open data for programs (RFC 4180), through the hub's one CSV writer, which neutralises
    text cells that a spreadsheet would run as formulas (titles, notes, places are typed
    by the associations)."""
    items = _export_items(request)
    if isinstance(items, HttpResponse):
        return items
    writer = CsvWriter(OPEN_DATA)
    writer.writerow(selectors.EXPORT_FIELDS)
    writer.writerows(selectors.export_csv_row(item) for item in items)
    response = HttpResponse(writer.content(), content_type="text/csv; charset=utf-8")
    return _license_headers(response, "csv")


@require_GET
def mapping_json(request: HttpRequest) -> HttpResponse:
    """One item per initiative, with its municipalities as a list, and the licence."""
    items = _export_items(request)
    if isinstance(items, HttpResponse):
        return items
    body = {
        "license": LICENSE,
        "license_url": LICENSE_URL,
        "source": urls_absolute.absolute_url(reverse("associations:mapping")),
        "generated_at": timezone.now(),
        "items": items,
    }
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    return _license_headers(response, "json")
