// Built by frontend/bundles.mjs (esbuild) from frontend/src/: do not edit.

// src/gaf-round-core.js
var DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
function parseDecimal(text) {
  const match = DECIMAL.exec(String(text));
  if (!match) return null;
  const [, sign, whole, fraction = ""] = match;
  const value = BigInt(whole + fraction);
  return { value: sign ? -value : value, places: fraction.length };
}
function scaled(text, places) {
  const number = parseDecimal(text);
  if (number === null) throw new Error(`not a decimal: ${text}`);
  if (number.places > places) throw new Error(`more than ${places} places: ${text}`);
  return number.value * 10n ** BigInt(places - number.places);
}
function decimalText(value, places) {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(places + 1, "0");
  const text = places ? `${digits.slice(0, -places)}.${digits.slice(-places)}` : digits;
  return negative ? `-${text}` : text;
}
function roundHalfUp(value, divisor) {
  return (value + divisor / 2n) / divisor;
}
function compareDecimals(a, b) {
  const places = Math.max(parseDecimal(a).places, parseDecimal(b).places);
  const difference = scaled(a, places) - scaled(b, places);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}
function addDecimals(a, b, places) {
  return decimalText(scaled(a, places) + scaled(b, places), places);
}
function subtractDecimals(a, b, places) {
  return decimalText(scaled(a, places) - scaled(b, places), places);
}
function parseQuantity(text) {
  const trimmed = String(text ?? "").trim();
  if (trimmed === "") return "0";
  const match = /^(\d+)(?:[.,](\d{0,3}))?$/.exec(trimmed);
  if (!match) return null;
  return match[2] ? `${match[1]}.${match[2]}` : match[1];
}
var QUANTITY_PLACES = 3;
var PRICE_PLACES = 4;
var PERCENT_PLACES = 2;
function tierPrice(pooled, basePrice, tiers) {
  let best = null;
  for (const [minimum, price] of tiers) {
    if (compareDecimals(pooled, minimum) >= 0 && (best === null || compareDecimals(minimum, best[0]) > 0)) {
      best = [minimum, price];
    }
  }
  return best === null ? basePrice : best[1];
}
function lineCents(quantity, pooled, basePrice, tiers) {
  const price = tierPrice(pooled, basePrice, tiers);
  const exact = scaled(quantity, QUANTITY_PLACES) * scaled(price, PRICE_PLACES);
  return roundHalfUp(exact, 10n ** BigInt(QUANTITY_PLACES + PRICE_PLACES - 2));
}
function fundCents(goodsCents, percent) {
  return roundHalfUp(goodsCents * scaled(percent, PERCENT_PLACES), 10n ** BigInt(PERCENT_PLACES + 2));
}
function basketTotal(items, fundPercent) {
  let goods = 0n;
  for (const [firm, others, basePrice, tiers] of items) {
    const pooled = addDecimals(others, firm, QUANTITY_PLACES);
    goods += lineCents(firm, pooled, basePrice, tiers);
  }
  const fund = fundCents(goods, fundPercent);
  return [decimalText(goods, 2), decimalText(fund, 2), decimalText(goods + fund, 2)];
}
function runningTotal({ typed, saved, pools, products, fundPercent }) {
  const items = [];
  for (const [id, firm] of Object.entries(typed)) {
    const product = products[id];
    const pool = pools[id];
    if (firm === null || !product || !pool || compareDecimals(firm, "0") === 0) continue;
    const others = subtractDecimals(pool.firm, saved[id] ?? "0", QUANTITY_PLACES);
    items.push([firm, others, product.unit_price, product.tiers]);
  }
  return basketTotal(items, fundPercent);
}
function splitNumber(text) {
  const { value, places } = parseDecimal(text);
  const digits = decimalText(value < 0n ? -value : value, places);
  const [whole, fraction = ""] = digits.split(".");
  return { negative: value < 0n, whole, fraction: fraction.replace(/0+$/, "") };
}
function group(whole, separator, size) {
  if (!size || !separator) return whole;
  let out = "";
  for (let end = whole.length; end > 0; end -= size) {
    const start2 = Math.max(0, end - size);
    out = whole.slice(start2, end) + (out ? separator + out : "");
  }
  return out;
}
function formatQuantity(text, format) {
  const { negative, whole, fraction } = splitNumber(text);
  const body = fraction ? `${whole}${format.decimal}${fraction}` : whole;
  return negative ? `-${body}` : body;
}
function formatEuro(text, format) {
  const { negative, whole, fraction } = splitNumber(text);
  const body = `${group(whole, format.thousands, format.grouping)}${format.decimal}${fraction.padEnd(2, "0")}`;
  return negative ? `-${body}` : body;
}
function formatMoney(text, format) {
  return `${formatEuro(text, format)} €`;
}
function unitText(unit, quantity) {
  if (quantity === void 0 || quantity === null) return unit.one;
  return compareDecimals(quantity, "1") === 0 ? unit.one : unit.many;
}
function interpolate(template, values) {
  return template.replace(/%(?:\((\w+)\)s|%)/g, (whole, name) => name === void 0 ? "%" : String(values[name]));
}
function plural(forms, count) {
  return interpolate(count === 1 ? forms[0] : forms[1], { cases: count });
}
function poolParts({ product, pool, line, strings, format }) {
  const q = (value) => formatQuantity(value, format);
  const unit = (value) => unitText(product.unit, value);
  const parts = [];
  let group2 = interpolate(strings.pooled, { firm: q(pool.firm), unit: unit(pool.firm) });
  if (compareDecimals(pool.tolerance, "0") !== 0) {
    group2 += ` ${interpolate(strings.pooled_tolerance, { tolerance: q(pool.tolerance), unit: unit(pool.tolerance) })}`;
  }
  parts.push({ className: "mb-1", text: `${group2}.` });
  if (pool.remaining !== null) {
    parts.push({
      className: "small mb-1",
      text: interpolate(strings.remaining, { remaining: q(pool.remaining), unit: unit(pool.remaining) })
    });
  }
  if (pool.case_filled !== null) {
    const missing = { missing: q(pool.missing_to_next_case), unit: unit(pool.missing_to_next_case) };
    const caseText = interpolate(
      compareDecimals(pool.case_filled, "0") !== 0 ? strings.case_missing : strings.case_new,
      missing
    );
    const cases = pool.full_cases ? plural(strings.full_cases, pool.full_cases) : strings.no_full_case;
    const completes = pool.tolerance_completes ? `; ${strings.tolerance_completes}` : "";
    parts.push({ className: "small mb-1", text: `${cases}: ${caseText}${completes}.` });
    parts.push({
      progress: {
        percent: pool.case_percent,
        label: interpolate(strings.case_label, { name: product.name }),
        max: product.case_size,
        now: pool.case_filled,
        text: caseText
      }
    });
  }
  if (pool.next_tier !== null) {
    const [minimum, price] = pool.next_tier;
    parts.push({
      className: "small mb-1",
      text: interpolate(strings.next_tier, {
        minimum: q(minimum),
        price: formatEuro(price, format),
        missing: q(pool.missing_to_next_tier),
        unit: unit(minimum),
        per_unit: unitText(product.unit),
        missing_unit: unit(pool.missing_to_next_tier)
      })
    });
  }
  const ordered = line && (compareDecimals(line.firm, "0") !== 0 || compareDecimals(line.tolerance, "0") !== 0);
  if (ordered) {
    let mine = interpolate(strings.ordered, { firm: q(line.firm), unit: unit(line.firm) });
    if (compareDecimals(line.tolerance, "0") !== 0) {
      mine += ` ${interpolate(strings.pooled_tolerance, { tolerance: q(line.tolerance), unit: unit(line.tolerance) })}`;
    }
    parts.push({
      className: "small mb-1",
      text: `${mine}.`,
      strong: interpolate(strings.would_receive, { quantity: q(line.receive), unit: unit(line.receive) })
    });
  }
  return parts;
}
function billParts({ family, strings, format }) {
  const bill = family.bill;
  if (!bill) return { text: family.has_order ? strings.nothing_yet : strings.no_order };
  const rows = [
    [strings.goods, formatMoney(bill.goods, format), false],
    [strings.fund, formatMoney(bill.fund, format), false]
  ];
  if (compareDecimals(bill.shared, "0") !== 0) rows.push([strings.shared, formatMoney(bill.shared, format), false]);
  rows.push([strings.total, formatMoney(bill.total, format), true]);
  return { rows };
}
var RoundState = class {
  constructor({ version = 0, pools = {}, family = null } = {}) {
    Object.assign(this, { version, pools, family });
  }
  // True when `message` ({id, pools, family}) was newer and is now the state.
  apply(message) {
    if (typeof message.id !== "number" || message.id <= this.version) return false;
    this.version = message.id;
    this.pools = message.pools;
    this.family = message.family;
    return true;
  }
};

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

