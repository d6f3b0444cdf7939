// The GAF chat's page-free rules (frontend/src/chat-core.js).

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  insertMention,
  isLocalPath,
  isSafeLink,
  matchMembers,
  mentionQuery,
  newClientId,
  parseAttachment,
} from "../src/chat-core.js";

const MEMBERS = [
  { id: 1, name: "Anna Maria Bianchi" },
  { id: 2, name: "Famiglia Rossi" },
  { id: 3, name: "Élodie Ferrero" },
];

test("the @query before the caret", () => {
  assert.deepEqual(mentionQuery("ciao @Ro", 8), { start: 5, query: "Ro" });
  assert.deepEqual(mentionQuery("@", 1), { start: 0, query: "" });
  assert.deepEqual(mentionQuery("ciao @Famiglia Ro", 17), { start: 5, query: "Famiglia Ro" });
  assert.equal(mentionQuery("scrivi a anna@example.org", 25), null);
  assert.equal(mentionQuery("ciao @Ro e poi", 14), null);
});

test("members match by the start of any word, accents and case aside", () => {
  assert.deepEqual(
    matchMembers(MEMBERS, "ro").map((m) => m.id),
    [2],
  );
  assert.deepEqual(
    matchMembers(MEMBERS, "elo").map((m) => m.id),
    [3],
  );
  assert.deepEqual(
    matchMembers(MEMBERS, "", { exclude: 2 }).map((m) => m.id),
    [1, 3],
  );
});

test("a mention replaces the query and puts the caret after it", () => {
  assert.deepEqual(insertMention("ciao @Ro!", 5, 8, "Famiglia Rossi"), {
    text: "ciao @Famiglia Rossi !",
    caret: 21,
  });
});

test("client ids are UUIDs, links http(s) only, cards local paths only", () => {
  const fake = { getRandomValues: (bytes) => bytes.fill(0xab) };
  assert.match(newClientId(fake), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(isSafeLink("https://esempio.it/a?b=1"));
  assert.ok(!isSafeLink("javascript:alert(1)"));
  assert.ok(!isSafeLink("https://a.it/ x"));
  assert.ok(isLocalPath("/gaf/bruino/giri/3/"));
  assert.ok(!isLocalPath("//evil.example/"));
  assert.ok(!isLocalPath("https://evil.example/"));
  assert.deepEqual(parseAttachment("product:12"), { kind: "product", id: 12 });
  assert.equal(parseAttachment("user:1"), null);
});
