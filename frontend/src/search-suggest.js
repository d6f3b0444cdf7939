// Autocomplete for every search box marked data-search-suggest="<endpoint>" (the header's,
// the search page's): titles from /api/v1/search/suggest/ in a listbox under the box
// (ARIA combobox: arrows move, Enter opens the marked one, Escape closes). The titles are
// built as text nodes and <mark> elements, never as HTML. Without this script the box is a
// plain form that submits to the search page.

import { moveActive, queryOf, suggestionsOf, suggestUrl } from "./suggest-core.js";

const DELAY_MS = 150;

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
        // An option is not a link (ARIA: no interactive control inside an option): it
        // opens its page on a click, or with Enter once marked by the arrows.
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
        // The space keeps the title and the kind two words for screen readers.
        option.append(title, document.createTextNode(" "), kind);
        option.addEventListener("mousedown", (event) => {
          // Before the box's blur, which would close the list under the pointer.
          event.preventDefault();
        });
        option.addEventListener("click", () => window.location.assign(item.url));
        return option;
      }),
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
        signal: controller.signal,
      });
      if (!response.ok) return close();
      if (queryOf(input.value) !== text) return;
      render(suggestionsOf(await response.json()));
    } catch {
      // Aborted by a newer keystroke, or offline: the form still works without suggestions.
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
    // Later than a click on a suggestion (whose mousedown keeps the focus anyway).
    setTimeout(close, 200);
  });
}

for (const input of document.querySelectorAll("input[data-search-suggest]")) setup(input);
