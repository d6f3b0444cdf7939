// The search box's autocomplete rules (the DOM is in search-suggest.js): plain functions,
// tested with node's runner.

export const MIN_LENGTH = 2;
export const MAX_LENGTH = 200;

// The text to ask suggestions for, or null when there is nothing worth asking.
export function queryOf(value) {
  const text = String(value ?? "").replace(/\s+/g, " ").trim();
  if (text.length < MIN_LENGTH || text.length > MAX_LENGTH) return null;
  return text;
}

export function suggestUrl(endpoint, text) {
  const separator = endpoint.includes("?") ? "&" : "?";
  return `${endpoint}${separator}q=${encodeURIComponent(text)}`;
}

// The suggestions of an API answer, keeping only well-formed ones (a same-site path as URL).
export function suggestionsOf(answer) {
  if (!answer || !Array.isArray(answer.results)) return [];
  return answer.results.filter(
    (item) =>
      item &&
      typeof item.title === "string" &&
      typeof item.url === "string" &&
      item.url.startsWith("/") &&
      !item.url.startsWith("//") &&
      Array.isArray(item.title_parts),
  );
}

// The option to mark after an arrow key: -1 is "none" (back in the box).
export function moveActive(active, count, key) {
  if (count === 0) return -1;
  if (key === "ArrowDown") return active + 1 >= count ? -1 : active + 1;
  if (key === "ArrowUp") return active <= -1 ? count - 1 : active - 1;
  return active;
}
