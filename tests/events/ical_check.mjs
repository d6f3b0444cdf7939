// Expands an iCalendar feed with Mozilla's ical.js (Thunderbird's parser) and prints every
// occurrence as JSON, for tests/events/test_parsers_agree.py.
//
// Usage: node tests/events/ical_check.mjs < feed.ics
// Output: [{"uid", "start", "end", "start_utc", "end_utc", "status"}, ...] where start/end
// are local times in Europe/Rome ("2026-10-07T18:00") or dates for all-day events
// ("2026-12-05", end exclusive), and *_utc are ISO instants (null for dates).
//
// ical.js comes from frontend/node_modules (npm ci in frontend/); its package's own "import"
// entry point is loaded, as a bundler would.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const packageDir = fileURLToPath(new URL("../../frontend/node_modules/ical.js/", import.meta.url));
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
const { default: ICAL } = await import(pathToFileURL(join(packageDir, manifest.exports.import)));

const MAX_OCCURRENCES = 2000;

function local(time, zone) {
  if (time.isDate) return time.toString();
  return time.convertToZone(zone).toString().slice(0, 16);
}

function utc(time) {
  if (time.isDate) return null;
  return new Date(time.toUnixTime() * 1000).toISOString().slice(0, 16) + "Z";
}

const text = readFileSync(0, "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));
for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(vtimezone);
}
const rome = ICAL.TimezoneService.get("Europe/Rome");
if (!rome) throw new Error("the feed has no VTIMEZONE for Europe/Rome");

const found = [];
function add(uid, start, end, item) {
  found.push({
    uid,
    start: local(start, rome),
    end: local(end, rome),
    start_utc: utc(start),
    end_utc: utc(end),
    status: item.component.getFirstPropertyValue("status"),
  });
}

for (const vevent of calendar.getAllSubcomponents("vevent")) {
  // Overrides (RECURRENCE-ID) are related to their master by ICAL.Event itself.
  if (vevent.hasProperty("recurrence-id")) continue;
  const event = new ICAL.Event(vevent);
  if (!event.isRecurring()) {
    add(event.uid, event.startDate, event.endDate, event);
    continue;
  }
  const iterator = event.iterator();
  let count = 0;
  for (let next = iterator.next(); next; next = iterator.next()) {
    if (++count > MAX_OCCURRENCES) throw new Error(`${event.uid}: unbounded series`);
    const details = event.getOccurrenceDetails(next);
    add(event.uid, details.startDate, details.endDate, details.item);
  }
}

process.stdout.write(JSON.stringify(found));
