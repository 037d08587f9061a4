#!/usr/bin/env bash
# Regenerates stacks/.gen/providers/confluent from the provider binary in the local mirror
# (built by build.sh, which this runs first: a no-op when everything is cached).
# Deterministic: running it twice leaves no git diff.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
PROVIDERS="${PROVIDERS:-confluent}" "$here/build.sh"
cd "$repo"
exec npx --no-install tsx scripts/providers/generate-bindings.ts
