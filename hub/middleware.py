"""Middleware of the hub."""

from __future__ import annotations


class InvalidFormStatusMiddleware:
    """A POST answered by re-rendering an invalid form gets 400, not 200.

    Django's, django-allauth's and Wagtail's form views re-render an invalid form with status
    200; the hub promises a 4xx for bad input everywhere, so clients, tests and monitoring can
    tell a refused submission from an accepted one. Applies to full-page TemplateResponses
    whose context holds a bound, invalid form (its inline formsets included); background
    (fetch/XHR) requests of the Wagtail admin keep their own JSON conventions.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        if request.method != "POST" or response.status_code != 200:
            return response
        if request.headers.get("x-requested-with") == "XMLHttpRequest" or (
            "application/json" in request.headers.get("accept", "")
        ):
            return response
        form = (response.context_data or {}).get("form")
        # is_valid(), not errors: Wagtail's forms (ClusterForm) hold their inline rows in
        # formsets, whose errors only is_valid() counts; the view has already validated,
        # so this reads the cached result.
        if form is not None and getattr(form, "is_bound", False) and not form.is_valid():
            response.status_code = 400
        return response
