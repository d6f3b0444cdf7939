// The rules of the live comments of a proposal page, on plain values (node's runner tests
// them): which of the comments the server sent are new, where each one goes, and what the
// next poll asks for. The page itself is tables-comments.js.

// The comments of a poll answer that the page does not show yet, in order, each with the
// container it goes into: its parent's replies, or the top list.
export function placements(payload, shownIds) {
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

// The last id to ask after: never backwards (an old or bad answer changes nothing).
export function nextLastId(current, payload) {
  const last = payload && Number.isInteger(payload.last_id) ? payload.last_id : current;
  return Math.max(current, last);
}

// Polling slows down after failures (up to five minutes) and is quick again after a success.
export function nextDelay(baseMs, failures) {
  return Math.min(baseMs * 2 ** Math.min(failures, 5), 300000);
}
