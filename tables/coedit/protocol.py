"""The Yjs sync and awareness protocol on the wire (y-protocols, y-websocket), pure.

One WebSocket binary frame carries exactly one message:

    message   = varuint type, body
    type 0    sync:       varuint step, varbytes payload
                          step 0: the sender's state vector (sync step 1)
                          step 1: the update the receiver lacks (sync step 2)
                          step 2: an incremental update
    type 1    awareness:  varbytes (varuint count, count × (varuint client, varuint clock,
                          varstring state as JSON))
    type 2    auth:       varuint 0 (permission denied), varstring reason   (server → client)
    type 3    query awareness: no body
    type 20   hub control (the hub's own, server → client): varstring JSON object with a
              `type` (hello, ack, error); y-websocket's clients log and skip unknown types.

Decoding is strict: varuints of at most 7 bytes (53 bits), lengths that fit the frame, no
trailing bytes, frames and payloads under the limits below. Anything else raises
`ProtocolError` with a stable code; nothing here touches a document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

MESSAGE_SYNC = 0
MESSAGE_AWARENESS = 1
MESSAGE_AUTH = 2
MESSAGE_QUERY_AWARENESS = 3
MESSAGE_HUB = 20

SYNC_STEP1 = 0
SYNC_STEP2 = 1
SYNC_UPDATE = 2

# Limits of what a client may send in one frame. A person typing sends updates of a few
# dozen bytes; pasting a long text, or a client's offline edits in its sync step 2, can
# reach a few hundred kilobytes.
MAX_FRAME_BYTES = 1_048_576
MAX_UPDATE_BYTES = 1_000_000
MAX_STATE_VECTOR_CLIENTS = 100_000
MAX_AWARENESS_CLIENTS = 8
MAX_AWARENESS_STATE_BYTES = 8_192
# lib0 refuses integers past JavaScript's safe ones (2**53 - 1): at most 8 bytes of 7 bits.
MAX_VARUINT_BYTES = 8
MAX_SAFE_INTEGER = 2**53 - 1


class ProtocolError(ValueError):
    """A frame that does not follow the protocol. `code` is stable, for logs and clients."""

    def __init__(self, code: str, detail: str):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


# --- lib0 encoding ----------------------------------------------------------------------------


class Reader:
    """Reads lib0's encodings from bytes, refusing anything past the end."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes, pos: int = 0):
        self.data = data
        self.pos = pos

    @property
    def remaining(self) -> int:
        return len(self.data) - self.pos

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise ProtocolError("truncated", "the frame ends in the middle of a value")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def varuint(self) -> int:
        result = 0
        shift = 0
        for _ in range(MAX_VARUINT_BYTES):
            byte = self.byte()
            result |= (byte & 0x7F) << shift
            if byte < 0x80:
                if result > MAX_SAFE_INTEGER:
                    break
                return result
            shift += 7
        raise ProtocolError("malformed", "an integer longer than 53 bits")

    def varint(self) -> int:
        """lib0's signed varint: sign in bit 6 of the first byte, 6 bits, then 7 per byte."""
        byte = self.byte()
        negative = bool(byte & 0x40)
        result = byte & 0x3F
        shift = 6
        count = 1
        while byte & 0x80:
            if count >= MAX_VARUINT_BYTES:
                raise ProtocolError("malformed", "an integer longer than 53 bits")
            byte = self.byte()
            result |= (byte & 0x7F) << shift
            shift += 7
            count += 1
        if result > MAX_SAFE_INTEGER:
            raise ProtocolError("malformed", "an integer longer than 53 bits")
        return -result if negative else result

    def take(self, length: int) -> bytes:
        if length < 0 or length > self.remaining:
            raise ProtocolError("truncated", "a length runs past the end of the frame")
        chunk = self.data[self.pos : self.pos + length]
        self.pos += length
        return chunk

    def varbytes(self) -> bytes:
        return self.take(self.varuint())

    def varstring(self) -> str:
        raw = self.varbytes()
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError("malformed", "a string that is not UTF-8") from None

    def end(self) -> None:
        if self.remaining:
            raise ProtocolError("malformed", f"{self.remaining} bytes after the message")


def write_varuint(value: int) -> bytes:
    if value < 0:
        raise ValueError("varuint of a negative number")
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def write_varbytes(data: bytes) -> bytes:
    return write_varuint(len(data)) + data


def write_varstring(text: str) -> bytes:
    return write_varbytes(text.encode("utf-8"))


# --- Messages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncMessage:
    step: int  # SYNC_STEP1, SYNC_STEP2 or SYNC_UPDATE
    payload: bytes  # a state vector (step 1) or an update

    @property
    def carries_update(self) -> bool:
        return self.step in (SYNC_STEP2, SYNC_UPDATE)


@dataclass(frozen=True)
class AwarenessEntry:
    client: int
    clock: int
    state: dict | None  # None: the client left


@dataclass(frozen=True)
class AwarenessMessage:
    entries: tuple[AwarenessEntry, ...]


@dataclass(frozen=True)
class QueryAwarenessMessage:
    pass


