// The live pool on a GAF round's order page (gaf/templates/gaf/family/round.html): the
// server (gaf.consumers.RoundPoolConsumer) sends each product's pool and the family's bill,
// rendered, as `pool` messages whose `id` is the round's change number.
//
// The page's root element carries data-gaf-live (the socket's path) and data-gaf-sequence
// (the change number the page was rendered at).

import { LiveSocket, readCloseCodes } from "./live-socket.js";

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
    },
  });
  window.addEventListener("online", () => live.reconnectNow());
  live.start();
}

start();
