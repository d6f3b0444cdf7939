// Built by frontend/bundles.mjs (esbuild) from frontend/src/: do not edit.

// src/chat-core.js
var MENTION_QUERY = /(^|\s)@([^\s@]{0,30}(?: [^\s@]{0,30})?)$/u;
function mentionQuery(text, caret) {
  const match = MENTION_QUERY.exec(text.slice(0, caret));
  if (!match) return null;
  return { start: caret - match[2].length - 1, query: match[2] };
}
var fold = (value) => value.normalize("NFKD").replace(/\p{M}/gu, "").toLocaleLowerCase();
function matchMembers(members, query, { exclude = null, limit = 6 } = {}) {
  const wanted = fold(query.trim());
  return members.filter((member) => member.id !== exclude).filter((member) => {
    if (!wanted) return true;
    const name = fold(member.name);
    return name.startsWith(wanted) || name.split(/\s+/).some((word) => word.startsWith(wanted));
  }).slice(0, limit);
}
function insertMention(text, start, caret, name) {
  const inserted = `@${name} `;
  return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
}
function newClientId(cryptoImpl = globalThis.crypto) {
  if (cryptoImpl?.randomUUID) return cryptoImpl.randomUUID();
  const bytes = cryptoImpl.getRandomValues(new Uint8Array(16));
  bytes[6] = bytes[6] & 15 | 64;
  bytes[8] = bytes[8] & 63 | 128;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
function isSafeLink(url) {
  return /^https?:\/\/[^\s]+$/i.test(url);
}
function isLocalPath(url) {
  return typeof url === "string" && url.startsWith("/") && !url.startsWith("//");
}
function parseAttachment(value) {
  const match = /^(round|product):(\d+)$/.exec(value ?? "");
  return match ? { kind: match[1], id: Number(match[2]) } : null;
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
  const element2 = doc.getElementById(CLOSE_CODES_ELEMENT_ID);
  const codes = element2 ? JSON.parse(element2.textContent) : {};
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

// src/gaf-chat.js
var TYPING_EVERY_MS = 3e3;
var TYPING_SHOWN_MS = 5e3;
var NEAR_BOTTOM_PX = 80;
function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== void 0) node.textContent = text;
  return node;
}
function format(template, value) {
  return template.replace("%s", value);
}
var ChatRoom = class {
  constructor(root) {
    const data = root.dataset;
    this.root = root;
    this.me = Number(data.gafChatMe);
    this.moderator = data.gafChatModerator === "true";
    this.messagesUrl = data.gafChatMessagesUrl;
    this.readUrl = data.gafChatReadUrl;
    this.heartbeat = Number(data.gafChatHeartbeat) || 25;
    this.membersUrl = data.gafChatMembersUrl;
    this.members = null;
    this.t = JSON.parse(document.getElementById(data.gafChatStrings).textContent);
    this.log = root.querySelector("[data-gaf-chat-log]");
    this.form = root.querySelector("[data-gaf-chat-form]");
    this.body = root.querySelector("[data-gaf-chat-body]");
    this.attach = root.querySelector("[data-gaf-chat-attach]");
    this.suggestions = root.querySelector("[data-gaf-chat-suggestions]");
    this.status = root.querySelector("[data-gaf-chat-status]");
    this.onlineLine = root.querySelector("[data-gaf-chat-online]");
    this.typingLine = root.querySelector("[data-gaf-chat-typing]");
    this.pinnedBox = root.querySelector("[data-gaf-chat-pinned-box]");
    this.pinnedList = root.querySelector("[data-gaf-chat-pinned]");
    this.olderLink = root.querySelector("[data-gaf-chat-older]");
    this.unreadBadge = document.querySelector("[data-gaf-chat-unread]");
    this.csrf = this.form.querySelector("[name=csrfmiddlewaretoken]").value;
    this.lastSeq = Number(data.gafChatLastSeq) || 0;
    this.lastRead = this.lastSeq;
    this.pending = /* @__PURE__ */ new Map();
    this.typists = /* @__PURE__ */ new Map();
    this.lastTyping = 0;
    this.loadingOlder = false;
    this.choice = -1;
  }
  start() {
    this.scrollToBottom();
    const newest = this.root.dataset.gafChatNewest === "true";
    if (newest) this.form.addEventListener("submit", (event) => this.submit(event));
    this.body.addEventListener("keydown", (event) => this.keydown(event));
    this.body.addEventListener("input", () => this.typed());
    this.body.addEventListener("click", () => this.suggest());
    this.body.addEventListener("blur", () => setTimeout(() => this.closeSuggestions(), 150));
    this.log.addEventListener("submit", (event) => this.action(event), true);
    this.log.addEventListener("click", (event) => this.click(event));
    this.log.addEventListener("scroll", () => {
      if (this.log.scrollTop < 40) this.loadOlder();
      this.markRead();
    });
    if (this.olderLink) {
      this.olderLink.addEventListener("click", (event) => {
        event.preventDefault();
        this.loadOlder();
      });
    }
    document.addEventListener("visibilitychange", () => this.markRead());
    document.addEventListener("shown.bs.tab", () => {
      this.scrollToBottom();
      this.markRead();
    });
    if (!newest || !("WebSocket" in window)) return;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    this.live = new LiveSocket({
      url: `${scheme}://${location.host}${this.root.dataset.gafChat}`,
      lastId: this.lastSeq,
      closeCodes: readCloseCodes(document),
      gapFree: true,
      resumeFrame: (after) => ({ type: "resume", after }),
      onMessage: (message) => this.receive(message),
      onOpen: () => this.connected(),
      onClose: () => this.say(this.t.offline),
      onStop: () => this.stopped()
    });
    window.addEventListener("online", () => {
      this.live.reconnectNow();
      this.flush();
    });
    setInterval(() => this.live.send({ type: "ping" }), this.heartbeat * 1e3);
    this.live.start();
  }
  // --- Socket -------------------------------------------------------------------------------
  connected() {
    this.say("");
    this.flush();
  }
  stopped() {
    this.say(this.t.closed);
    this.form.querySelector("button[type=submit]").disabled = true;
  }
  receive(message) {
    switch (message.type) {
      case "event":
        this.apply(message);
        break;
      case "ack":
        this.acknowledged(message);
        break;
      case "error":
        this.refused(message);
        break;
      case "presence":
      case "pong":
      case "hello":
        if (message.online) this.showOnline(message.online);
        break;
      case "typing":
        this.showTyping(message.user.name);
        break;
      case "resume_too_far":
        this.catchUp();
        break;
    }
  }
  async catchUp() {
    let more = true;
    while (more) {
      const answer = await this.fetchJson(`${this.messagesUrl}?after=${this.live.lastId}`);
      if (!answer) return;
      for (const event of answer.events) {
        if (event.id !== this.live.lastId + 1) continue;
        this.apply(event);
        this.live.advanceTo(event.id);
      }
      more = answer.has_more;
    }
    this.live.resume();
  }
  // --- Events -------------------------------------------------------------------------------
  apply(event) {
    const message = event.message;
    this.lastSeq = Math.max(this.lastSeq, event.id);
    const nearBottom = this.isNearBottom();
    this.upsert(message);
    this.updatePinned(message);
    const news = event.kind === "message" || event.kind === "system";
    if (news && message.author?.id !== this.me && !this.isVisible()) this.bumpUnread();
    if (nearBottom) this.scrollToBottom();
    this.markRead();
  }
  upsert(message) {
    const node = this.render(message);
    const existing = document.getElementById(`msg-${message.id}`);
    if (existing) {
      if (existing.closest("[data-gaf-chat-log]") === this.log) existing.replaceWith(node);
      return;
    }
    this.log.querySelector("[data-gaf-chat-empty]")?.remove();
    const later = [...this.log.querySelectorAll("li[data-seq]")].find(
      (item) => Number(item.dataset.seq) > message.seq
    );
    const firstPending = this.log.querySelector(".gaf-chat-pending");
    this.log.insertBefore(node, later ?? firstPending ?? null);
  }
  updatePinned(message) {
    const current = this.pinnedList.querySelector(`[data-id="${message.id}"]`);
    if (!message.pinned || message.deleted) {
      current?.remove();
    } else {
      const item = element("li");
      item.dataset.id = message.id;
      const link = element("a", "", message.system ? this.t.system : message.author.name);
      link.href = `#msg-${message.id}`;
      const text = element("span");
      this.appendParts(text, message.parts);
      item.append(link, ": ", text);
      if (current) current.replaceWith(item);
      else this.pinnedList.prepend(item);
    }
    this.pinnedBox.hidden = !this.pinnedList.children.length;
  }
  render(message) {
    const mine = message.author?.id === this.me;
    const item = element("li", "gaf-chat-msg");
    if (mine) item.classList.add("gaf-chat-mine");
    if (message.system) item.classList.add("gaf-chat-system");
    if (message.mentions.includes(this.me)) item.classList.add("gaf-chat-mentions-me");
    item.id = `msg-${message.id}`;
    item.dataset.id = message.id;
    item.dataset.seq = message.seq;
    const meta = element("div", "gaf-chat-meta");
    meta.append(element("span", "gaf-chat-author", message.system ? this.t.system : message.author.name));
    const time = element("time", "", `${message.date} ${message.time}`);
    time.dateTime = message.created_at;
    time.title = message.when;
    meta.append(time);
    if (message.edited && !message.deleted) meta.append(element("span", "gaf-chat-edited", this.t.edited));
    if (message.pinned) meta.append(element("span", "badge bg-primary gaf-chat-pinned-badge", this.t.pinned));
    item.append(meta);
    if (message.deleted) {
      item.append(
        element(
          "p",
          "gaf-chat-body gaf-chat-tombstone",
          message.removed_by_moderator ? this.t.removed : this.t.deleted
        )
      );
      return item;
    }
    const body = element("p", "gaf-chat-body");
    this.appendParts(body, message.parts);
    item.append(body);
    const card = message.attachment;
    if (card && isLocalPath(card.url)) {
      const link = element("a", "gaf-chat-card");
      link.href = card.url;
      link.append(
        element("span", "gaf-chat-card-title", card.title),
        element("span", "gaf-chat-card-subtitle", card.subtitle)
      );
      item.append(link);
    }
    const canEdit = mine && !message.system;
    const canDelete = mine || this.moderator;
    if (canEdit || canDelete || this.moderator) item.append(this.actions(message, canEdit, canDelete));
    return item;
  }
  appendParts(node, parts) {
    for (const part of parts) {
      if (part.link && isSafeLink(part.link)) {
        const link = element("a", "", part.text);
        link.href = part.link;
        link.rel = "nofollow noopener";
        node.append(link);
      } else if (part.mention) {
        node.append(element("span", "gaf-chat-mention", part.text));
      } else {
        node.append(document.createTextNode(part.text));
      }
    }
  }
  // The same actions as the server's markup: forms that still work if the socket drops.
  actions(message, canEdit, canDelete) {
    const details = element("details", "gaf-chat-actions");
    const summary = element("summary");
    const dots = element("span", "", "⋯");
    dots.setAttribute("aria-hidden", "true");
    summary.append(element("span", "visually-hidden", format(this.t.actions, message.seq)), dots);
    const menu = element("div", "gaf-chat-actions-menu");
    const base = `${this.messagesUrl}${message.id}/`;
    if (canEdit) {
      const edit = element("a", "btn btn-sm btn-link", this.t.edit);
      edit.href = `${base}modifica/`;
      edit.dataset.gafChatAction = "edit";
      menu.append(edit);
    }
    const form = (action, label, fields, danger) => {
      const node = element("form");
      node.method = "post";
      node.action = `${base}${action}/`;
      node.dataset.gafChatAction = action === "fissa" ? "pin" : "delete";
      for (const [name, value] of Object.entries({ csrfmiddlewaretoken: this.csrf, next: location.pathname, ...fields })) {
        const input = element("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        node.append(input);
      }
      node.append(element("button", `btn btn-sm btn-link${danger ? " text-danger" : ""}`, label));
      return node;
    };
    if (this.moderator) {
      menu.append(
        form("fissa", message.pinned ? this.t.unpin : this.t.pin, { pinned: message.pinned ? "0" : "1" })
      );
    }
    if (canDelete) menu.append(form("elimina", this.t.delete, {}, true));
    details.append(summary, menu);
    return details;
  }
  // --- Sending ------------------------------------------------------------------------------
  submit(event) {
    event.preventDefault();
    const text = this.body.value;
    if (!text.trim()) return;
    const clientId = newClientId();
    const attach = parseAttachment(this.attach?.value);
    const node = this.pendingNode(text);
    this.pending.set(clientId, { body: text, attach, node, sent: false });
    this.log.querySelector("[data-gaf-chat-empty]")?.remove();
    this.log.append(node);
    this.scrollToBottom();
    this.body.value = "";
    if (this.attach) this.attach.value = "";
    this.closeSuggestions();
    this.deliver(clientId);
  }
  pendingNode(text) {
    const item = element("li", "gaf-chat-msg gaf-chat-mine gaf-chat-pending");
    const meta = element("div", "gaf-chat-meta");
    meta.append(element("span", "gaf-chat-author", this.t.you), element("span", "gaf-chat-state", this.t.sending));
    item.append(meta, element("p", "gaf-chat-body", text));
    return item;
  }
  deliver(clientId) {
    const pending = this.pending.get(clientId);
    if (!pending) return;
    const frame = { type: "send", client_id: clientId, body: pending.body };
    if (pending.attach) frame.attach = pending.attach;
    if (this.live?.send(frame)) return;
    this.post(clientId, pending);
  }
  flush() {
    for (const clientId of this.pending.keys()) this.deliver(clientId);
  }
  async post(clientId, pending) {
    const form = new FormData();
    form.append("body", pending.body);
    form.append("client_id", clientId);
    if (pending.attach) form.append("attach", `${pending.attach.kind}:${pending.attach.id}`);
    let response;
    try {
      response = await fetch(this.messagesUrl, {
        method: "POST",
        body: form,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": this.csrf }
      });
    } catch {
      this.setState(pending, this.t.queued);
      return;
    }
    const answer = await response.json().catch(() => null);
    if (response.ok && answer?.message) {
      this.confirm(clientId, answer.message.id);
      this.upsert(answer.message);
      this.scrollToBottom();
    } else {
      this.failed(clientId, answer?.error?.message ?? this.t.failed);
    }
  }
  acknowledged(ack) {
    this.confirm(ack.client_id, ack.message_id);
  }
  confirm(clientId, messageId) {
    const pending = this.pending.get(clientId);
    if (!pending) return;
    this.pending.delete(clientId);
    if (document.getElementById(`msg-${messageId}`)) pending.node.remove();
    else pending.node.id = `msg-${messageId}`;
  }
  failed(clientId, text) {
    const pending = this.pending.get(clientId);
    if (!pending) return;
    this.pending.delete(clientId);
    pending.node.classList.remove("gaf-chat-pending");
    pending.node.classList.add("gaf-chat-failed");
    this.setState(pending, `${this.t.failed}: ${text}`);
    const retry = element("button", "btn btn-sm btn-link", this.t.retry);
    retry.type = "button";
    retry.addEventListener("click", () => {
      pending.node.classList.replace("gaf-chat-failed", "gaf-chat-pending");
      retry.remove();
      this.setState(pending, this.t.sending);
      this.pending.set(clientId, pending);
      this.deliver(clientId);
    });
    pending.node.append(retry);
    this.say(text);
  }
  setState(pending, text) {
    const state = pending.node.querySelector(".gaf-chat-state");
    if (state) state.textContent = text;
  }
  refused(error) {
    if (error.client_id) {
      this.failed(error.client_id, error.message);
    } else if (error.code === "resume_future") {
      location.reload();
    } else {
      this.say(error.message);
    }
  }
  // --- Edit, delete, pin --------------------------------------------------------------------
  action(event) {
    const form = event.target.closest("form[data-gaf-chat-action]");
    if (!form || !this.live?.isOpen) return;
    const messageId = Number(form.closest("li[data-id]").dataset.id);
    if (form.dataset.gafChatAction === "delete") {
      event.preventDefault();
      if (window.confirm(this.t.confirmDelete)) this.live.send({ type: "delete", message_id: messageId });
    } else if (form.dataset.gafChatAction === "pin") {
      event.preventDefault();
      this.live.send({ type: "pin", message_id: messageId, pinned: form.elements.pinned.value === "1" });
    }
    form.closest("details")?.removeAttribute("open");
  }
  click(event) {
    const link = event.target.closest("a[data-gaf-chat-action=edit]");
    if (!link || !this.live?.isOpen) return;
    event.preventDefault();
    const item = link.closest("li[data-id]");
    link.closest("details")?.removeAttribute("open");
    const body = item.querySelector(".gaf-chat-body");
    const editor = element("form", "gaf-chat-edit");
    const field = element("textarea", "form-control");
    field.value = body.textContent;
    field.maxLength = this.body.maxLength;
    field.setAttribute("aria-label", this.t.edit);
    const save = element("button", "btn btn-sm btn-primary", this.t.save);
    const cancel = element("button", "btn btn-sm btn-link", this.t.cancel);
    cancel.type = "button";
    editor.append(field, save, cancel);
    body.replaceWith(editor);
    field.focus();
    cancel.addEventListener("click", () => editor.replaceWith(body));
    editor.addEventListener("submit", (submitted) => {
      submitted.preventDefault();
      if (this.live.send({ type: "edit", message_id: Number(item.dataset.id), body: field.value })) {
        editor.replaceWith(body);
      }
    });
  }
  // --- History ------------------------------------------------------------------------------
  async loadOlder() {
    if (this.loadingOlder || !this.olderLink || this.olderLink.hidden) return;
    const first = this.log.querySelector("li[data-seq]");
    if (!first) return;
    this.loadingOlder = true;
    const answer = await this.fetchJson(`${this.messagesUrl}?before=${first.dataset.seq}`);
    this.loadingOlder = false;
    if (!answer) return;
    const height = this.log.scrollHeight;
    const nodes = answer.messages.filter((message) => !document.getElementById(`msg-${message.id}`)).map((message) => this.render(message));
    this.log.prepend(...nodes);
    this.log.scrollTop += this.log.scrollHeight - height;
    if (!answer.has_more) this.olderLink.closest("p").hidden = this.olderLink.hidden = true;
  }
  async fetchJson(url) {
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      return response.ok ? await response.json() : null;
    } catch {
      return null;
    }
  }
  // --- Reading, presence, typing ------------------------------------------------------------
  isVisible() {
    return document.visibilityState === "visible" && this.root.offsetParent !== null;
  }
  isNearBottom() {
    return this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < NEAR_BOTTOM_PX;
  }
  scrollToBottom() {
    this.log.scrollTop = this.log.scrollHeight;
  }
  markRead() {
    if (this.lastSeq <= this.lastRead || !this.isVisible() || !this.isNearBottom()) return;
    this.lastRead = this.lastSeq;
    if (this.unreadBadge) {
      this.unreadBadge.hidden = true;
      this.unreadBadge.firstChild.textContent = "0";
    }
    if (this.live?.send({ type: "read", seq: this.lastRead })) return;
    const form = new FormData();
    form.append("seq", String(this.lastRead));
    fetch(this.readUrl, {
      method: "POST",
      body: form,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": this.csrf }
    }).catch(() => {
    });
  }
  bumpUnread() {
    if (!this.unreadBadge) return;
    const count = Number(this.unreadBadge.firstChild.textContent) || 0;
    this.unreadBadge.firstChild.textContent = String(count + 1);
    this.unreadBadge.hidden = false;
  }
  showOnline(people) {
    const others = people.filter((person) => person.id !== this.me).map((person) => person.name);
    this.onlineLine.textContent = others.length ? format(this.t.online, others.join(", ")) : this.t.nobodyOnline;
  }
  showTyping(name) {
    clearTimeout(this.typists.get(name));
    this.typists.set(
      name,
      setTimeout(() => {
        this.typists.delete(name);
        this.renderTyping();
      }, TYPING_SHOWN_MS)
    );
    this.renderTyping();
  }
  renderTyping() {
    const names = [...this.typists.keys()];
    this.typingLine.textContent = !names.length ? "" : format(names.length === 1 ? this.t.typing : this.t.typingMany, names.join(", "));
  }
  typed() {
    const now = Date.now();
    if (this.body.value.trim() && now - this.lastTyping > TYPING_EVERY_MS) {
      this.lastTyping = now;
      this.live?.send({ type: "typing" });
    }
    this.suggest();
  }
  say(text) {
    this.status.textContent = text;
  }
  // --- @mention autocomplete (a combobox on the textarea) -----------------------------------
  async suggest() {
    const query = mentionQuery(this.body.value, this.body.selectionStart);
    if (query && this.members === null) {
      this.members = [];
      const answer = await this.fetchJson(this.membersUrl);
      this.members = answer?.members ?? null;
      return this.suggest();
    }
    const found = query && this.members ? matchMembers(this.members, query.query, { exclude: this.me }) : [];
    if (!found.length) {
      this.closeSuggestions();
      return;
    }
    this.query = query;
    this.found = found;
    this.choice = 0;
    this.suggestions.replaceChildren(
      ...found.map((member, index) => {
        const option = element("li", "", member.name);
        option.id = `${this.suggestions.id}-${index}`;
        option.setAttribute("role", "option");
        option.addEventListener("mousedown", (event) => {
          event.preventDefault();
          this.pick(index);
        });
        return option;
      })
    );
    this.suggestions.hidden = false;
    this.body.setAttribute("aria-expanded", "true");
    this.highlight();
  }
  highlight() {
    [...this.suggestions.children].forEach((option, index) => {
      option.setAttribute("aria-selected", String(index === this.choice));
    });
    this.body.setAttribute("aria-activedescendant", `${this.suggestions.id}-${this.choice}`);
  }
  closeSuggestions() {
    this.suggestions.hidden = true;
    this.suggestions.replaceChildren();
    this.body.setAttribute("aria-expanded", "false");
    this.body.removeAttribute("aria-activedescendant");
    this.found = [];
  }
  pick(index) {
    const member = this.found[index];
    if (!member) return;
    const result = insertMention(this.body.value, this.query.start, this.body.selectionStart, member.name);
    this.body.value = result.text;
    this.body.setSelectionRange(result.caret, result.caret);
    this.closeSuggestions();
  }
  keydown(event) {
    if (this.found?.length) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        this.choice = (this.choice + step + this.found.length) % this.found.length;
        this.highlight();
        return;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        this.pick(this.choice);
        return;
      }
      if (event.key === "Escape") {
        this.closeSuggestions();
        return;
      }
    }
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.form.requestSubmit();
    }
  }
};
for (const root of document.querySelectorAll("[data-gaf-chat]")) new ChatRoom(root).start();
