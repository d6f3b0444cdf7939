// HubProvider (the co-editor's link to the hub) against a fake WebSocket: two documents
// edited through a relay converge, offline edits reach the server on reconnecting, a reader
// sends no step 2, acks clear the "saving" state, final close codes stop reconnecting.
// Run with `npm test` (node --test); tests/hub/test_frontend_bundles.py runs it in the suite.

import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";

import { HubProvider, hubFrame } from "../src/coedit-provider.js";

class FakeSocket {
  static made = [];
  constructor(url) {
    this.url = url;
    this.sent = [];
    this.readyState = 0;
    FakeSocket.made.push(this);
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(bytes) {
    this.onmessage?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) });
  }
  send(data) {
    this.sent.push(data);
  }
  close(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

// Awareness renews itself on an interval: every provider made here is destroyed after its test.
const made = [];
afterEach(() => {
  for (const provider of made.splice(0)) {
    provider.destroy();
    provider.awareness.destroy();
  }
});

function make({ canWrite = true } = {}) {
  const doc = new Y.Doc();
  const timers = [];
  const states = [];
  const errors = [];
  const provider = new HubProvider({
    url: "ws://hub/ws/tables/docs/proposal/1/",
    doc,
    closeCodes: { final: new Set([4403, 4404]), retry: new Set() },
    WebSocketImpl: FakeSocket,
    setTimer: (callback, ms) => timers.push({ callback, ms }),
    clearTimer: () => {},
    setRepeat: () => null,
    clearRepeat: () => {},
    random: () => 0.5,
    onStatus: (state) => states.push(state),
    onError: (error) => errors.push(error),
  });
  made.push(provider);
  provider.connect();
  const socket = FakeSocket.made.at(-1);
  socket.open();
  socket.receive(hubFrame({ type: "hello", can_write: canWrite, resync: 0, me: { id: 1 } }));
  return { doc, provider, socket, timers, states, errors };
}

// What a frame the provider sent is: [type, step] for sync messages.
function kind(frame) {
  const decoder = decoding.createDecoder(frame);
  const type = decoding.readVarUint(decoder);
  return type === 0 ? [type, decoding.readVarUint(decoder)] : [type];
}

function serverStep1(doc) {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}

test("connecting sends the state vector; edits go as updates and acks clear saving", () => {
  const { doc, provider, socket, states } = make();
  assert.deepEqual(kind(socket.sent[0]), [0, 0]);
  doc.getText("t").insert(0, "ciao");
  assert.deepEqual(kind(socket.sent.at(-1)), [0, 2]);
  assert.equal(provider.state, "saving");
  socket.receive(hubFrame({ type: "ack", seq: 2 }));
  socket.receive(new Uint8Array([0, 1, 2, 0, 0])); // the server's (empty) step 2
  assert.equal(provider.state, "saved");
  assert.equal(states.at(-1), "saved");
});

test("edits made offline reach the server in the step 2 of the next connection", () => {
  const { doc, socket, timers } = make();
  const server = new Y.Doc();
  socket.close(1006);
  doc.getText("t").insert(0, "scritto offline");
  assert.equal(timers.length, 1); // a reconnection is planned
  timers[0].callback();
  const again = FakeSocket.made.at(-1);
  again.open();
  again.receive(hubFrame({ type: "hello", can_write: true, resync: 0 }));
  again.receive(serverStep1(server));
  const step2 = again.sent.find((frame) => kind(frame)[1] === 1);
  const decoder = decoding.createDecoder(step2);
  decoding.readVarUint(decoder);
  syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), server, null);
  assert.equal(server.getText("t").toString(), "scritto offline");
});

test("a reader answers no step 1 and final close codes stop reconnecting", () => {
  const { socket, timers, errors } = make({ canWrite: false });
  const sentBefore = socket.sent.length;
  socket.receive(serverStep1(new Y.Doc()));
  assert.equal(socket.sent.length, sentBefore);
  socket.close(4403);
  assert.equal(timers.length, 0);
  assert.equal(errors.at(-1).closeCode, 4403);
});

test("access revoked: the server's message is shown when the socket closes, no reconnecting", () => {
  const { socket, timers, errors } = make();
  const message = "Non fai più parte del tavolo: il documento si è chiuso.";
  socket.receive(hubFrame({ type: "access.revoked", code: "access_revoked", message }));
  socket.close(4403);
  assert.equal(timers.length, 0);
  assert.equal(errors.at(-1).closeCode, 4403);
  assert.equal(errors.at(-1).message, message);
});
