"""Pages of the notification centre: the inbox, opening and marking, the choices.

Every page is the signed-in person's own: a notification of someone else is "not found"
(404), exactly like one that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hub.form_errors import submit
from hub.notifications import selectors, services
from hub.notifications.forms import MarkReadForm, NotificationPreferencesForm
from hub.notifications.registry import registered_kinds

PAGE_SIZE = 20
UNREAD_FILTER = "da-leggere"


def _own(request: HttpRequest, notification_id: int):
    notification = selectors.notification_for(request.user, notification_id)
    if notification is None:
        raise Http404(_("Notifica non trovata."))
    return notification


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications")


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("filtro") == UNREAD_FILTER
    page_obj = Paginator(
        selectors.inbox(request.user, unread_only=unread_only), PAGE_SIZE
    ).get_page(request.GET.get("pagina"))
    context = {
        "page_obj": page_obj,
        "notifications": list(page_obj),
        "page_range": list(
            page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
        ),
        "unread_only": unread_only,
        "unread_filter": UNREAD_FILTER,
    }
    return render(request, "hub/notifications/inbox.html", context)


@login_required
@require_GET
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Follow a notification's link, marking it read (an idempotent change, like a mail
    client's: the link is what the bell, the inbox and the e-mails point to)."""
    notification = _own(request, notification_id)
    services.notification_mark_read(notification=notification, by=request.user)
    return redirect(notification.url or "notifications")


@login_required
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = _own(request, notification_id)
    form = MarkReadForm(request.POST)
    ok, _changed = submit(
        form,
        lambda data: services.notification_mark_read(
            notification=notification, by=request.user, read=data["letta"]
        ),
    )
    if not ok:
        return render(request, "400.html", {"message": " ".join(form.errors["letta"])}, status=400)
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(by=request.user)
    if count:
        messages.success(request, _("Tutte le notifiche sono segnate come lette."))
    return _back(request)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    saved = selectors.preferences_of(request.user)
    form = NotificationPreferencesForm(
        request.POST or None,
        kinds=registered_kinds(),
        places=selectors.places_of(request.user, saved),
        preferences=saved,
    )
    if request.method == "POST":
        ok, _result = submit(
            form,
            lambda _data: services.notification_preferences_set(
                user=request.user, choices=form.choices(), place_labels=form.place_labels
            ),
        )
        if ok:
            messages.success(request, _("Preferenze delle notifiche salvate."))
            return redirect("notification_preferences")
        status = 400
    else:
        status = 200
    return render(request, "hub/notifications/preferences.html", {"form": form}, status=status)
