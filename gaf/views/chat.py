"""The chat over HTTP: the room's page, its history as JSON, and every action by POST.

The page works the same with the WebSocket down or without JavaScript: the history is
rendered on the server (older pages by `?prima=<n>`), and sending, editing, deleting and
pinning are plain forms. The browser module (frontend/src/gaf-chat.js) uses the same URLs
when its socket is down: it asks for JSON (`Accept: application/json`) and gets the message
or an error with a code. Whoever may not read the room gets 404, like every gaf page.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaf import rules, services
from gaf.chat_presenters import chat_panel, members_list, parse_attachment, room_url
from gaf.chat_protocol import RESUME_CAP
from gaf.models import OrderRound, PurchaseGroup
from gaf.selectors import chat as reads
from hub.api_errors import json_error

# How a refusal reads over HTTP.
STATUS = {"rate_limited": 429, "not_member": 404, "not_found": 404, "forbidden": 403}


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _room_or_404(request: HttpRequest, room_id: int):
    room = reads.room_by_id(room_id=room_id)
    if room is None or not rules.can_read_room(request.user, room):
        raise Http404
    return room


def _refusal(error: ValidationError) -> tuple[str, str, int]:
    code = getattr(error, "code", None) or "invalid"
    return code, error.messages[0], STATUS.get(code, 400)


def _back(request: HttpRequest, room) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return f"{room_url(room)}#chat"


# --- The room's page ------------------------------------------------------------------------


def _page(request: HttpRequest, room, *, status: int = 200, draft: str = "") -> HttpResponse:
    before = request.GET.get("prima", "")
    panel = chat_panel(
        request,
        room,
        before=int(before) if before.isdigit() else None,
        language=get_language() or "",
    )
    if not before:
        services.chat_mark_read(room=room, user=request.user, seq=room.last_seq)
    context = {
        "room": room,
        "group": room.group,
        "round": room.round,
        "chat": panel,
        "draft": draft,
    }
    return TemplateResponse(request, "gaf/family/chat.html", context, status=status)


def group_chat(request: HttpRequest, group_slug: str) -> HttpResponse:
    group = get_object_or_404(PurchaseGroup, slug=group_slug)
    room = reads.group_room(group=group)
    if room is None or not rules.can_read_room(request.user, room):
        raise Http404
    return _page(request, room)


def round_chat(request: HttpRequest, group_slug: str, round_id: int) -> HttpResponse:
    round = get_object_or_404(
        OrderRound.objects.select_related("group"), pk=round_id, group__slug=group_slug
    )
    room = reads.round_room(round=round)
    if room is None or not rules.can_read_room(request.user, room):
        raise Http404
    return _page(request, room)


# --- History and sending --------------------------------------------------------------------


def _cursor(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name)
    if value is None:
        return None
    if not value.isdigit():
        raise ValueError(name)
    return int(value)


def _history(request: HttpRequest, room) -> HttpResponse:
    try:
        after, before = _cursor(request, "after"), _cursor(request, "before")
    except ValueError:
        return json_error(400, _("Il cursore deve essere un numero intero."), code="invalid_cursor")
    if after is not None:
        if after > room.last_seq:
            return json_error(
                400, _("Questo messaggio non esiste ancora in questa chat."), code="future"
            )
        events = reads.events_after(room=room, after=after, limit=RESUME_CAP)
        return JsonResponse(
            {
                "room": room.pk,
                "last_seq": room.last_seq,
                "events": [reads.event_payload(event) for event in events],
                "has_more": bool(events) and events[-1].seq < room.last_seq,
            }
        )
    page, has_more = reads.messages_before(room=room, before=before)
    return JsonResponse(
        {
            "room": room.pk,
            "last_seq": room.last_seq,
            "messages": [reads.message_payload(message) for message in page],
            "has_more": has_more,
        }
    )


@require_http_methods(["GET", "POST"])
def room_messages(request: HttpRequest, room_id: int) -> HttpResponse:
    """GET: the history as JSON (`?after=n`: the events after n, in order; `?before=n`: the
    messages before n). POST: send a message (a form, or JSON answers with `Accept`)."""
    room = _room_or_404(request, room_id)
    if request.method == "GET":
        return _history(request, room)
    body = request.POST.get("body", "")
    try:
        result = services.chat_message_send(
            room=room,
            user=request.user,
            body=body,
            client_id=request.POST.get("client_id") or None,
            attach=parse_attachment(request.POST.get("attach")),
        )
    except ValidationError as error:
        code, message, status = _refusal(error)
        if _wants_json(request):
            return json_error(status, message, code=code)
        flash.error(request, message)
        return _page(request, room, status=status, draft=body)
    if _wants_json(request):
        return JsonResponse(
            {"message": reads.message_payload(result.message), "created": result.created},
            status=201 if result.created else 200,
        )
    return redirect(_back(request, room))


def _act(request: HttpRequest, room, call, success: str) -> HttpResponse:
    try:
        message = call()
    except ValidationError as error:
        code, text, status = _refusal(error)
        if _wants_json(request):
            return json_error(status, text, code=code)
        flash.error(request, text)
        return redirect(_back(request, room))
    if _wants_json(request):
        return JsonResponse({"message": reads.message_payload(message)})
    flash.success(request, success)
    return redirect(_back(request, room))


@require_http_methods(["GET", "POST"])
def message_edit(request: HttpRequest, room_id: int, message_id: int) -> HttpResponse:
    room = _room_or_404(request, room_id)
    message = reads.room_message(room=room, message_id=message_id)
    if message is None or not rules.can_edit_message(request.user, message):
        raise Http404
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            services.chat_message_edit(
                room=room, user=request.user, message_id=message.pk, body=body
            )
        except ValidationError as error:
            code, text, status = _refusal(error)
            if _wants_json(request):
                return json_error(status, text, code=code)
            context = {
                "room": room,
                "message": message,
                "body": body,
                "error": text,
                "back": room_url(room),
            }
            return TemplateResponse(request, "gaf/family/chat_edit.html", context, status=status)
        if _wants_json(request):
            message.refresh_from_db()
            return JsonResponse({"message": reads.message_payload(message)})
        flash.success(request, _("Messaggio modificato."))
        return redirect(f"{room_url(room)}#msg-{message.pk}")
    context = {"room": room, "message": message, "body": message.body, "back": room_url(room)}
    return TemplateResponse(request, "gaf/family/chat_edit.html", context)


@require_POST
def message_delete(request: HttpRequest, room_id: int, message_id: int) -> HttpResponse:
    room = _room_or_404(request, room_id)
    return _act(
        request,
        room,
        lambda: services.chat_message_delete(room=room, user=request.user, message_id=message_id),
        _("Messaggio eliminato."),
    )


@require_POST
def message_pin(request: HttpRequest, room_id: int, message_id: int) -> HttpResponse:
    room = _room_or_404(request, room_id)
    pinned = request.POST.get("pinned", "1") not in {"0", "false", ""}
    return _act(
        request,
        room,
        lambda: services.chat_message_pin(
            room=room, user=request.user, message_id=message_id, pinned=pinned
        ),
        _("Messaggio fissato in alto.") if pinned else _("Messaggio non più fissato."),
    )


@require_GET
def room_people(request: HttpRequest, room_id: int) -> HttpResponse:
    """The people one can @mention in the room (the autocomplete asks when "@" is typed)."""
    room = _room_or_404(request, room_id)
    return JsonResponse({"members": members_list(room)})


@require_POST
def mark_read(request: HttpRequest, room_id: int) -> HttpResponse:
    room = _room_or_404(request, room_id)
    seq = request.POST.get("seq", "")
    if not seq.isdigit():
        return json_error(400, _("Il cursore deve essere un numero intero."), code="invalid_cursor")
    try:
        last = services.chat_mark_read(room=room, user=request.user, seq=int(seq))
    except ValidationError as error:
        code, text, status = _refusal(error)
        return json_error(status, text, code=code)
    return JsonResponse({"last_read_seq": last})
