// The round page's rules: the running total (on the table gaf.live_totals is checked on
// too: tests/gaf/test_live_totals.py), numbers as the server writes them, the pool's texts,
// and versions. Run with `npm test`; tests/hub/test_frontend_bundles.py runs it in the suite.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  RoundState,
  basketTotal,
  billParts,
  formatEuro,
  formatQuantity,
  parseQuantity,
  poolParts,
  runningTotal,
} from "../src/gaf-round-core.js";

const CASES = JSON.parse(readFileSync(new URL("./basket-cases.json", import.meta.url), "utf8"));
const ITALIAN = { decimal: ",", thousands: ".", grouping: 3 };
const ENGLISH = { decimal: ".", thousands: ",", grouping: 3 };

test("the table of baskets has cases", () => {
  assert.ok(CASES.length >= 10);
});

for (const { name, items, fund_percent: percent, expected } of CASES) {
  test(`running total as the server computes it: ${name}`, () => {
    assert.deepEqual(basketTotal(items, percent), expected);
  });
}

test("the running total counts the other families' pool, not the family's saved quantity twice", () => {
  const products = { 7: { unit_price: "2.40", tiers: [["30", "2.10"]] } };
  // The pool holds 30 kg, 4 of them the family's: with 4 typed it stays at the tier...
  const pools = { 7: { firm: "30" } };
  const atTier = runningTotal({ typed: { 7: "4" }, saved: { 7: "4" }, pools, products, fundPercent: "0" });
  assert.deepEqual(atTier, ["8.40", "0.00", "8.40"]);
  // ...and with 3.5 typed the group falls to 29.5 kg: the base price again.
  const below = runningTotal({ typed: { 7: "3.5" }, saved: { 7: "4" }, pools, products, fundPercent: "0" });
  assert.deepEqual(below, ["8.40", "0.00", "8.40"]);
  const invalid = runningTotal({ typed: { 7: null }, saved: { 7: "4" }, pools, products, fundPercent: "0" });
  assert.deepEqual(invalid, ["0.00", "0.00", "0.00"]);
});

test("quantities are read as the form takes them", () => {
  assert.equal(parseQuantity("1,5"), "1.5");
  assert.equal(parseQuantity(" 2 "), "2");
  assert.equal(parseQuantity(""), "0");
  assert.equal(parseQuantity("0.125"), "0.125");
  assert.equal(parseQuantity("0.1255"), null);
  assert.equal(parseQuantity("-1"), null);
  assert.equal(parseQuantity("1e3"), null);
});

test("numbers are written as hub.formatting writes them", () => {
  assert.equal(formatQuantity("5.400", ITALIAN), "5,4");
  assert.equal(formatQuantity("6.000", ITALIAN), "6");
  assert.equal(formatQuantity("1500", ITALIAN), "1500");
  assert.equal(formatQuantity("1.125", ENGLISH), "1.125");
  assert.equal(formatEuro("2.1", ITALIAN), "2,10");
  assert.equal(formatEuro("1.1250", ITALIAN), "1,125");
  assert.equal(formatEuro("1234.50", ITALIAN), "1.234,50");
  assert.equal(formatEuro("1234567.5", ENGLISH), "1,234,567.50");
  assert.equal(formatEuro("-3.00", ITALIAN), "-3,00");
});

const STRINGS = {
  pooled: "Il gruppo ne ha ordinati %(firm)s %(unit)s",
  pooled_tolerance: "(più %(tolerance)s %(unit)s di tolleranza)",
  remaining: "Ancora disponibili: %(remaining)s %(unit)s.",
  case_missing: "mancano %(missing)s %(unit)s per completare la cassa",
  case_new: "servono %(missing)s %(unit)s per una nuova cassa",
  full_cases: ["%(cases)s cassa completa", "%(cases)s casse complete"],
  no_full_case: "Nessuna cassa ancora completa",
  tolerance_completes: "con le tolleranze la cassa si completa",
  case_label: "Cassa in corso di %(name)s",
  next_tier: "Prossimo sconto: da %(minimum)s %(unit)s %(price)s €/%(per_unit)s, mancano %(missing)s %(missing_unit)s.",
  ordered: "Hai ordinato %(firm)s %(unit)s",
  would_receive: "Se il giro chiudesse ora riceveresti %(quantity)s %(unit)s.",
  goods: "Merce",
  fund: "Fondo Solidale (2%)",
  shared: "Spese comuni",
  total: "Totale",
  nothing_yet: "Se il giro chiudesse ora non riceveresti nulla.",
  no_order: "Non hai ancora ordinato nulla.",
};

