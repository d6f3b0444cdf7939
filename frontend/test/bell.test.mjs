// The bell's rules: which messages move the count, what is announced.
// Run with `npm test` (node --test); tests/hub/test_frontend_bundles.py runs it in the suite.

import assert from "node:assert/strict";
import { test } from "node:test";

import { announcementOf, bellLabel, countText, unreadOf } from "../src/bell.js";

test("the count comes from hello, unread and notification messages only", () => {
  assert.equal(unreadOf({ type: "hello", user: 1, unread: 3 }), 3);
  assert.equal(unreadOf({ type: "unread", unread: 0 }), 0);
  assert.equal(unreadOf({ type: "notification", id: 9, title: "x", unread: 4 }), 4);
  assert.equal(unreadOf({ type: "pong" }), null);
  assert.equal(unreadOf({ type: "error", code: "unknown_type", unread: 2 }), null);
});

test("a bad count is ignored", () => {
  for (const unread of [-1, 1.5, "3", null, undefined]) {
    assert.equal(unreadOf({ type: "unread", unread }), null);
  }
});

test("a new notification is announced by its title", () => {
  const template = "Nuova notifica: {title}";
  assert.equal(
    announcementOf({ type: "notification", title: "Giro chiuso" }, template),
    "Nuova notifica: Giro chiuso",
  );
  assert.equal(announcementOf({ type: "unread", unread: 1 }, template), null);
});

test("the badge and the label", () => {
  assert.equal(countText(7), "7");
  assert.equal(countText(120), "99+");
  const labels = { some: "Notifiche: {n} da leggere", none: "Notifiche: nessuna da leggere" };
  assert.equal(bellLabel(2, labels), "Notifiche: 2 da leggere");
  assert.equal(bellLabel(0, labels), "Notifiche: nessuna da leggere");
});
