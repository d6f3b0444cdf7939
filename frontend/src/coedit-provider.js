// The hub's Yjs provider: the y-websocket protocol (sync and awareness, binary frames) over
// the hub's co-editing socket (tables/consumers.py), plus the hub's own control frames
// (message type 20, JSON): "hello" (who I am, whether I may write, how often to resync),
// "ack" (an update is stored), "resync", "error", "access.revoked" (the person left the table
// or became its observer; the socket closes next).
//
// It reconnects with the hub's backoff and stops on the final close codes (live-socket.js).
// On every (re)connection it sends its state vector (sync step 1) and answers the server's
// step 1 with everything the server lacks (step 2): edits made offline, kept in the
// document (and in IndexedDB by the page), reach the server then. With `resync` > 0 (the
// hub runs several processes) it sends step 1 again every `resync` seconds. A socket that
// hears nothing for MESSAGE_TIMEOUT_MS is considered dead and reopened; the server echoes a
// client's own awareness, which the client renews every 15 s, so a lone editor hears enough.

import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";

import { backoffDelay } from "./live-socket.js";

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;
export const MESSAGE_HUB = 20;
export const MESSAGE_TIMEOUT_MS = 30000;
const STABLE_AFTER_MS = 10000;

export function hubFrame(payload) {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_HUB);
  encoding.writeVarString(encoder, JSON.stringify(payload));
  return encoding.toUint8Array(encoder);
}

export class HubProvider {
  constructor({
    url,
    doc,
    awareness = new awarenessProtocol.Awareness(doc),
    closeCodes = { final: new Set(), retry: new Set() },
    WebSocketImpl = globalThis.WebSocket,
    setTimer = (callback, ms) => setTimeout(callback, ms),
    clearTimer = (timer) => clearTimeout(timer),
    setRepeat = (callback, ms) => setInterval(callback, ms),
    clearRepeat = (timer) => clearInterval(timer),
    now = () => Date.now(),
    random = Math.random,
    onStatus = () => {},
    onHello = () => {},
    onError = () => {},
  }) {
    Object.assign(this, { url, doc, awareness, closeCodes, WebSocketImpl });
    Object.assign(this, { setTimer, clearTimer, setRepeat, clearRepeat, now, random });
    Object.assign(this, { onStatus, onHello, onError });
    this.socket = null;
    this.attempt = 0;
    this.stopped = false;
    this.revoked = null;
    this.synced = false;
    this.canWrite = false;
    this.unacknowledged = 0;
    this.lastMessageAt = 0;
    this.reconnectTimer = null;
    this.resyncTimer = null;
    this.watchdog = null;
    this.onDocUpdate = (update, origin) => {
      if (origin === this) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeUpdate(encoder, update);
      if (this.send(encoding.toUint8Array(encoder))) this.unacknowledged += 1;
      this.status();
    };
    this.onAwarenessUpdate = ({ added, updated, removed }, origin) => {
      if (origin === this) return;
      const changed = added.concat(updated, removed);
      this.send(this.awarenessFrame(changed));
    };
    doc.on("update", this.onDocUpdate);
    awareness.on("update", this.onAwarenessUpdate);
  }

  get isOpen() {
    return this.socket !== null && this.socket.readyState === 1;
  }

  // "offline", "connecting", "saving" (updates not yet acknowledged) or "saved".
  get state() {
    if (!this.isOpen) return this.socket === null ? "offline" : "connecting";
    if (!this.synced || this.unacknowledged > 0) return "saving";
    return "saved";
  }

  status() {
    this.onStatus(this.state);
  }

  send(frame) {
    if (!this.isOpen) return false;
    this.socket.send(frame);
    return true;
  }