test("a product's pool reads as the template writes it", () => {
  const product = { name: "Mele", unit: { one: "kg", many: "kg" }, case_size: "6.000" };
  const pool = {
    firm: "7.5",
    tolerance: "1",
    full_cases: 1,
    missing_to_next_case: "4.5",
    case_filled: "1.500",
    case_percent: 25,
    tolerance_completes: false,
    unit_price: "2.40",
    next_tier: ["30.000", "2.1000"],
    missing_to_next_tier: "22.5",
    remaining: null,
  };
  const line = { firm: "2", tolerance: "0", receive: "1.5" };
  const parts = poolParts({ product, pool, line, strings: STRINGS, format: ITALIAN });
  assert.deepEqual(
    parts.map((part) => part.text ?? part.progress.text),
    [
      "Il gruppo ne ha ordinati 7,5 kg (più 1 kg di tolleranza).",
      "1 cassa completa: mancano 4,5 kg per completare la cassa.",
      "mancano 4,5 kg per completare la cassa",
      "Prossimo sconto: da 30 kg 2,10 €/kg, mancano 22,5 kg.",
      "Hai ordinato 2 kg.",
    ],
  );
  assert.equal(parts.at(-1).strong, "Se il giro chiudesse ora riceveresti 1,5 kg.");
  assert.deepEqual(parts[2].progress, {
    percent: 25,
    label: "Cassa in corso di Mele",
    max: "6.000",
    now: "1.500",
    text: "mancano 4,5 kg per completare la cassa",
  });
  const jars = { name: "Miele", unit: { one: "vasetto", many: "vasetti" }, case_size: null };
  const single = poolParts({
    product: jars,
    pool: { ...pool, firm: "1", tolerance: "0", case_filled: null, next_tier: null, remaining: "0" },
    line: null,
    strings: STRINGS,
    format: ITALIAN,
  });
  assert.deepEqual(single.map((part) => part.text), [
    "Il gruppo ne ha ordinati 1 vasetto.",
    "Ancora disponibili: 0 vasetti.",
  ]);
});

test("the bill reads as the template writes it", () => {
  const family = { has_order: true, bill: { goods: "4.00", fund: "0.08", shared: "0.00", total: "4.08" } };
  assert.deepEqual(billParts({ family, strings: STRINGS, format: ITALIAN }).rows, [
    ["Merce", "4,00\u00a0€", false],
    ["Fondo Solidale (2%)", "0,08\u00a0€", false],
    ["Totale", "4,08\u00a0€", true],
  ]);
  assert.deepEqual(billParts({ family: { has_order: true, bill: null }, strings: STRINGS, format: ITALIAN }), {
    text: STRINGS.nothing_yet,
  });
  assert.deepEqual(billParts({ family: { has_order: false, bill: null }, strings: STRINGS, format: ITALIAN }), {
    text: STRINGS.no_order,
  });
});

test("a state not newer than the one shown is ignored", () => {
  const state = new RoundState({ version: 5, pools: { 1: { firm: "6" } }, family: null });
  const family = { lines: {}, has_order: false, bill: null, basket: "0.00" };
  assert.equal(state.apply({ id: 7, pools: { 1: { firm: "9" } }, family }), true);
  // Late (an older change) and repeated: the newer totals stay.
  assert.equal(state.apply({ id: 6, pools: { 1: { firm: "7" } }, family }), false);
  assert.equal(state.apply({ id: 7, pools: { 1: { firm: "8" } }, family }), false);
  assert.equal(state.version, 7);
  assert.deepEqual(state.pools, { 1: { firm: "9" } });
  assert.equal(state.apply({ pools: {}, family }), false);
});
