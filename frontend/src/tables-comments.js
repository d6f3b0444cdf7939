// Live comments of a proposal page (tables/proposal.html): polls the page's comments
// endpoint for comments after the last one shown, and adds each new one where it belongs
// (at the end of the list, or under the comment it answers). It only adds elements: the
// forms, and whatever someone is typing in them, are never touched.

import { nextDelay, nextLastId, placements } from "./tables-comments-core.js";

const POLL_MS = 10000;

function start(list) {
  const url = list.dataset.commentsUrl;
  let lastId = Number.parseInt(list.dataset.lastId || "0", 10) || 0;
  let failures = 0;
  let timer = null;
  const status = document.querySelector("[data-comments-status]");
  const counter = document.querySelector("[data-comment-count]");

  function shownIds() {
    return Array.from(document.querySelectorAll("[data-comment-id]"), (el) =>
      Number.parseInt(el.dataset.commentId, 10),
    );
  }

  function insert(items) {
    for (const item of items) {
      const container =
        (item.parent !== null && document.querySelector(`[data-replies-for="${item.parent}"]`)) ||
        list;
      container.insertAdjacentHTML("beforeend", item.html);
    }
    if (items.length) {
      const empty = document.querySelector("[data-no-comments]");
      if (empty) empty.remove();
      const total = document.querySelectorAll("[data-comment-id]").length;
      if (counter) counter.textContent = `(${total})`;
      if (status) status.textContent = `${list.dataset.newLabel || ""} ${items.length}`;
    }
  }

  async function poll() {
    timer = null;
    try {
      const response = await fetch(`${url}?dopo=${lastId}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error(String(response.status));
      const payload = await response.json();
      insert(placements(payload, shownIds()));
      lastId = nextLastId(lastId, payload);
      failures = 0;
    } catch {
      failures += 1;
    }
    schedule();
  }

  function schedule() {
    if (timer !== null || document.visibilityState === "hidden") return;
    timer = window.setTimeout(poll, nextDelay(POLL_MS, failures));
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && timer === null) {
      timer = window.setTimeout(poll, 0);
    }
  });
  schedule();
}

const list = document.querySelector("[data-comments][data-comments-url]");
if (list) start(list);
