#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (test/integration/status-page.test.ts drives it
# headless through puppeteer-core), unless a chromium is already there. Called by `npm run
# test:setup`, so `npm ci && npm test` works on a fresh Debian machine. Prints the binary's path.
#
#   scripts/tools/chromium.sh             # install if missing, print the path
#   CHROMIUM=/path/to/chrome scripts/tools/chromium.sh   # use that one, install nothing
set -euo pipefail

log() { printf '[chromium] %s\n' "$*" >&2; }

find_chromium() {
  if [ -n "${CHROMIUM:-}" ]; then
    [ -x "$CHROMIUM" ] && { echo "$CHROMIUM"; return 0; }
    log "CHROMIUM=$CHROMIUM is not an executable"
    return 1
  fi
  for name in chromium chromium-browser; do
    command -v "$name" 2>/dev/null && return 0
  done
  return 1
}

if path="$(find_chromium)"; then
  echo "$path"
  exit 0
fi
[ -n "${CHROMIUM:-}" ] && exit 1

command -v apt-get >/dev/null ||
  { log "chromium is missing and this is not a Debian-like machine: install chromium, or set CHROMIUM"; exit 1; }
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { log "chromium is missing: run 'apt-get install -y chromium' as root"; exit 1; }
  SUDO=sudo
fi

export DEBIAN_FRONTEND=noninteractive
log "installing Debian's chromium (headless browser tests)"
# The package lists may be missing or stale on a fresh machine: update once, then retry.
if ! $SUDO apt-get install -y --no-install-recommends chromium >&2; then
  $SUDO apt-get update >&2
  $SUDO apt-get install -y --no-install-recommends chromium >&2
fi
find_chromium || { log "chromium was installed but no chromium binary is on PATH"; exit 1; }
