// The outlets the directory's map shows, as pure functions (no DOM, no Leaflet).

/** The outlets with a usable position (the others stay in the page's list only). */
export function placed(outlets) {
  if (!Array.isArray(outlets)) return [];
  return outlets.filter(
    (outlet) =>
      outlet &&
      Number.isFinite(outlet.lat) &&
      Number.isFinite(outlet.lng) &&
      Math.abs(outlet.lat) <= 90 &&
      Math.abs(outlet.lng) <= 180,
  );
}

/** [[south, west], [north, east]] around the outlets, or null without any. */
export function boundsOf(outlets) {
  if (outlets.length === 0) return null;
  const lats = outlets.map((outlet) => outlet.lat);
  const lngs = outlets.map((outlet) => outlet.lng);
  return [
    [Math.min(...lats), Math.min(...lngs)],
    [Math.max(...lats), Math.max(...lngs)],
  ];
}