  awarenessFrame(clients) {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(
      encoder,
      awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients),
    );
    return encoding.toUint8Array(encoder);
  }

  syncStep1() {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    return encoding.toUint8Array(encoder);
  }

  connect() {
    if (this.stopped || this.socket !== null) return;
    const socket = new this.WebSocketImpl(this.url);
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    this.synced = false;
    this.status();
    socket.onopen = () => {
      this.openedAt = this.now();
      this.lastMessageAt = this.now();
      this.unacknowledged = 0;
      this.send(this.syncStep1());
      if (this.awareness.getLocalState() !== null) {
        this.send(this.awarenessFrame([this.doc.clientID]));
      }
      this.watchdog = this.setRepeat(() => {
        if (this.now() - this.lastMessageAt > MESSAGE_TIMEOUT_MS) socket.close();
      }, MESSAGE_TIMEOUT_MS / 10);
      this.status();
    };
    socket.onmessage = (event) => {
      this.lastMessageAt = this.now();
      this.receive(new Uint8Array(event.data));
    };
    socket.onclose = (event) => this.closed(socket, event.code);
    socket.onerror = () => {};
  }

  receive(data) {
    const decoder = decoding.createDecoder(data);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_SYNC) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      const step = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
      // Answer the server's step 1 only when allowed to write: a reader's step 2 is dropped.
      if (encoding.length(encoder) > 1 && this.canWrite) {
        if (this.send(encoding.toUint8Array(encoder))) this.unacknowledged += 1;
      }
      if (step === syncProtocol.messageYjsSyncStep2 && !this.synced) {
        this.synced = true;
        this.status();
      }
    } else if (type === MESSAGE_AWARENESS) {
      awarenessProtocol.applyAwarenessUpdate(
        this.awareness,
        decoding.readVarUint8Array(decoder),
        this,
      );
    } else if (type === MESSAGE_HUB) {
      this.control(JSON.parse(decoding.readVarString(decoder)));
    } else if (type === MESSAGE_AUTH) {
      this.onError({ code: "denied", message: decoding.readVarString(decoder) });
    }
  }

  control(message) {
    if (message.type === "hello") {
      this.canWrite = Boolean(message.can_write);
      this.clearRepeat(this.resyncTimer);
      this.resyncTimer = null;
      if (message.resync > 0) {
        this.resyncTimer = this.setRepeat(() => this.send(this.syncStep1()), message.resync * 1000);
      }
      this.onHello(message);
    } else if (message.type === "ack" || message.type === "resync") {
      this.unacknowledged = Math.max(0, this.unacknowledged - 1);
    } else if (message.type === "error") {
      this.unacknowledged = Math.max(0, this.unacknowledged - 1);
      this.onError(message);
    } else if (message.type === "access.revoked") {
      // The person left the table or became its observer: the server closes the socket
      // next (4403), and its message is what the person is shown then.
      this.revoked = message;
    }
    this.status();
  }

  closed(socket, code) {
    if (socket !== this.socket) return;
    this.socket = null;
    this.synced = false;
    this.clearRepeat(this.watchdog);
    this.clearRepeat(this.resyncTimer);
    this.resyncTimer = null;
    // The others' cursors go; ours stays, to be sent again on reconnecting.
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
    awarenessProtocol.removeAwarenessStates(this.awareness, others, this);
    this.status();
    if (this.stopped || this.closeCodes.final.has(code)) {
      this.stopped = true;
      this.onError({ code: "closed", closeCode: code, ...(this.revoked || {}) });
      return;
    }
    if (this.openedAt && this.now() - this.openedAt > STABLE_AFTER_MS) this.attempt = 0;
    this.openedAt = 0;
    const delay = backoffDelay(this.attempt, this.random);
    this.attempt += 1;
    this.reconnectTimer = this.setTimer(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  // Drop the connection now and come back at once (the page's "reconnect" and the tests).
  reconnect() {
    this.clearTimer(this.reconnectTimer);
    this.reconnectTimer = null;
    this.attempt = 0;
    if (this.socket) this.socket.close();
    else this.connect();
  }

  destroy() {
    this.stopped = true;
    this.clearTimer(this.reconnectTimer);
    this.clearRepeat(this.watchdog);
    this.clearRepeat(this.resyncTimer);
    this.doc.off("update", this.onDocUpdate);
    this.awareness.off("update", this.onAwarenessUpdate);
    if (this.socket) this.socket.close();
  }
}
