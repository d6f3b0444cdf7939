// Bundles the hub's own JavaScript (frontend/src/) with esbuild into hub/static/hub/, where
// templates load it as <script type="module" src="...">. The output is committed, so that
// Python alone serves the hub; tests/hub/test_frontend_bundles.py checks it is up to date.
//
//   node bundles.mjs [outdir]     (build.mjs calls it too, with the default outdir)

import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_OUTDIR = path.resolve(here, "..", "hub", "static", "hub");

// name in hub/static/hub/ (without .js) -> entry module
export const BUNDLES = {
  "gaf-chat": "src/gaf-chat.js",
  "gaf-round": "src/gaf-round.js",
  "notification-bell": "src/notification-bell.js",
  "search-suggest": "src/search-suggest.js",
  "tables-comments": "src/tables-comments.js",
};

// Bundles carrying large libraries, minified: the co-editor (Tiptap, ProseMirror, Yjs) is
// 1.1 MB as written and about a third of that minified.
export const MINIFIED_BUNDLES = {
  "carta-scan": "src/carta-scan.js",
  "coedit-editor": "src/coedit-editor.js",
};

// Bundles with their stylesheet and images: the directory's map (Leaflet) writes
// carta-map.js, carta-map.css and Leaflet's images in leaflet/ (names without a hash:
// Django's static files storage adds its own).
export const ASSET_BUNDLES = {
  "carta-map": "src/carta-map.js",
};

function entries(bundles) {
  return Object.fromEntries(
    Object.entries(bundles).map(([name, entry]) => [name, path.join(here, entry)]),
  );
}

export async function buildBundles(outdir = DEFAULT_OUTDIR) {
  const options = {
    outdir,
    bundle: true,
    format: "esm",
    target: ["es2020"],
    charset: "utf8",
    legalComments: "none",
    banner: { js: "// Built by frontend/bundles.mjs (esbuild) from frontend/src/: do not edit." },
    logLevel: "warning",
  };
  await build({ ...options, entryPoints: entries(BUNDLES) });
  await build({ ...options, entryPoints: entries(MINIFIED_BUNDLES), minify: true });
  const assets = await build({
    ...options,
    entryPoints: entries(ASSET_BUNDLES),
    minify: true,
    legalComments: "inline", // Leaflet's copyright notice (BSD-2-Clause) stays with it
    loader: { ".png": "file" },
    assetNames: "leaflet/[name]",
    metafile: true,
  });
  return [
    ...Object.keys({ ...BUNDLES, ...MINIFIED_BUNDLES }).map((name) =>
      path.join(outdir, `${name}.js`),
    ),
    ...Object.keys(assets.metafile.outputs)
      .filter((file) => !file.endsWith(".map"))
      .map((file) => path.resolve(file)),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const written = await buildBundles(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  for (const file of written) console.log(`bundle written: ${path.relative(process.cwd(), file)}`);
}
