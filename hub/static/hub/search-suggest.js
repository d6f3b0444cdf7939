// Built by frontend/bundles.mjs (esbuild) from frontend/src/: do not edit.

// src/suggest-core.js
var MIN_LENGTH = 2;
var MAX_LENGTH = 200;
function queryOf(value) {
  const text = String(value ?? "").replace(/\s+/g, " ").trim();
  if (text.length < MIN_LENGTH || text.length > MAX_LENGTH) return null;
  return text;
}
function suggestUrl(endpoint, text) {
  const separator = endpoint.includes("?") ? "&" : "?";
  return `${endpoint}${separator}q=${encodeURIComponent(text)}`;
}
function suggestionsOf(answer) {
  if (!answer || !Array.isArray(answer.results)) return [];
  return answer.results.filter(
    (item) => item && typeof item.title === "string" && typeof item.url === "string" && item.url.startsWith("/") && !item.url.startsWith("//") && Array.isArray(item.title_parts)
  );
}
function moveActive(active, count, key) {
  if (count === 0) return -1;
  if (key === "ArrowDown") return active + 1 >= count ? -1 : active + 1;
  if (key === "ArrowUp") return active <= -1 ? count - 1 : active - 1;
  return active;
}

// src/search-suggest.js
var DELAY_MS = 150;
function setup(input) {
  const list = document.getElementById(input.getAttribute("aria-controls"));
  if (!list) return;
  const endpoint = input.dataset.searchSuggest;
  let timer = null;
  let controller = null;
  let items = [];
  let active = -1;
  function close() {
    list.hidden = true;
    list.replaceChildren();
    items = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }
  function mark(index) {
    active = index;
    list.querySelectorAll("[role=option]").forEach((option, position) => {
      option.setAttribute("aria-selected", position === index ? "true" : "false");
    });
    if (index >= 0) input.setAttribute("aria-activedescendant", `${list.id}-${index}`);
    else input.removeAttribute("aria-activedescendant");
  }
  function render(suggestions) {
    if (suggestions.length === 0) return close();
    items = suggestions;
    list.replaceChildren(
      ...suggestions.map((item, index) => {
        const option = document.createElement("li");
        option.id = `${list.id}-${index}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        const title = document.createElement("span");
        for (const [piece, matched] of item.title_parts) {
          if (matched) {
            const highlighted = document.createElement("mark");
            highlighted.textContent = String(piece);
            title.append(highlighted);
          } else {
            title.append(document.createTextNode(String(piece)));
          }
        }
        const kind = document.createElement("span");
        kind.className = "hub-search-suggestion-kind";
        kind.textContent = String(item.kind_label ?? "");
        option.append(title, document.createTextNode(" "), kind);
        option.addEventListener("mousedown", (event) => {
          event.preventDefault();
        });
        option.addEventListener("click", () => window.location.assign(item.url));
        return option;
      })
    );
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
  }
  async function ask() {
    const text = queryOf(input.value);
    if (text === null) return close();
    controller?.abort();
    controller = new AbortController();
    try {
      const response = await fetch(suggestUrl(endpoint, text), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller.signal
      });
      if (!response.ok) return close();
      if (queryOf(input.value) !== text) return;
      render(suggestionsOf(await response.json()));
    } catch {
    }
  }
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(ask, DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      close();
      return;
    }
    if (list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      mark(moveActive(active, items.length, event.key));
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.assign(items[active].url);
    }
  });
  input.addEventListener("blur", () => {
    setTimeout(close, 200);
  });
}
for (const input of document.querySelectorAll("input[data-search-suggest]")) setup(input);
