// The page-free rules of a GAF round's live order page (gaf-round.js draws them):
//
// - money and quantities as exact decimals (BigInt, never floats: a float cannot hold 0.10,
//   and the family must read the cents the server charges);
// - the running total while the family types: its firm quantities at the price tier the
//   group reaches with them, plus the Fondo Solidale's share (gaf.live_totals.basket_total,
//   the same rule; frontend/test/basket-cases.json is the table both are checked on);
// - numbers written as the server writes them (hub.formatting: "5,4", "1.234,50");
// - the texts of a product's pool and of the family's bill, from the data the server sends
//   (gaf.consumers.RoundPoolConsumer) and the page's translated strings;
// - the versions: an update not newer than the one shown is ignored.

// --- Exact decimals ------------------------------------------------------------------------

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

// "2.40" -> { value: 240n, places: 2 }; null when not a plain decimal.
export function parseDecimal(text) {
  const match = DECIMAL.exec(String(text));
  if (!match) return null;
  const [, sign, whole, fraction = ""] = match;
  const value = BigInt(whole + fraction);
  return { value: sign ? -value : value, places: fraction.length };
}

function scaled(text, places) {
  const number = parseDecimal(text);
  if (number === null) throw new Error(`not a decimal: ${text}`);
  if (number.places > places) throw new Error(`more than ${places} places: ${text}`);
  return number.value * 10n ** BigInt(places - number.places);
}

// A whole number of 10^-places back to a decimal string with exactly `places` places.
function decimalText(value, places) {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(places + 1, "0");
  const text = places ? `${digits.slice(0, -places)}.${digits.slice(-places)}` : digits;
  return negative ? `-${text}` : text;
}

// Halves away from zero (ROUND_HALF_UP), for a value that is not negative.
function roundHalfUp(value, divisor) {
  return (value + divisor / 2n) / divisor;
}

