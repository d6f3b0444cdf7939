// The shops' map: which outlets get a marker, and the view around them. Run with `npm test`.

import assert from "node:assert/strict";
import { test } from "node:test";

import { boundsOf, placed } from "../src/carta-map-core.js";

test("only outlets with a real position get a marker", () => {
  const good = { shop: "Forno", lat: 45.01, lng: 7.52 };
  assert.deepEqual(
    placed([
      good,
      { shop: "Senza", lat: null, lng: null },
      { shop: "Testo", lat: "45", lng: "7" },
      { shop: "Fuori", lat: 91, lng: 7 },
      null,
    ]),
    [good],
  );
  assert.deepEqual(placed("nope"), []);
});

test("the map opens around every marker", () => {
  assert.equal(boundsOf([]), null);
  assert.deepEqual(
    boundsOf([
      { lat: 45.02, lng: 7.5 },
      { lat: 45.01, lng: 7.53 },
    ]),
    [
      [45.01, 7.5],
      [45.02, 7.53],
    ],
  );
});