// src/gaf-round.js
function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== void 0) node.textContent = text;
  return node;
}
function drawPart(part) {
  if (part.progress) {
    const { percent, label, max, now, text } = part.progress;
    const bar = element("div", "progress-bar");
    bar.setAttribute("role", "progressbar");
    bar.style.width = `${percent}%`;
    bar.setAttribute("aria-label", label);
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", max);
    bar.setAttribute("aria-valuenow", now);
    bar.setAttribute("aria-valuetext", text);
    const progress = element("div", "progress mb-2");
    progress.append(bar);
    return progress;
  }
  const paragraph = element("p", part.className, part.text);
  if (part.strong) paragraph.append(" ", element("strong", "", part.strong));
  return paragraph;
}
function drawBill(target, parts) {
  if (parts.text !== void 0) {
    target.replaceChildren(element("p", "mb-2", parts.text));
    return;
  }
  const list = element("dl", "row mb-2");
  parts.rows.forEach(([label, amount, bold], index) => {
    const last = index === parts.rows.length - 1;
    list.append(
      element("dt", bold ? "col-7" : "col-7 fw-normal", label),
      element("dd", `col-5 text-end${bold ? " fw-bold" : ""} ${last ? "mb-0" : "mb-1"}`, amount)
    );
  });
  target.replaceChildren(list);
}
function start() {
  const root = document.querySelector("[data-gaf-live]");
  const dataElement = document.getElementById("gaf-round-data");
  if (!root || !dataElement) return;
  const data = JSON.parse(dataElement.textContent);
  const { products, strings, format } = data;
  const state = new RoundState({ version: data.version, pools: data.pools, family: data.family });
  const inputs = Object.keys(products).map((id) => [id, root.querySelector(`[name="firm_${id}"]`)]);
  const running = document.getElementById("gaf-running-total");
  const unsaved = document.getElementById("gaf-running-unsaved");
  function savedQuantities() {
    const lines = state.family?.lines ?? {};
    return Object.fromEntries(Object.entries(lines).map(([id, line]) => [id, line.firm]));
  }
  function updateRunning() {
    if (!running) return;
    const saved = savedQuantities();
    const typed = {};
    let changed = false;
    for (const [id, input] of inputs) {
      if (!input) continue;
      typed[id] = parseQuantity(input.value);
      if (typed[id] === null || compareDecimals(typed[id], saved[id] ?? "0") !== 0) changed = true;
    }
    let total;
    if (!changed && state.family) {
      total = state.family.basket;
    } else {
      [, , total] = runningTotal({ typed, saved, pools: state.pools, products, fundPercent: data.fund_percent });
    }
    running.textContent = formatEuro(total, format);
    if (unsaved) unsaved.hidden = !changed;
  }
  function draw() {
    const lines = state.family?.lines ?? {};
    for (const [id, pool] of Object.entries(state.pools)) {
      const target = root.querySelector(`[data-gaf-pool="${id}"]`);
      const product = products[id];
      if (!target || !product) continue;
      const parts = poolParts({ product, pool, line: state.family ? lines[id] : null, strings, format });
      target.replaceChildren(...parts.map(drawPart));
    }
    const bill = document.getElementById("gaf-family-total");
    if (bill && state.family) drawBill(bill, billParts({ family: state.family, strings, format }));
    const short = document.getElementById("gaf-total-short");
    if (short && state.family) short.textContent = formatEuro(state.family.bill?.total ?? "0", format);
    root.dataset.gafSequence = String(state.version);
    updateRunning();
  }
  root.addEventListener("input", updateRunning);
  updateRunning();
  if (!("WebSocket" in window)) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const lang = encodeURIComponent(document.documentElement.lang || "");
  const live = new LiveSocket({
    url: `${scheme}://${location.host}${root.dataset.gafLive}?lang=${lang}`,
    lastId: state.version,
    closeCodes: readCloseCodes(document),
    onMessage: (message) => {
      if (message.type === "state" && state.apply(message)) draw();
    }
  });
  window.addEventListener("online", () => live.reconnectNow());
  live.start();
}
start();
