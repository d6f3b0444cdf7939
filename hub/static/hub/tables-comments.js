// Built by frontend/bundles.mjs (esbuild) from frontend/src/: do not edit.

// src/tables-comments-core.js
function placements(payload, shownIds) {
  if (!payload || !Array.isArray(payload.comments)) return [];
  const seen = new Set(shownIds);
  const result = [];
  for (const comment of payload.comments) {
    if (!comment || !Number.isInteger(comment.id) || typeof comment.html !== "string") continue;
    if (seen.has(comment.id)) continue;
    seen.add(comment.id);
    const parent = Number.isInteger(comment.parent) ? comment.parent : null;
    result.push({ id: comment.id, parent, html: comment.html });
  }
  return result;
}
function nextLastId(current, payload) {
  const last = payload && Number.isInteger(payload.last_id) ? payload.last_id : current;
  return Math.max(current, last);
}
function nextDelay(baseMs, failures) {
  return Math.min(baseMs * 2 ** Math.min(failures, 5), 3e5);
}

// src/tables-comments.js
var POLL_MS = 1e4;
function start(list2) {
  const url = list2.dataset.commentsUrl;
  let lastId = Number.parseInt(list2.dataset.lastId || "0", 10) || 0;
  let failures = 0;
  let timer = null;
  const status = document.querySelector("[data-comments-status]");
  const counter = document.querySelector("[data-comment-count]");
  function shownIds() {
    return Array.from(
      document.querySelectorAll("[data-comment-id]"),
      (el) => Number.parseInt(el.dataset.commentId, 10)
    );
  }
  function insert(items) {
    for (const item of items) {
      const container = item.parent !== null && document.querySelector(`[data-replies-for="${item.parent}"]`) || list2;
      container.insertAdjacentHTML("beforeend", item.html);
    }
    if (items.length) {
      const empty = document.querySelector("[data-no-comments]");
      if (empty) empty.remove();
      const total = document.querySelectorAll("[data-comment-id]").length;
      if (counter) counter.textContent = `(${total})`;
      if (status) status.textContent = `${list2.dataset.newLabel || ""} ${items.length}`;
    }
  }
  async function poll() {
    timer = null;
    try {
      const response = await fetch(`${url}?dopo=${lastId}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
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
var list = document.querySelector("[data-comments][data-comments-url]");
if (list) start(list);
