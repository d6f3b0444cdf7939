"""A Yjs client in Python for the co-editing tests: a pycrdt document and the y-websocket
protocol, spoken through Channels' WebsocketCommunicator to the real ASGI application.

It does what y-websocket's provider does: on connecting it sends its state vector (sync
step 1) and answers the server's step 1 with what the server lacks (step 2); it applies the
server's updates; each local edit is sent as an update. Edits made while disconnected stay
in its document and reach the server with the next connection's sync.
"""

from __future__ import annotations

import asyncio
import random

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from hub.asgi import application
from tables.coedit import protocol
from tables.coedit.render import render_fragment

ORIGIN = (b"origin", b"http://testserver")
ANSWER_WAIT = 10.0


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


class YClient:
    def __init__(self, user, path: str, *, cookie: bytes | None = None, seed: int = 0):
        self.user = user
        self.path = path
        self.cookie = cookie
        self.doc = Doc()
        self.fragment = self.doc.get("default", type=XmlFragment)
        self.socket: WebsocketCommunicator | None = None
        self.hello: dict | None = None
        self.acks: list = []
        self.errors: list[dict] = []
        self.hub_messages: list[dict] = []
        self.resyncs = 0
        self.awareness: list = []
        self.received = 0
        self.random = random.Random(seed)
        self.closed_code = None
        # Updates sent on this connection that the server has not answered yet (an ack, an
        # error or a resync answers each): `pump` waits for them, not only for quiet.
        self.unanswered = 0

    # --- Connection -----------------------------------------------------------------------

    async def connect(self) -> tuple[bool, int | None]:
        if self.cookie is None and self.user is not None:
            self.cookie = await sync_to_async(session_cookie)(self.user)
        headers = [ORIGIN]
        if self.cookie:
            headers.append((b"cookie", self.cookie))
        self.socket = WebsocketCommunicator(application, self.path, headers=headers)
        self.unanswered = 0
        connected, code = await self.socket.connect(timeout=10)
        if not connected:
            self.socket = None
            return False, code
        await self.send(protocol.sync_step1(self.doc.get_state()))
        return True, None

    async def disconnect(self) -> None:
        if self.socket is not None:
            await self.socket.disconnect()
            self.socket = None

    @property
    def online(self) -> bool:
        return self.socket is not None

    async def send(self, frame: bytes) -> None:
        writer = self.hello is None or self.hello["can_write"]
        if writer and frame[0] == protocol.MESSAGE_SYNC and frame[1] != protocol.SYNC_STEP1:
            # An update, or a step 2: the server answers each of a writer's. (A reader's
            # empty one is dropped without an answer.)
            self.unanswered += 1
        await self.socket.send_to(bytes_data=frame)

    # --- Frames from the server -------------------------------------------------------------

    async def pump(self, quiet: float = 0.2) -> None:
        """Handle what the server sent, until it stays quiet for `quiet` seconds with every
        update sent answered (or for ANSWER_WAIT seconds more: a loaded machine, CI's, can
        take longer than `quiet` to store an update and acknowledge it)."""
        waited = 0.0
        while self.socket is not None:
            if await self.socket.receive_nothing(timeout=quiet):
                if self.unanswered <= 0 or waited >= ANSWER_WAIT:
                    return
                waited += quiet
                continue
            message = await self.socket.receive_output(timeout=5)
            if message["type"] == "websocket.close":
                self.closed_code = message.get("code")
                self.socket = None
                return
            await self.handle(message["bytes"])

    async def handle(self, frame: bytes) -> None:
        self.received += 1
        kind = protocol.frame_type(frame)
        if kind == protocol.MESSAGE_HUB:
            payload = protocol.decode_hub_frame(frame)
            self.hub_messages.append(payload)
            if payload["type"] == "hello":
                self.hello = payload
            elif payload["type"] == "ack":
                self.acks.append(payload["seq"])
            elif payload["type"] == "resync":
                self.resyncs += 1
            elif payload["type"] == "error":
                self.errors.append(payload)
            if payload["type"] in {"ack", "resync", "error"}:
                self.unanswered -= 1
            return
        message = protocol.decode_message(frame)
        if isinstance(message, protocol.SyncMessage):
            if message.step == protocol.SYNC_STEP1:
                await self.send(protocol.sync_step2(self.doc.get_update(message.payload)))
            else:
                self.doc.apply_update(message.payload)
        elif isinstance(message, protocol.AwarenessMessage):
            self.awareness.extend(message.entries)

    # --- Editing --------------------------------------------------------------------------

    async def edit(self, change) -> bytes:
        """Make `change(fragment)` locally; send it if connected. Returns the update."""
        before = self.doc.get_state()
        with self.doc.transaction():
            change(self.fragment)
        update = self.doc.get_update(before)
        if self.socket is not None:
            await self.send(protocol.sync_update(update))
        return update

    async def type_somewhere(self, text: str) -> bytes:
        """Insert `text` at a random place of a random paragraph (or a new paragraph)."""

        def change(fragment):
            paragraphs = [
                child
                for child in fragment.children
                if isinstance(child, XmlElement) and child.tag == "paragraph"
            ]
            if not paragraphs or self.random.random() < 0.1:
                fragment.children.append(XmlElement("paragraph", {}, [XmlText(text)]))
                return
            paragraph = self.random.choice(paragraphs)
            texts = [c for c in paragraph.children if isinstance(c, XmlText)]
            if not texts:
                paragraph.children.append(XmlText(text))
                return
            node = texts[0]
            length = sum(len(chunk) for chunk, _a in node.diff() if isinstance(chunk, str))
            if length > 5 and self.random.random() < 0.2:
                start = self.random.randrange(length - 2)
                del node[start : start + 2]
            else:
                node.insert(self.random.randint(0, length), text)

        return await self.edit(change)

    async def say_here(self, state: dict) -> None:
        clock = getattr(self, "_awareness_clock", 0) + 1
        self._awareness_clock = clock
        entry = protocol.AwarenessEntry(self.doc.client_id, clock, state)
        await self.send(protocol.awareness_frame([entry]))

    def text(self) -> str:
        return render_fragment(self.fragment).text

    def html(self) -> str:
        return render_fragment(self.fragment).html


async def pump_all(clients, rounds: int = 3, quiet: float = 0.15) -> None:
    for _ in range(rounds):
        await asyncio.gather(*(client.pump(quiet) for client in clients if client.online))
