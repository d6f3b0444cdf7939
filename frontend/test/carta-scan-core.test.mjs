// The card scanner's reading of a QR code. Run with `npm test` (node --test).

import assert from "node:assert/strict";
import { test } from "node:test";

import { cameraErrorKey, cardFromQr } from "../src/carta-scan-core.js";

const TOKEN = "eyJjIjoxLCJnIjoxLCJ4Ijo3NDAwMDB9:AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_x";
const COMPRESSED = ".eJyrVkpUslIyVNJRSlWyMjQwMDAAAC8DBBE:1x2y3z4w5v6u7t8s9r0q-_AbCdEfGh";
const VERIFY = "/carta/verifica/";

test("the card's QR code: the verification page's address with the token", () => {
  assert.deepEqual(cardFromQr(`https://hub.example.it/carta/verifica/?t=${TOKEN}`, VERIFY), {
    token: TOKEN,
  });
  // Another host of the same hub (a card printed from another address) reads the same.
  assert.deepEqual(cardFromQr(`http://127.0.0.1:8000/carta/verifica?t=${COMPRESSED}`, VERIFY), {
    token: COMPRESSED,
  });
  assert.deepEqual(cardFromQr(`  https://x.it/carta/verifica/?a=1&t=${TOKEN}&b=2\n`, VERIFY), {
    token: TOKEN,
  });
});

test("a bare token or a card number is read too", () => {
  assert.deepEqual(cardFromQr(TOKEN, VERIFY), { token: TOKEN });
  assert.deepEqual(cardFromQr("4821 7730 1195", VERIFY), { number: "482177301195" });
});

test("codes that are no card are not submitted", () => {
  for (const text of [
    "",
    "   ",
    "ciao",
    "https://www.comune.example.it/",
    `https://evil.example/altro/?t=${TOKEN}`,
    "https://hub.example.it/carta/verifica/",
    "https://hub.example.it/carta/verifica/?t=non un token",
    `javascript:alert(1)//?t=${TOKEN}`,
    "12345",
    "x".repeat(3000),
    null,
    undefined,
  ]) {
    assert.equal(cardFromQr(text, VERIFY), null, String(text).slice(0, 40));
  }
});

test("camera failures are told apart", () => {
  assert.equal(cameraErrorKey({ name: "NotAllowedError" }), "denied");
  assert.equal(cameraErrorKey({ name: "NotFoundError" }), "missing");
  assert.equal(cameraErrorKey({ name: "NotReadableError" }), "busy");
  assert.equal(cameraErrorKey(new TypeError("x")), "failed");
  assert.equal(cameraErrorKey(undefined), "failed");
});
