"""The chat socket's frames from the browser: a schema per type, checked before anything runs.

Every frame is a JSON object with a `type` and exactly the fields its type declares:

    {"type": "resume", "after": 41}                  everything after event 41, in order
    {"type": "send", "client_id": "<uuid>", "body": "…", "attach": {"kind": "round", "id": 7}}
    {"type": "edit", "message_id": 12, "body": "…"}
    {"type": "delete", "message_id": 12}
    {"type": "pin", "message_id": 12, "pinned": true}
    {"type": "read", "seq": 41}                      read up to event 41
    {"type": "typing"}
    {"type": "ping"}                                 heartbeat: keeps the person online

A frame that is not JSON, too large, of an unknown type or with a field missing, unknown
or of the wrong kind raises FrameError (a stable code and an Italian message); the
consumer answers it with an error frame and keeps the connection.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

# A 2,000-character message written as \uXXXX escapes, with room for the other fields.
MAX_FRAME_CHARS = 16_384
# Larger raw bodies are refused before the text is even cleaned (gaf.chat_text.MAX_LENGTH
# is the real limit, on the cleaned text).
MAX_RAW_BODY = 8_000
ATTACHMENT_KINDS = ("round", "product")
# A resume further back than this is answered "reload over HTTP" (the JSON history).
RESUME_CAP = 200
# The browser pings this often; a socket silent for gaf.services.chat.PRESENCE_TTL is offline.
HEARTBEAT_SECONDS = 25
# At most one "is typing" per socket in this many seconds (the rest are dropped).
TYPING_INTERVAL_SECONDS = 3


class FrameError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Frame:
    type: str
    fields: dict

    def __getitem__(self, name):
        return self.fields[name]

    def get(self, name, default=None):
        return self.fields.get(name, default)


def _integer(minimum: int) -> Callable:
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise TypeError
        return value

    return check


def _text(value):
    if not isinstance(value, str) or len(value) > MAX_RAW_BODY:
        raise TypeError
    return value


def _boolean(value):
    if not isinstance(value, bool):
        raise TypeError
    return value


def _uuid(value):
    if not isinstance(value, str) or len(value) > 36:
        raise TypeError
    try:
        return uuid.UUID(value)
    except ValueError:
        raise TypeError from None


def _attachment(value):
    if not isinstance(value, dict) or set(value) != {"kind", "id"}:
        raise TypeError
    if value["kind"] not in ATTACHMENT_KINDS:
        raise TypeError
    return {"kind": value["kind"], "id": _integer(1)(value["id"])}


# type → {field: (check, required)}
SCHEMAS: dict[str, dict[str, tuple[Callable, bool]]] = {
    "resume": {"after": (_integer(0), True)},
    "send": {
        "client_id": (_uuid, True),
        "body": (_text, True),
        "attach": (_attachment, False),
    },
    "edit": {"message_id": (_integer(1), True), "body": (_text, True)},
    "delete": {"message_id": (_integer(1), True)},
    "pin": {"message_id": (_integer(1), True), "pinned": (_boolean, True)},
    "read": {"seq": (_integer(0), True)},
    "typing": {},
    "ping": {},
}


def parse_frame(text_data: str | None, bytes_data: bytes | None = None) -> Frame:
    """The frame checked against its type's schema, or FrameError."""
    if text_data is None:
        raise FrameError("invalid_frame", _("Sono accettati solo messaggi di testo (JSON)."))
    if len(text_data) > MAX_FRAME_CHARS:
        raise FrameError("frame_too_large", _("Messaggio troppo grande."))
    try:
        content = json.loads(text_data)
    except ValueError:
        raise FrameError("invalid_json", _("Il messaggio ricevuto non è JSON valido.")) from None
    if not isinstance(content, dict):
        raise FrameError("invalid_frame", _("Il messaggio deve essere un oggetto JSON."))
    kind = content.get("type")
    schema = SCHEMAS.get(kind) if isinstance(kind, str) else None
    if schema is None:
        raise FrameError(
            "unknown_type",
            _("Tipo di messaggio sconosciuto: «%(type)s».") % {"type": str(kind)[:40]},
        )
    unknown = sorted(set(content) - set(schema) - {"type"})
    if unknown:
        raise FrameError(
            "invalid_frame",
            _("Campo non previsto in «%(type)s»: %(field)s.")
            % {"type": kind, "field": str(unknown[0])[:40]},
        )
    fields = {}
    for name, (check, required) in schema.items():
        if name not in content:
            if required:
                raise FrameError(
                    "invalid_frame",
                    _("Manca il campo «%(field)s» in «%(type)s».") % {"field": name, "type": kind},
                )
            continue
        try:
            fields[name] = check(content[name])
        except TypeError:
            raise FrameError(
                "invalid_frame",
                _("Il campo «%(field)s» di «%(type)s» non è valido.")
                % {"field": name, "type": kind},
            ) from None
    return Frame(kind, fields)
