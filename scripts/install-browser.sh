#!/usr/bin/env bash
# Installs what the browser tests (tests/e2e) need, and nothing else:
#   - Debian's `chromium` package, if /usr/bin/chromium is missing (never a browser downloaded
#     from elsewhere: Playwright drives this one through executable_path);
#   - frontend/node_modules (axe-core, Bootstrap Italia, ical.js, esbuild) with `npm ci`, if missing.
# Idempotent: run it as often as you like. Needs root (or sudo) only to install Chromium.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if [ -x /usr/bin/chromium ]; then
  echo "chromium: already installed ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown'))"
else
  if ! command -v apt-get >/dev/null; then
    echo "chromium: /usr/bin/chromium is missing and apt-get is not available; install Chromium with your system's package manager" >&2
    exit 1
  fi
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "chromium: run this script as root (or install sudo)" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "chromium: installing the Debian package with apt-get"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  [ -x /usr/bin/chromium ] || { echo "chromium: installed, but /usr/bin/chromium is still missing" >&2; exit 1; }
  echo "chromium: installed ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown'))"
fi

if [ -f "$root/frontend/node_modules/axe-core/axe.min.js" ] && [ -f "$root/frontend/node_modules/ical.js/package.json" ] \
  && [ -f "$root/frontend/node_modules/esbuild/package.json" ]; then
  echo "frontend/node_modules: already present"
else
  command -v npm >/dev/null || { echo "frontend: npm is not installed (Node.js 20 or later is needed)" >&2; exit 1; }
  echo "frontend/node_modules: running npm ci"
  (cd "$root/frontend" && npm ci --no-audit --no-fund)
fi

axe="$root/frontend/node_modules/axe-core/axe.min.js"
[ -f "$axe" ] || { echo "frontend: $axe is missing after npm ci" >&2; exit 1; }
echo "axe-core: $axe"
ical="$root/frontend/node_modules/ical.js/package.json"
[ -f "$ical" ] || { echo "frontend: $ical is missing after npm ci" >&2; exit 1; }
echo "ical.js: $ical"
