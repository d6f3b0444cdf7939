// Built by frontend/bundles.mjs (esbuild) from frontend/src/: do not edit.

// src/live-socket.js
var CLOSE_CODES_ELEMENT_ID = "hub-socket-close-codes";
var BASE_DELAY_MS = 1e3;
var MAX_DELAY_MS = 3e4;
var STABLE_AFTER_MS = 1e4;
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
    random = Math.random
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
    if (this.socket) this.socket.close(1e3);
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
};

// src/gaf-round.js
function applyPool(message) {
  for (const [id, html] of Object.entries(message.products)) {
    const target = document.querySelector(`[data-gaf-pool="${id}"]`);
    if (target) target.innerHTML = html;
  }
  const total = document.getElementById("gaf-family-total");
  if (total) total.innerHTML = message.total;
  const short = document.getElementById("gaf-total-short");
  if (short) short.textContent = message.total_text;
}
function start() {
  const root = document.querySelector("[data-gaf-live]");
  if (!root || !("WebSocket" in window)) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const lang = encodeURIComponent(document.documentElement.lang || "");
  const live = new LiveSocket({
    url: `${scheme}://${location.host}${root.dataset.gafLive}?lang=${lang}`,
    lastId: Number(root.dataset.gafSequence) || 0,
    closeCodes: readCloseCodes(document),
    onMessage: (message) => {
      if (message.type === "pool") applyPool(message);
    }
  });
  window.addEventListener("online", () => live.reconnectNow());
  live.start();
}
start();
