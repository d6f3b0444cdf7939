// A WebSocket that stays live: it reconnects with exponential backoff and jitter, and resumes
// by the last message id it saw (the hub's socket contract: a client that reconnects sends
// {"type": "resume", "last_id": n} and receives what it missed).
//
// It stops for good only on the close codes the server calls final ("not allowed", "not
// found"); after any other close, or a network error, it tries again. Which codes are final
// is defined in Python (hub/websocket.py) and read from the page's JSON script element.

export const CLOSE_CODES_ELEMENT_ID = "hub-socket-close-codes";

const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 30000;
// A connection that stayed open this long was healthy: the next failure starts over.
const STABLE_AFTER_MS = 10000;

// Exponential backoff with "equal jitter": half the ceiling fixed, half random, so that the
// clients a restarting server dropped all at once come back spread out, and none too soon.
export function backoffDelay(attempt, random = Math.random) {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}

export function readCloseCodes(doc) {
  const element = doc.getElementById(CLOSE_CODES_ELEMENT_ID);
  const codes = element ? JSON.parse(element.textContent) : {};
  return { final: new Set(codes.final ?? []), retry: new Set(codes.retry ?? []) };
}

export class LiveSocket {
  constructor({
    url,
    lastId = 0,
    closeCodes,
    onMessage,
    onStop = () => {},
    WebSocketImpl = globalThis.WebSocket,
    setTimer = (callback, ms) => setTimeout(callback, ms),
    clearTimer = (timer) => clearTimeout(timer),
    now = () => Date.now(),
    random = Math.random,
  }) {
    Object.assign(this, { url, lastId, closeCodes, onMessage, onStop });
    Object.assign(this, { WebSocketImpl, setTimer, clearTimer, now, random });
    this.attempt = 0;
    this.socket = null;
    this.timer = null;
    this.stopped = false;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  // Give up waiting and connect now (e.g. when the browser comes back online).
  reconnectNow() {
    if (this.stopped || this.timer === null) return;
    this.clearTimer(this.timer);
    this.timer = null;
    this.connect();
  }

  stop() {
    this.stopped = true;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    if (this.socket) this.socket.close(1000);
  }

  connect() {
    const socket = new this.WebSocketImpl(this.url);
    let openedAt = null;
    this.socket = socket;
    socket.addEventListener("open", () => {
      openedAt = this.now();
      socket.send(JSON.stringify({ type: "resume", last_id: this.lastId }));
    });
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (typeof message.id === "number") {
        if (message.id <= this.lastId) return;
        this.lastId = message.id;
      }
      this.onMessage(message);
    });
    socket.addEventListener("close", (event) => {
      if (this.socket === socket) this.socket = null;
      if (this.stopped) return;
      if (this.closeCodes.final.has(event.code)) {
        this.stopped = true;
        this.onStop(event.code);
        return;
      }
      if (openedAt !== null && this.now() - openedAt >= STABLE_AFTER_MS) this.attempt = 0;
      const delay = backoffDelay(this.attempt, this.random);
      this.attempt += 1;
      this.timer = this.setTimer(() => {
        this.timer = null;
        this.connect();
      }, delay);
    });
  }
}
