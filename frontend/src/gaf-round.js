// The live order page of a GAF round (gaf/templates/gaf/family/round.html). The server
// (gaf.consumers.RoundPoolConsumer) sends `state` messages as data: each product's pool,
// and the family's part (its order, what it would receive and pay if the round closed
// now, its running total), under the round's change number `id`. This module draws them
// with the page's translated strings (gaf-round-core.js holds the rules), ignores any
// message not newer than the one shown, and updates the family's running total while it
// types, before it saves.
//
// The page's root element carries data-gaf-live (the socket's path) and data-gaf-sequence
// (the change number the page was rendered at); the JSON script element
// #gaf-round-data holds the products' terms, the pools and the family's part at that
// number, the strings and the number format.

import {
  RoundState,
  billParts,
  compareDecimals,
  formatEuro,
  parseQuantity,
  poolParts,
  runningTotal,
} from "./gaf-round-core.js";
import { LiveSocket, readCloseCodes } from "./live-socket.js";

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
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
  if (parts.text !== undefined) {
    target.replaceChildren(element("p", "mb-2", parts.text));
    return;
  }
  const list = element("dl", "row mb-2");
  parts.rows.forEach(([label, amount, bold], index) => {
    const last = index === parts.rows.length - 1;
    list.append(
      element("dt", bold ? "col-7" : "col-7 fw-normal", label),
      element("dd", `col-5 text-end${bold ? " fw-bold" : ""} ${last ? "mb-0" : "mb-1"}`, amount),
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
      total = state.family.basket; // the server's figure for the saved order
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
    },
  });
  window.addEventListener("online", () => live.reconnectNow());
  live.start();
}

start();
