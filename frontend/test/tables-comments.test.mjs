// The live comments' rules: only new comments are added, each under its parent.
// Run with `npm test` (node --test); tests/hub/test_frontend_bundles.py runs it in the suite.

import assert from "node:assert/strict";
import { test } from "node:test";

import { nextDelay, nextLastId, placements } from "../src/tables-comments-core.js";

test("comments already shown are not added again, and each keeps its parent", () => {
  const payload = {
    comments: [
      { id: 4, parent: null, html: "<li>4</li>" },
      { id: 5, parent: 4, html: "<li>5</li>" },
      { id: 6, parent: null, html: "<li>6</li>" },
    ],
    last_id: 6,
  };
  assert.deepEqual(placements(payload, [4]), [
    { id: 5, parent: 4, html: "<li>5</li>" },
    { id: 6, parent: null, html: "<li>6</li>" },
  ]);
});

test("a bad answer adds nothing", () => {
  assert.deepEqual(placements(null, []), []);
  assert.deepEqual(placements({ comments: "x" }, []), []);
  assert.deepEqual(placements({ comments: [{ id: "7", html: "<li></li>" }, { id: 8 }] }, []), []);
});

test("the last id never goes backwards", () => {
  assert.equal(nextLastId(10, { last_id: 12 }), 12);
  assert.equal(nextLastId(10, { last_id: 3 }), 10);
  assert.equal(nextLastId(10, { last_id: "15" }), 10);
  assert.equal(nextLastId(10, null), 10);
});

test("polling slows down after failures, up to five minutes", () => {
  assert.equal(nextDelay(10000, 0), 10000);
  assert.equal(nextDelay(10000, 1), 20000);
  assert.equal(nextDelay(10000, 50), 300000);
});
