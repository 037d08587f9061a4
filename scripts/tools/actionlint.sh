#!/usr/bin/env bash
# Builds actionlint (the GitHub workflow linter) from the Go module proxy once, caches it, and
# runs it with the given arguments. CI and the tests call this; nothing is installed globally.
set -euo pipefail
VERSION=v1.7.12
CACHE="${STREAMPLANE_CACHE:-$HOME/.cache/streamplane}/tools/actionlint-$VERSION"
if [ ! -x "$CACHE/actionlint" ]; then
  command -v go >/dev/null || { echo "actionlint: Go is needed to build it (install Go 1.22+)" >&2; exit 127; }
  mkdir -p "$CACHE"
  GOBIN="$CACHE" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@$VERSION" >&2
fi
exec "$CACHE/actionlint" "$@"
