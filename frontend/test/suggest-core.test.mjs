// The search box's autocomplete rules. Run with `npm test` (node --test).

import assert from "node:assert/strict";
import { test } from "node:test";

import { moveActive, queryOf, suggestionsOf, suggestUrl } from "../src/suggest-core.js";

test("too short, blank or too long input asks nothing", () => {
  assert.equal(queryOf(""), null);
  assert.equal(queryOf(" a "), null);
  assert.equal(queryOf("x".repeat(201)), null);
  assert.equal(queryOf("  scuola   infanzia "), "scuola infanzia");
});

test("the query is encoded in the URL", () => {
  assert.equal(
    suggestUrl("/api/v1/search/suggest/", "Sant'Antonino & co"),
    "/api/v1/search/suggest/?q=Sant'Antonino%20%26%20co",
  );
});

test("only same-site suggestions with their parts are kept", () => {
  const good = { title: "A", url: "/a/", title_parts: [["A", true]], kind_label: "Eventi" };
  assert.deepEqual(
    suggestionsOf({
      results: [
        good,
        { ...good, url: "https://elsewhere.example/" },
        { ...good, url: "//elsewhere.example/" },
        { ...good, title_parts: "A" },
        null,
      ],
    }),
    [good],
  );
  assert.deepEqual(suggestionsOf(null), []);
});

test("arrows go round the options and back to the box", () => {
  assert.equal(moveActive(-1, 3, "ArrowDown"), 0);
  assert.equal(moveActive(2, 3, "ArrowDown"), -1);
  assert.equal(moveActive(-1, 3, "ArrowUp"), 2);
  assert.equal(moveActive(0, 3, "ArrowUp"), -1);
  assert.equal(moveActive(0, 0, "ArrowDown"), -1);
});
