// Built by frontend/bundles.mjs (esbuild) from frontend/src/: do not edit.

// src/bell.js
function unreadOf(message) {
  if (!message || !["hello", "unread", "notification"].includes(message.type)) return null;
  const unread = message.unread;
  return Number.isInteger(unread) && unread >= 0 ? unread : null;
}
function announcementOf(message, template) {
  if (!message || message.type !== "notification" || typeof message.title !== "string") return null;
  return template.replace("{title}", message.title);
}
function countText(unread) {
  return unread > 99 ? "99+" : String(unread);
}
function bellLabel(unread, { some, none }) {
  return unread > 0 ? some.replace("{n}", String(unread)) : none;
}

// src/live-socket.js
var CLOSE_CODES_ELEMENT_ID = "hub-socket-close-codes";
var BASE_DELAY_MS = 1e3;
var MAX_DELAY_MS = 3e4;
var STABLE_AFTER_MS = 1e4;
var RESUME_AGAIN_AFTER_MS = 5e3;
function backoffDelay(attempt, random = Math.random) {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}
function readCloseCodes(doc) {
  const element = doc.getElementById(CLOSE_CODES_ELEMENT_ID);
  const codes = element ? JSON.parse(element.textContent) : {};
  return { final: new Set(codes.final ?? []), retry: new Set(codes.retry ?? []) };
}
var LiveSocket = class {
  constructor({
    url,
    lastId = 0,
    closeCodes,
    onMessage,
    onStop = () => {
    },
    WebSocketImpl = globalThis.WebSocket,
    setTimer = (callback, ms) => setTimeout(callback, ms),
    clearTimer = (timer) => clearTimeout(timer),
    now = () => Date.now(),
    random = Math.random,
    gapFree = false,
    resumeFrame = (lastId2) => ({ type: "resume", last_id: lastId2 }),
    onOpen = () => {
    },
    onClose = () => {
    }
  }) {
    Object.assign(this, { url, lastId, closeCodes, onMessage, onStop });
    Object.assign(this, { WebSocketImpl, setTimer, clearTimer, now, random });
    Object.assign(this, { gapFree, resumeFrame, onOpen, onClose });
    this.attempt = 0;
    this.socket = null;
    this.timer = null;
    this.stopped = false;
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
    if (this.socket) this.socket.close(1e3);
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
};

// src/notification-bell.js
function start() {
  const bell = document.querySelector("[data-hub-bell]");
  if (!bell || !("WebSocket" in window)) return;
  const count = bell.querySelector("[data-hub-bell-count]");
  const status = document.querySelector("[data-hub-bell-status]");
  const labels = { some: bell.dataset.hubBellLabel, none: bell.dataset.hubBellLabelNone };
  function show(unread) {
    count.textContent = countText(unread);
    count.hidden = unread === 0;
    bell.setAttribute("aria-label", bellLabel(unread, labels));
  }
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const live = new LiveSocket({
    url: `${scheme}://${location.host}${bell.dataset.hubBell}`,
    closeCodes: readCloseCodes(document),
    onMessage: (message) => {
      if (message.type === "hello") bell.dataset.hubBellLive = "";
      const unread = unreadOf(message);
      if (unread !== null) show(unread);
      const announcement = announcementOf(message, bell.dataset.hubBellNew);
      if (announcement && status) status.textContent = announcement;
    }
  });
  window.addEventListener("online", () => live.reconnectNow());
  live.start();
}
start();
