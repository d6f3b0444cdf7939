// The GAF chat's rules that need no page: @mention autocomplete, client ids, safe links.
// frontend/src/gaf-chat.js uses them; frontend/test/chat-core.test.mjs tests them.

const MENTION_QUERY = /(^|\s)@([^\s@]{0,30}(?: [^\s@]{0,30})?)$/u;

// The @query being typed just before the caret, or null: {start, query} where start is
// the index of the "@".
export function mentionQuery(text, caret) {
  const match = MENTION_QUERY.exec(text.slice(0, caret));
  if (!match) return null;
  return { start: caret - match[2].length - 1, query: match[2] };
}

const fold = (value) => value.normalize("NFKD").replace(/\p{M}/gu, "").toLocaleLowerCase();

// Room members whose name has a word starting with the query (at most `limit`).
export function matchMembers(members, query, { exclude = null, limit = 6 } = {}) {
  const wanted = fold(query.trim());
  return members
    .filter((member) => member.id !== exclude)
    .filter((member) => {
      if (!wanted) return true;
      const name = fold(member.name);
      return name.startsWith(wanted) || name.split(/\s+/).some((word) => word.startsWith(wanted));
    })
    .slice(0, limit);
}

// The text with the @query at `start` replaced by "@Name ", and the caret after it.
export function insertMention(text, start, caret, name) {
  const inserted = `@${name} `;
  return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
}

// A message id made by the browser (the server's idempotency key for a send).
export function newClientId(cryptoImpl = globalThis.crypto) {
  if (cryptoImpl?.randomUUID) return cryptoImpl.randomUUID();
  const bytes = cryptoImpl.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Only http(s) links become anchors (the server cuts them the same way: gaf/chat_text.py).
export function isSafeLink(url) {
  return /^https?:\/\/[^\s]+$/i.test(url);
}

// Only the hub's own paths are followed from a rich link card.
export function isLocalPath(url) {
  return typeof url === "string" && url.startsWith("/") && !url.startsWith("//");
}

// "round:7" -> {kind: "round", id: 7}; anything else -> null (as gaf.chat_presenters).
export function parseAttachment(value) {
  const match = /^(round|product):(\d+)$/.exec(value ?? "");
  return match ? { kind: match[1], id: Number(match[2]) } : null;
}
