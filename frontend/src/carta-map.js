// The map of the "Negozi di buon vicinato" (carta/templates/carta/directory_map.html): the
// outlets of the page's server-rendered JSON as Leaflet markers on OpenStreetMap's tiles,
// each opening a popup with the shop's name, the address and a link to the shop's page.
// The page lists the same outlets without this script; when the tiles do not load the
// markers are still there, over a grey map.

import "leaflet/dist/leaflet.css";
import "./carta-map.css";
import { control, icon, map as leafletMap, marker, tileLayer } from "leaflet/dist/leaflet-src.esm.js";
import iconRetinaUrl from "leaflet/dist/images/marker-icon-2x.png";
import iconUrl from "leaflet/dist/images/marker-icon.png";
import shadowUrl from "leaflet/dist/images/marker-shadow.png";

import { boundsOf, placed } from "./carta-map-core.js";

const TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
const ATTRIBUTION =
  '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

// The images as the page's static files name them (hashed in production); the bundle's own
// names, next to this module, otherwise.
function imageUrl(given, bundled) {
  return given || new URL(bundled, import.meta.url).href;
}

function popupOf(outlet, texts) {
  const box = document.createElement("div");
  const name = document.createElement("strong");
  name.textContent = outlet.shop;
  const where = document.createElement("p");
  where.className = "my-1";
  where.textContent = `${outlet.name}: ${outlet.address}, ${outlet.municipality}`;
  const link = document.createElement("a");
  link.href = outlet.url;
  link.textContent = texts.shopLink;
  box.append(name, where, link);
  return box;
}

function setup(container) {
  const data = document.getElementById(container.dataset.cartaMap);
  let outlets;
  try {
    outlets = placed(JSON.parse(data ? data.textContent : "[]"));
  } catch {
    return;
  }
  const bounds = boundsOf(outlets);
  if (!bounds) return;
  const texts = container.dataset;
  container.hidden = false;
  const map = leafletMap(container, { scrollWheelZoom: false, zoomControl: false });
  map.attributionControl.setPrefix(false);
  control.zoom({ zoomInTitle: texts.zoomIn, zoomOutTitle: texts.zoomOut }).addTo(map);
  tileLayer(TILES, { maxZoom: 19, attribution: ATTRIBUTION }).addTo(map);
  const pin = icon({
    iconUrl: imageUrl(texts.icon, iconUrl),
    iconRetinaUrl: imageUrl(texts.iconRetina, iconRetinaUrl),
    shadowUrl: imageUrl(texts.shadow, shadowUrl),
    iconSize: [25, 41],
    iconAnchor: [12, 41],
    popupAnchor: [1, -34],
    shadowSize: [41, 41],
  });
  for (const outlet of outlets) {
    const label = `${outlet.shop}, ${outlet.address}`;
    marker([outlet.lat, outlet.lng], { icon: pin, title: label, alt: label, keyboard: true })
      .bindPopup(popupOf(outlet, texts))
      .addTo(map);
  }
  map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
}

for (const container of document.querySelectorAll("[data-carta-map]")) setup(container);