export function compareDecimals(a, b) {
  const places = Math.max(parseDecimal(a).places, parseDecimal(b).places);
  const difference = scaled(a, places) - scaled(b, places);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

function addDecimals(a, b, places) {
  return decimalText(scaled(a, places) + scaled(b, places), places);
}

function subtractDecimals(a, b, places) {
  return decimalText(scaled(a, places) - scaled(b, places), places);
}

// What a family types in a quantity field: "1,5", "1.5", "2", "" (none). The normalised
// decimal string, or null when it is not a quantity the server could take (negative, more
// than three places, not a number).
export function parseQuantity(text) {
  const trimmed = String(text ?? "").trim();
  if (trimmed === "") return "0";
  const match = /^(\d+)(?:[.,](\d{0,3}))?$/.exec(trimmed);
  if (!match) return null;
  return match[2] ? `${match[1]}.${match[2]}` : match[1];
}

// --- The price rule (gaf.money.line_price, fund_share) -------------------------------------

const QUANTITY_PLACES = 3;
const PRICE_PLACES = 4;
const PERCENT_PLACES = 2;

// The unit price the group's pooled quantity reaches: the tier with the highest minimum
// not above it, else the base price.
export function tierPrice(pooled, basePrice, tiers) {
  let best = null;
  for (const [minimum, price] of tiers) {
    if (compareDecimals(pooled, minimum) >= 0 && (best === null || compareDecimals(minimum, best[0]) > 0)) {
      best = [minimum, price];
    }
  }
  return best === null ? basePrice : best[1];
}

// A line's total in cents: quantity × the tier's unit price, rounded to the cent.
function lineCents(quantity, pooled, basePrice, tiers) {
  const price = tierPrice(pooled, basePrice, tiers);
  const exact = scaled(quantity, QUANTITY_PLACES) * scaled(price, PRICE_PLACES);
  return roundHalfUp(exact, 10n ** BigInt(QUANTITY_PLACES + PRICE_PLACES - 2));
}

function fundCents(goodsCents, percent) {
  return roundHalfUp(goodsCents * scaled(percent, PERCENT_PLACES), 10n ** BigInt(PERCENT_PLACES + 2));
}

// items: [firm, others, basePrice, tiers] (decimal strings; tiers [[minimum, price], ...]).
// Returns [goods, fund, total] as decimal strings with two places.
export function basketTotal(items, fundPercent) {
  let goods = 0n;
  for (const [firm, others, basePrice, tiers] of items) {
    const pooled = addDecimals(others, firm, QUANTITY_PLACES);
    goods += lineCents(firm, pooled, basePrice, tiers);
  }
  const fund = fundCents(goods, fundPercent);
  return [decimalText(goods, 2), decimalText(fund, 2), decimalText(goods + fund, 2)];
}

// The running total of what the family has typed. `typed` maps a product id to the typed
// firm quantity (a parseQuantity result; null when invalid, left out of the total);
// `products` to its terms ({unit_price, tiers}); `pools` to the group's pool (`firm`
// counts the family's saved quantity, `saved` maps a product to that quantity).
export function runningTotal({ typed, saved, pools, products, fundPercent }) {
  const items = [];
  for (const [id, firm] of Object.entries(typed)) {
    const product = products[id];
    const pool = pools[id];
    if (firm === null || !product || !pool || compareDecimals(firm, "0") === 0) continue;
    const others = subtractDecimals(pool.firm, saved[id] ?? "0", QUANTITY_PLACES);
    items.push([firm, others, product.unit_price, product.tiers]);
  }
  return basketTotal(items, fundPercent);
}

// --- Numbers as the pages write them (hub.formatting) --------------------------------------

function splitNumber(text) {
  const { value, places } = parseDecimal(text);
  const digits = decimalText(value < 0n ? -value : value, places);
  const [whole, fraction = ""] = digits.split(".");
  return { negative: value < 0n, whole, fraction: fraction.replace(/0+$/, "") };
}

function group(whole, separator, size) {
  if (!size || !separator) return whole;
  let out = "";
  for (let end = whole.length; end > 0; end -= size) {
    const start = Math.max(0, end - size);
    out = whole.slice(start, end) + (out ? separator + out : "");
  }
  return out;
}

// "5,4", "6", "1,125": as many places as the value has, no thousands separator.
export function formatQuantity(text, format) {
  const { negative, whole, fraction } = splitNumber(text);
  const body = fraction ? `${whole}${format.decimal}${fraction}` : whole;
  return negative ? `-${body}` : body;
}

// "2,10", "1,125", "1.234,50": two places at least, thousands grouped.
export function formatEuro(text, format) {
  const { negative, whole, fraction } = splitNumber(text);
  const body = `${group(whole, format.thousands, format.grouping)}${format.decimal}${fraction.padEnd(2, "0")}`;
  return negative ? `-${body}` : body;
}

// "1.234,50 €" (a no-break space between).
export function formatMoney(text, format) {
  return `${formatEuro(text, format)}\u00a0€`;
}

// The unit after a quantity: "1 vasetto", "3 vasetti" (gaf.units.unit_text); without a
// quantity, as in "€/vasetto".
export function unitText(unit, quantity) {
  if (quantity === undefined || quantity === null) return unit.one;
  return compareDecimals(quantity, "1") === 0 ? unit.one : unit.many;
}

// "%(name)s" filled from `values`, "%%" a percent sign (Django's blocktranslate strings).
export function interpolate(template, values) {
  return template.replace(/%(?:\((\w+)\)s|%)/g, (whole, name) => (name === undefined ? "%" : String(values[name])));
}

// Italian and English plurals: the first form for one, the second for any other number.
export function plural(forms, count) {
  return interpolate(count === 1 ? forms[0] : forms[1], { cases: count });
}

// --- What the pool and the bill read -------------------------------------------------------

// The paragraphs of a product's pool (gaf/templates/gaf/includes/product_pool.html, while
// the round takes orders), as plain data for gaf-round.js to draw:
// [{text, className, strong?}] and, for products sold by the case, a progress entry.
export function poolParts({ product, pool, line, strings, format }) {
  const q = (value) => formatQuantity(value, format);
  const unit = (value) => unitText(product.unit, value);
  const parts = [];
  let group = interpolate(strings.pooled, { firm: q(pool.firm), unit: unit(pool.firm) });
  if (compareDecimals(pool.tolerance, "0") !== 0) {
    group += ` ${interpolate(strings.pooled_tolerance, { tolerance: q(pool.tolerance), unit: unit(pool.tolerance) })}`;
  }
  parts.push({ className: "mb-1", text: `${group}.` });
  if (pool.remaining !== null) {
    parts.push({
      className: "small mb-1",
      text: interpolate(strings.remaining, { remaining: q(pool.remaining), unit: unit(pool.remaining) }),
    });
  }
  if (pool.case_filled !== null) {
    const missing = { missing: q(pool.missing_to_next_case), unit: unit(pool.missing_to_next_case) };
    const caseText = interpolate(
      compareDecimals(pool.case_filled, "0") !== 0 ? strings.case_missing : strings.case_new,
      missing,
    );
    const cases = pool.full_cases ? plural(strings.full_cases, pool.full_cases) : strings.no_full_case;
    const completes = pool.tolerance_completes ? `; ${strings.tolerance_completes}` : "";
    parts.push({ className: "small mb-1", text: `${cases}: ${caseText}${completes}.` });
    parts.push({
      progress: {
        percent: pool.case_percent,
        label: interpolate(strings.case_label, { name: product.name }),
        max: product.case_size,
        now: pool.case_filled,
        text: caseText,
      },
    });
  }
  if (pool.next_tier !== null) {
    const [minimum, price] = pool.next_tier;
    parts.push({
      className: "small mb-1",
      text: interpolate(strings.next_tier, {
        minimum: q(minimum),
        price: formatEuro(price, format),
        missing: q(pool.missing_to_next_tier),
        unit: unit(minimum),
        per_unit: unitText(product.unit),
        missing_unit: unit(pool.missing_to_next_tier),
      }),
    });
  }
  const ordered = line && (compareDecimals(line.firm, "0") !== 0 || compareDecimals(line.tolerance, "0") !== 0);
  if (ordered) {
    let mine = interpolate(strings.ordered, { firm: q(line.firm), unit: unit(line.firm) });
    if (compareDecimals(line.tolerance, "0") !== 0) {
      mine += ` ${interpolate(strings.pooled_tolerance, { tolerance: q(line.tolerance), unit: unit(line.tolerance) })}`;
    }
    parts.push({
      className: "small mb-1",
      text: `${mine}.`,
      strong: interpolate(strings.would_receive, { quantity: q(line.receive), unit: unit(line.receive) }),
    });
  }
  return parts;
}

// The family's bill if the round closed now (gaf/templates/gaf/includes/order_totals_body.html):
// {rows: [[label, amount, bold]]} or {text} when there is no bill.
export function billParts({ family, strings, format }) {
  const bill = family.bill;
  if (!bill) return { text: family.has_order ? strings.nothing_yet : strings.no_order };
  const rows = [
    [strings.goods, formatMoney(bill.goods, format), false],
    [strings.fund, formatMoney(bill.fund, format), false],
  ];
  if (compareDecimals(bill.shared, "0") !== 0) rows.push([strings.shared, formatMoney(bill.shared, format), false]);
  rows.push([strings.total, formatMoney(bill.total, format), true]);
  return { rows };
}

// --- Versions ------------------------------------------------------------------------------

// The state the page shows: the round's pools and the family's part at `version` (the
// round's change number). An update not newer than the one shown is ignored, so a late or
// repeated one never brings back an older total.
export class RoundState {
  constructor({ version = 0, pools = {}, family = null } = {}) {
    Object.assign(this, { version, pools, family });
  }

  // True when `message` ({id, pools, family}) was newer and is now the state.
  apply(message) {
    if (typeof message.id !== "number" || message.id <= this.version) return false;
    this.version = message.id;
    this.pools = message.pools;
    this.family = message.family;
    return true;
  }
}
