// A WebSocket that stays live: it reconnects with exponential backoff and jitter, and resumes
// by the last message id it saw (the hub's socket contract: a client that reconnects sends
// {"type": "resume", "last_id": n} and receives what it missed).
//
// It stops for good only on the close codes the server calls final ("not allowed", "not
// found"); after any other close, or a network error, it tries again. Which codes are final
// is defined in Python (hub/websocket.py) and read from the page's JSON script element.
//
// With `gapFree: true` (the chat, whose ids are a room's numbers 1, 2, 3… without gaps) a
// message whose id skips ahead is not applied: the socket asks again for everything after
// the last id it holds (`resumeFrame`), and applies what comes back in order. Messages
// without an id (acks, presence, errors) always pass.

export const CLOSE_CODES_ELEMENT_ID = "hub-socket-close-codes";

const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 30000;
// A connection that stayed open this long was healthy: the next failure starts over.
const STABLE_AFTER_MS = 10000;
// A resume that brought nothing to fill a gap is asked again after this long.
const RESUME_AGAIN_AFTER_MS = 5000;

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
    gapFree = false,
    resumeFrame = (lastId) => ({ type: "resume", last_id: lastId }),
    onOpen = () => {},
    onClose = () => {},
  }) {
    Object.assign(this, { url, lastId, closeCodes, onMessage, onStop });
    Object.assign(this, { WebSocketImpl, setTimer, clearTimer, now, random });
    Object.assign(this, { gapFree, resumeFrame, onOpen, onClose });
    this.attempt = 0;
    this.socket = null;
    this.timer = null;
    this.stopped = false;
    // The id after which a resume was asked and not yet answered (gap-free mode).
    this.resumingAfter = null;
    this.resumeAskedAt = 0;
  }

  get isOpen() {
    return this.socket !== null && this.socket.readyState === 1;
  }

  // Send a frame now; false when the socket is not open (the caller falls back to HTTP).
  send(frame) {
    if (!this.isOpen) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  resume() {
    this.resumingAfter = this.lastId;
    this.resumeAskedAt = this.now();
    return this.send(this.resumeFrame(this.lastId));
  }

  // The page caught up by other means (the HTTP history): carry on from `id`.
  advanceTo(id) {
    if (id > this.lastId) this.lastId = id;
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
      this.resumingAfter = this.lastId;
      this.resumeAskedAt = this.now();
      socket.send(JSON.stringify(this.resumeFrame(this.lastId)));
      this.onOpen();
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
        if (this.gapFree && message.id > this.lastId + 1) {
          // Something was lost on the way: ask once for what follows the last id held.
          const asked = this.resumingAfter === this.lastId;
          if (!asked || this.now() - this.resumeAskedAt > RESUME_AGAIN_AFTER_MS) this.resume();
          return;
        }
        this.lastId = message.id;
        this.resumingAfter = null;
      }
      this.onMessage(message);
    });
    socket.addEventListener("close", (event) => {
      if (this.socket === socket) this.socket = null;
      if (this.stopped) return;
      this.onClose(event.code);
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
