"""Yjs peers over real WebSockets, for the multi-process test and bench/coedit.py: a small
asyncio WebSocket client (RFC 6455, binary frames) and a peer holding a pycrdt document that
speaks the y-websocket protocol, so that the same peer talks to the hub's socket and to the
reference y-websocket server.

Each update a peer sends is known by the (client, clock) of its first struct; a peer notes
when each update reaches it, for the benchmark's send → arrival times.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import random
import struct
import time

from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from tables.coedit import protocol
from tables.coedit.render import render_fragment


class Closed(Exception):
    pass


class BinarySocket:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer
        self.close_code: int | None = None

    @classmethod
    async def open(cls, host: str, port: int, path: str, headers: dict) -> BinarySocket:
        reader, writer = await asyncio.open_connection(host, port)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {host}:{port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
        response = await reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in response.split(b"\r\n", 1)[0]:
            writer.close()
            raise Closed(response.split(b"\r\n", 1)[0].decode(errors="replace"))
        return cls(reader, writer)

    def _frame(self, opcode: int, payload: bytes) -> bytes:
        mask = os.urandom(4)
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
        elif length < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
        masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
        return header + mask + masked

    async def send(self, payload: bytes) -> None:
        self.writer.write(self._frame(0x2, payload))
        await self.writer.drain()

    async def recv(self) -> bytes:
        """The next binary message; Closed when the server closes."""
        parts = []
        while True:
            first, second = await self.reader.readexactly(2)
            opcode, length = first & 0x0F, second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", await self.reader.readexactly(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", await self.reader.readexactly(8))
            payload = await self.reader.readexactly(length)
            if opcode == 0x8:
                self.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                raise Closed(self.close_code)
            if opcode == 0x9:
                self.writer.write(self._frame(0xA, payload))
                continue
            if opcode == 0xA:
                continue
            parts.append(payload)
            if first & 0x80:
                return b"".join(parts)

    async def close(self) -> None:
        with contextlib.suppress(ConnectionError, RuntimeError):
            self.writer.write(self._frame(0x8, struct.pack("!H", 1000)))
            await self.writer.drain()
        self.writer.close()


def first_struct_id(update: bytes) -> tuple[int, int] | None:
    """(client, clock) of an update's first struct; None for a deletion-only update."""
    reader = protocol.Reader(update)
    if reader.varuint() == 0:
        return None
    reader.varuint()  # structs of the first client
    return reader.varuint(), reader.varuint()


class YjsPeer:
    def __init__(self, host: str, port: int, path: str, *, headers: dict | None = None, seed=0):
        self.host, self.port, self.path = host, port, path
        self.headers = headers or {}
        self.doc = Doc()
        self.fragment = self.doc.get("default", type=XmlFragment)
        self.socket: BinarySocket | None = None
        self.task: asyncio.Task | None = None
        self.arrivals: dict[tuple[int, int], float] = {}
        self.acks = 0
        self.errors: list[dict] = []
        self.hello: dict | None = None
        self.synced = asyncio.Event()
        self.random = random.Random(seed)

    async def connect(self) -> None:
        self.synced.clear()
        self.socket = await BinarySocket.open(self.host, self.port, self.path, self.headers)
        await self.socket.send(protocol.sync_step1(self.doc.get_state()))
        self.task = asyncio.get_running_loop().create_task(self._read(self.socket))

    async def disconnect(self) -> None:
        socket, self.socket = self.socket, None
        if socket is not None:
            await socket.close()
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Closed):
                await self.task
            self.task = None

    async def _read(self, socket: BinarySocket) -> None:
        try:
            while True:
                frame = await socket.recv()
                await self._handle(socket, frame, time.perf_counter())
        except (Closed, asyncio.IncompleteReadError, ConnectionError):
            if self.socket is socket:
                self.socket = None

    async def _handle(self, socket: BinarySocket, frame: bytes, now: float) -> None:
        kind = protocol.frame_type(frame)
        if kind == protocol.MESSAGE_HUB:
            payload = protocol.decode_hub_frame(frame)
            if payload["type"] == "hello":
                self.hello = payload
            elif payload["type"] == "ack":
                self.acks += 1
            elif payload["type"] == "error":
                self.errors.append(payload)
            return
        if kind != protocol.MESSAGE_SYNC:
            return
        reader = protocol.Reader(frame, 1)
        step = reader.varuint()
        payload = reader.varbytes()
        if step == protocol.SYNC_STEP1:
            await socket.send(protocol.sync_step2(self.doc.get_update(payload)))
            return
        key = first_struct_id(payload)
        if key is not None and key not in self.arrivals:
            self.arrivals[key] = now
        self.doc.apply_update(payload)
        if step == protocol.SYNC_STEP2:
            self.synced.set()

    async def type_somewhere(self, text: str) -> tuple[tuple[int, int] | None, float]:
        """Insert `text` at a random place (a new paragraph now and then); send it.
        Returns the update's id and the time it was sent."""
        before = self.doc.get_state()
        with self.doc.transaction():
            paragraphs = [c for c in self.fragment.children if isinstance(c, XmlElement)]
            if not paragraphs or self.random.random() < 0.02:
                self.fragment.children.append(XmlElement("paragraph", {}, [XmlText(text)]))
            else:
                paragraph = self.random.choice(paragraphs)
                texts = [c for c in paragraph.children if isinstance(c, XmlText)]
                if not texts:
                    paragraph.children.append(XmlText(text))
                else:
                    node = texts[0]
                    length = sum(len(c) for c, _a in node.diff() if isinstance(c, str))
                    node.insert(self.random.randint(0, length), text)
        update = self.doc.get_update(before)
        sent = time.perf_counter()
        if self.socket is not None:
            await self.socket.send(protocol.sync_update(update))
        return first_struct_id(update), sent

    def text(self) -> str:
        return render_fragment(self.fragment).text
