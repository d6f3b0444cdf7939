"""HTTP views of the calendar feeds (see events.feeds for what a feed holds and why)."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from associations.models import Association
from events import feeds, filters
from hub.models import Municipality

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _last_modified(feed: feeds.Feed) -> int | None:
    moment = feed.last_modified()
    return int(moment.timestamp()) if moment else None


def _feed_response(request: HttpRequest, feed: feeds.Feed, *, private: bool) -> HttpResponse:
    # With If-None-Match the ETag alone decides (RFC 9110: If-Modified-Since is then
    # ignored): a calendar app's revalidation costs the ETag's one query, nothing more.
    etag_decides = "If-None-Match" in request.headers and (
        "If-Unmodified-Since" not in request.headers
    )
    last_modified = None if etag_decides else _last_modified(feed)
    response = get_conditional_response(request, etag=feed.etag, last_modified=last_modified)
    if response is None:
        # A 200 is built from the feed checked against its parts (its ETag with it).
        feed = feed.exact()
        response = HttpResponse(feed.body(), content_type=CONTENT_TYPE)
        last_modified = _last_modified(feed)
    response["ETag"] = feed.etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    if private:
        patch_cache_control(response, private=True, max_age=feeds.MAX_AGE_SECONDS)
    else:
        patch_cache_control(response, public=True, max_age=feeds.MAX_AGE_SECONDS)
    return response


def _bad_parameters(error: filters.FilterError) -> HttpResponse:
    lines = [_("L'indirizzo del calendario contiene parametri non validi:")]
    lines += [
        f"- {name}: {message}" for name, messages_ in error.errors.items() for message in messages_
    ]
    response = HttpResponse("\n".join(lines) + "\n", status=400)
    response["Content-Type"] = "text/plain; charset=utf-8"
    return response


def _public(request: HttpRequest, **entities) -> HttpResponse:
    try:
        event_filter = filters.parse(request.GET, strict=True)
    except filters.FilterError as error:
        return _bad_parameters(error)
    for field, entity in entities.items():
        others = tuple(value for value in getattr(event_filter, field) if value != entity)
        event_filter = replace(event_filter, **{field: (entity, *others)})
    return _feed_response(request, feeds.public_feed(event_filter), private=False)


@require_safe
def feed(request: HttpRequest) -> HttpResponse:
    """All public events, or those matching the list filters given as query parameters."""
    return _public(request)


@require_safe
def municipality_feed(request: HttpRequest, slug: str) -> HttpResponse:
    return _public(request, municipalities=get_object_or_404(Municipality, slug=slug))


@require_safe
def association_feed(request: HttpRequest, slug: str) -> HttpResponse:
    return _public(request, associations=get_object_or_404(Association, slug=slug))


@require_safe
def source_feed(request: HttpRequest, name: str) -> HttpResponse:
    """Another app's public calendar (events.calendar_sources.register_public)."""
    feed = feeds.public_source_feed(name)
    if feed is None:
        return HttpResponseNotFound(
            _("Calendario non trovato.\n"), content_type="text/plain; charset=utf-8"
        )
    return _feed_response(request, feed, private=False)


@require_safe
def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's private feed; the token in the URL is the credential (no session)."""
    user = feeds.user_for_token(token)
    if user is None:
        response = HttpResponseNotFound(
            _("Calendario non trovato: l'indirizzo è stato rinnovato o non è mai esistito.\n"),
            content_type="text/plain; charset=utf-8",
        )
    else:
        response = _feed_response(request, feeds.personal_feed(user), private=True)
    # The URL is a secret: never send it on as a Referer.
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_POST
def personal_feed_rotate(request: HttpRequest) -> HttpResponse:
    """Create the person's private feed URL, or replace it (the old one stops working)."""
    token = feeds.calendar_feed_token_rotate(user=request.user)
    # Shown once on the profile page, then gone: only its hash is stored.
    request.session[feeds.NEW_TOKEN_SESSION_KEY] = token
    messages.success(request, _("Il tuo calendario personale ha un nuovo indirizzo."))
    return redirect(reverse("profile") + "#calendario-personale")
