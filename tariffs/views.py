"""The public calculator: GET shows the form, POST compares the tariffs. Anyone may use it;
nothing the family types is stored or logged (no session, no message, no model write)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from hub.form_errors import add_service_error
from tariffs import comparison, selectors
from tariffs.forms import CalculatorForm


@never_cache
@require_http_methods(["GET", "POST"])
def calculator(request: HttpRequest) -> HttpResponse:
    choices = selectors.municipality_choices()
    result = None
    status = 200
    if request.method == "POST":
        form = CalculatorForm(request.POST, municipality_choices=choices)
        if form.is_valid():
            try:
                result = comparison.compare(
                    household=form.household(),
                    municipality_slug=form.cleaned_data["municipality"],
                    service_kinds=form.cleaned_data["services"],
                    on=timezone.localdate(),
                )
            except ValidationError as error:
                add_service_error(form, error)
        if result is None:
            status = 400
    else:
        initial = {}
        if request.GET.get("comune") in {slug for slug, _name in choices}:
            initial["municipality"] = request.GET["comune"]
        form = CalculatorForm(initial=initial, municipality_choices=choices)
    return render(
        request, "tariffs/calculator.html", {"form": form, "result": result}, status=status
    )