Message = SyncMessage | AwarenessMessage | QueryAwarenessMessage


def decode_message(frame: bytes) -> Message:
    """The one message of a client's binary frame, validated; ProtocolError otherwise."""
    if not isinstance(frame, (bytes, bytearray)):
        raise ProtocolError("text_frame", "the protocol uses binary frames only")
    if len(frame) == 0:
        raise ProtocolError("truncated", "an empty frame")
    if len(frame) > MAX_FRAME_BYTES:
        raise ProtocolError("too_large", f"a frame of {len(frame)} bytes")
    reader = Reader(bytes(frame))
    kind = reader.varuint()
    if kind == MESSAGE_SYNC:
        message = _decode_sync(reader)
    elif kind == MESSAGE_AWARENESS:
        message = AwarenessMessage(decode_awareness_update(reader.varbytes()))
    elif kind == MESSAGE_QUERY_AWARENESS:
        message = QueryAwarenessMessage()
    else:
        raise ProtocolError("unknown_type", f"message type {kind}")
    reader.end()
    return message


def _decode_sync(reader: Reader) -> SyncMessage:
    step = reader.varuint()
    if step not in (SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE):
        raise ProtocolError("unknown_type", f"sync step {step}")
    payload = reader.varbytes()
    if step == SYNC_STEP1:
        decode_state_vector(payload)
    elif len(payload) > MAX_UPDATE_BYTES:
        raise ProtocolError("too_large", f"an update of {len(payload)} bytes")
    elif len(payload) < 2:
        raise ProtocolError("truncated", "an update shorter than an empty one")
    return SyncMessage(step, payload)


def decode_state_vector(payload: bytes) -> dict[int, int]:
    """client id → clock; ProtocolError unless the bytes are exactly one state vector."""
    reader = Reader(payload)
    count = reader.varuint()
    if count > MAX_STATE_VECTOR_CLIENTS:
        raise ProtocolError("too_large", f"a state vector of {count} clients")
    vector = {}
    for _ in range(count):
        client = reader.varuint()
        vector[client] = reader.varuint()
    reader.end()
    return vector


def encode_state_vector(vector: dict[int, int]) -> bytes:
    return write_varuint(len(vector)) + b"".join(
        write_varuint(client) + write_varuint(clock) for client, clock in vector.items()
    )


def decode_awareness_update(payload: bytes) -> tuple[AwarenessEntry, ...]:
    reader = Reader(payload)
    count = reader.varuint()
    if count > MAX_AWARENESS_CLIENTS:
        raise ProtocolError("too_large", f"awareness of {count} clients in one message")
    entries = []
    for _ in range(count):
        client = reader.varuint()
        clock = reader.varuint()
        raw = reader.varbytes()
        if len(raw) > MAX_AWARENESS_STATE_BYTES:
            raise ProtocolError("too_large", f"an awareness state of {len(raw)} bytes")
        try:
            state = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ProtocolError("malformed", "an awareness state that is not JSON") from None
        if state is not None and not isinstance(state, dict):
            raise ProtocolError("malformed", "an awareness state that is not an object")
        entries.append(AwarenessEntry(client, clock, state))
    reader.end()
    return tuple(entries)


def encode_awareness_update(entries) -> bytes:
    body = write_varuint(len(entries))
    for entry in entries:
        state = json.dumps(entry.state, separators=(",", ":"), ensure_ascii=False)
        body += write_varuint(entry.client) + write_varuint(entry.clock) + write_varstring(state)
    return body


# --- Frames the server sends ------------------------------------------------------------------


def sync_step1(state_vector: bytes) -> bytes:
    return bytes([MESSAGE_SYNC, SYNC_STEP1]) + write_varbytes(state_vector)


def sync_step2(update: bytes) -> bytes:
    return bytes([MESSAGE_SYNC, SYNC_STEP2]) + write_varbytes(update)


def sync_update(update: bytes) -> bytes:
    return bytes([MESSAGE_SYNC, SYNC_UPDATE]) + write_varbytes(update)


def awareness_frame(entries) -> bytes:
    return bytes([MESSAGE_AWARENESS]) + write_varbytes(encode_awareness_update(entries))


def query_awareness_frame() -> bytes:
    return bytes([MESSAGE_QUERY_AWARENESS])


def permission_denied_frame(reason: str) -> bytes:
    return bytes([MESSAGE_AUTH, 0]) + write_varstring(reason)


def hub_frame(payload: dict) -> bytes:
    """The hub's own control message (hello, ack, error) as a binary frame."""
    if "type" not in payload:
        raise ValueError("a hub message needs a 'type'")
    return bytes([MESSAGE_HUB]) + write_varstring(
        json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    )


def decode_hub_frame(frame: bytes) -> dict:
    """For clients written in Python (tests, benchmarks): the JSON of a hub control frame."""
    reader = Reader(bytes(frame))
    if reader.varuint() != MESSAGE_HUB:
        raise ProtocolError("unknown_type", "not a hub control frame")
    payload = json.loads(reader.varstring())
    reader.end()
    return payload


def frame_type(frame: bytes) -> int:
    return Reader(bytes(frame)).varuint()
