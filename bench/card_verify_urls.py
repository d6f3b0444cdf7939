"""hub.urls and, in front of them, the benchmark's bare verification view."""

from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone

from carta import tokens
from hub import access
from hub.urls import urlpatterns as hub_urlpatterns

BARE_PATH = "/bench/bare-verify/"


def bare_view(request):
    """Only the signature check: what every verification over HTTP has to do at least."""
    try:
        tokens.read_token(request.GET.get("t", ""), today=timezone.localdate())
    except tokens.TokenError:
        return HttpResponseBadRequest("no")
    return HttpResponse("ok")


urlpatterns = [
    access.route(BARE_PATH.strip("/") + "/", bare_view, name="bench_bare", policy=access.PUBLIC),
    *hub_urlpatterns,
]
