#!/usr/bin/env bash
# Installs (or reuses from cache) the Terraform CLI and the Terraform providers streamplane's
# stacks need into a Terraform filesystem mirror, and writes a CLI config that points Terraform
# at that mirror. Offline-friendly: the Confluent provider is the real release binary from
# ../shared/providers (checksums verified); Terraform, Kubernetes and AWS are built from the Go
# module proxy when needed.
#
#   scripts/providers/build.sh                              # terraform + confluent
#   PROVIDERS="confluent kubernetes" scripts/providers/build.sh
#   PROVIDERS="confluent kubernetes aws" BUILD_TIMEOUT=1500 scripts/providers/build.sh
#
# Outputs (under $STREAMPLANE_TF_CACHE, default ~/.cache/streamplane/terraform):
#   bin/terraform                                         the pinned Terraform CLI
#   mirror/registry.terraform.io/<ns>/<name>/<ver>/linux_amd64/terraform-provider-<name>_v<ver>
#   terraformrc                                           use via TF_CLI_CONFIG_FILE
#   plugin-cache/                                         plugin_cache_dir
#   stamps/                                               what was built from what (idempotence)
# Versions: versions.env (the only place). A second run with nothing changed does nothing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

cache="${STREAMPLANE_TF_CACHE:-$HOME/.cache/streamplane/terraform}"
providers_dir="${STREAMPLANE_PROVIDERS_DIR:-$(cd "$here/../.." && pwd)/../shared/providers}"
providers="${PROVIDERS:-confluent}"
build_timeout="${BUILD_TIMEOUT:-1800}"
platform="linux_amd64"
mirror="$cache/mirror"
stamps="$cache/stamps"
mkdir -p "$cache/bin" "$mirror" "$stamps" "$cache/plugin-cache" "$cache/logs"

log() { printf '[providers] %s\n' "$*" >&2; }
die() { printf '[providers] ERROR: %s\n' "$*" >&2; exit 1; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) die "only linux_amd64 is supported (got $(uname -s)-$(uname -m))" ;;
esac

find_go() {
  if [[ -n "${GO:-}" ]]; then echo "$GO"; return; fi
  if command -v go >/dev/null 2>&1; then command -v go; return; fi
  if [[ -x /usr/local/go/bin/go ]]; then echo /usr/local/go/bin/go; return; fi
  echo ""
}
go_bin=""
need_go() {
  [[ -n "$go_bin" ]] && return 0
  go_bin="$(find_go)"
  [[ -n "$go_bin" && -x "$(command -v "$go_bin" || true)" ]] || die "Go is required to build Terraform/providers but was not found (set GO=/path/to/go or install Go >= 1.25)."
  log "using $("$go_bin" version)"
}

# run_build <label> <logfile> <cmd...>: runs a build under `timeout`, recording wall time and
# peak RSS in <logfile> (GNU time when available).
run_build() {
  local label="$1" logfile="$2"; shift 2
  local start end rc=0
  start=$(date +%s)
  if [[ -x /usr/bin/time ]]; then
    timeout "$build_timeout" /usr/bin/time -v "$@" >"$logfile" 2>&1 || rc=$?
  else
    timeout "$build_timeout" "$@" >"$logfile" 2>&1 || rc=$?
  fi
  end=$(date +%s)
  local rss
  rss=$(grep -E 'Maximum resident set size' "$logfile" 2>/dev/null | awk '{print int($NF/1024) " MiB"}' || true)
  if [[ $rc -ne 0 ]]; then
    tail -n 30 "$logfile" >&2 || true
    [[ $rc -eq 124 ]] && die "$label: build exceeded BUILD_TIMEOUT=${build_timeout}s (log: $logfile)"
    die "$label: build failed with exit $rc (log: $logfile)"
  fi
  log "$label: built in $((end - start))s${rss:+, peak RSS $rss}"
}

# module_src <module> <version> <dir>: downloads a module through the proxy into a writable copy.
module_src() {
  local mod="$1" ver="$2" work="$3"
  local dir
  dir=$(GOFLAGS=-mod=mod "$go_bin" mod download -json "$mod@$ver" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -n "$dir" && -d "$dir" ]] || die "could not download $mod@$ver from the Go module proxy"
  rm -rf "$work"
  mkdir -p "$(dirname "$work")"
  cp -r "$dir" "$work"
  chmod -R u+w "$work"
}

stamp_ok() { [[ -f "$stamps/$1" && "$(cat "$stamps/$1")" == "$2" && -x "$3" ]]; }

# ---------------------------------------------------------------- terraform
ensure_terraform() {
  local want="$TERRAFORM_VERSION" target="$cache/bin/terraform"
  local stamp="terraform $want $TERRAFORM_SUBMODULES_VERSION"
  local onpath
  onpath="$(command -v terraform || true)"
  # Read the whole output before matching: `terraform version -json | grep -q` under pipefail
  # fails with 141 whenever grep exits before terraform has finished writing (SIGPIPE).
  local reported=""
  [[ -n "$onpath" && "$onpath" != "$target" ]] && reported="$("$onpath" version -json 2>/dev/null || true)"
  if [[ "$reported" == *"\"terraform_version\": \"$want\""* ]]; then
    if [[ "$(readlink "$target" 2>/dev/null || true)" != "$onpath" ]]; then
      ln -sfn "$onpath" "$target"
      log "terraform: using $onpath ($want), linked as $target"
    else
      log "terraform: up to date ($onpath, $want)"
    fi
    echo "$stamp (PATH $onpath)" >"$stamps/terraform"
    return
  fi
  if stamp_ok terraform "$stamp" "$target" && [[ ! -L "$target" ]]; then
    log "terraform: up to date ($target, $want)"
    return
  fi
  need_go
  log "terraform: $want not on PATH; building github.com/hashicorp/terraform@v$want from the Go module proxy"
  local work="$cache/build/terraform"
  module_src github.com/hashicorp/terraform "v$want" "$work"
  (
    cd "$work"
    # The root go.mod replaces in-repo submodules with ./paths that are absent from the
    # module zip: point them at the proxy's copies of the same commit instead.
    local sub
    for sub in $(sed -n 's/^replace \(github.com\/hashicorp\/terraform\/[^ ]*\) => \..*/\1/p' go.mod); do
      "$go_bin" mod edit -replace "$sub=$sub@$TERRAFORM_SUBMODULES_VERSION"
    done
    # godebug settings removed from newer Go toolchains make go.mod unloadable.
    grep -q '^godebug tlskyber' go.mod && "$go_bin" mod edit -dropgodebug=tlskyber
    rm -f "$target"
    run_build terraform "$cache/logs/terraform.log" env GOFLAGS=-mod=mod "$go_bin" build -trimpath \
      -ldflags "-s -w -X github.com/hashicorp/terraform/version.dev=no" -o "$target" .
  )
  rm -rf "$work"
  echo "$stamp" >"$stamps/terraform"
  log "terraform: installed $target ($(du -h "$target" | cut -f1)) — $("$target" version 2>/dev/null | head -1)"
}

# ---------------------------------------------------------------- providers
provider_path() { # <namespace> <name> <version>
  echo "$mirror/registry.terraform.io/$1/$2/$3/$platform/terraform-provider-$2_v$3"
}

build_go_provider() { # <label> <namespace> <name> <version> <module> <goversion>
  local label="$1" ns="$2" name="$3" ver="$4" mod="$5" gover="$6"
  local target
  target="$(provider_path "$ns" "$name" "$ver")"
  local stamp="$mod@$gover as $ns/$name $ver"
  if stamp_ok "$name" "$stamp" "$target"; then
    log "$label: up to date ($ns/$name $ver from $mod@$gover)"
    return
  fi
  need_go
  log "$label: building $mod@$gover as $ns/$name $ver (timeout ${build_timeout}s)"
  local work="$cache/build/$name"
  module_src "$mod" "$gover" "$work"
  mkdir -p "$(dirname "$target")"
  rm -f "$target"
  (cd "$work" && run_build "$label" "$cache/logs/$name.log" env GOFLAGS="-mod=mod -p=${GO_BUILD_P:-2}" \
    "$go_bin" build -trimpath -ldflags "-s -w" -o "$target" .)
  rm -rf "$work"
  echo "$stamp" >"$stamps/$name"
  log "$label: installed $target ($(du -h "$target" | cut -f1))"
}

# The real confluentinc/confluent release, from the folder of prebuilt providers beside the repo
# (../shared/providers/confluent/<version>/, or $STREAMPLANE_PROVIDERS_DIR/confluent/<version>/).
install_confluent() {
  local ver="$CONFLUENT_PROVIDER_VERSION"
  local dir="$providers_dir/confluent/$ver"
  local archive="terraform-provider-confluent_v${ver}_linux_amd64.gz"
  local binary="terraform-provider-confluent_v${ver}"
  local target
  target="$(provider_path confluentinc confluent "$ver")"
  [[ -f "$dir/$archive" && -f "$dir/SHA256SUMS" ]] ||
    die "confluent: no provider $ver in $dir (expected $archive and SHA256SUMS). That folder holds the real terraform-provider-confluent release beside the repository (../shared/providers); set STREAMPLANE_PROVIDERS_DIR to another copy of it, or on a machine that reaches the Terraform registry run plain \`terraform init\` without TF_CLI_CONFIG_FILE."
  local want_bin want_gz
  want_bin=$(awk -v f="$binary" '$2 == f { print $1 }' "$dir/SHA256SUMS")
  want_gz=$(awk -v f="$archive" '$2 == f { print $1 }' "$dir/SHA256SUMS")
  [[ -n "$want_bin" && -n "$want_gz" ]] || die "confluent: $dir/SHA256SUMS lists no checksum for $binary or $archive"
  local stamp="confluentinc/confluent $ver sha256 $want_bin"
  if stamp_ok confluent "$stamp" "$target" && [[ "$(sha256sum "$target" | cut -d' ' -f1)" == "$want_bin" ]]; then
    log "confluent: up to date ($ver)"
    return
  fi
  [[ "$(sha256sum "$dir/$archive" | cut -d' ' -f1)" == "$want_gz" ]] ||
    die "confluent: $dir/$archive does not match its checksum in SHA256SUMS (a damaged copy: fetch the folder again)"
  mkdir -p "$(dirname "$target")"
  local tmp="$target.tmp.$$"
  gunzip -c "$dir/$archive" >"$tmp"
  if [[ "$(sha256sum "$tmp" | cut -d' ' -f1)" != "$want_bin" ]]; then
    rm -f "$tmp"
    die "confluent: the unpacked $binary does not match its checksum in $dir/SHA256SUMS"
  fi
  chmod 0755 "$tmp"
  mv -f "$tmp" "$target"
  echo "$stamp" >"$stamps/confluent"
  # A binary of the same version from elsewhere may sit in the plugin cache: drop it.
  rm -rf "$cache/plugin-cache/registry.terraform.io/confluentinc/confluent/$ver"
  log "confluent: installed the real provider $ver from $dir"
}

write_cli_config() {
  local includes=() p
  for p in "$mirror"/registry.terraform.io/*/*/; do
    [[ -d "$p" ]] || continue
    p="${p%/}"
    includes+=("\"registry.terraform.io/$(basename "$(dirname "$p")")/$(basename "$p")\"")
  done
  local list
  list=$(IFS=,; echo "${includes[*]}")
  local rc="$cache/terraformrc" tmp
  tmp=$(mktemp "$cache/terraformrc.XXXXXX")
  cat >"$tmp" <<EOF
# Generated by scripts/providers/build.sh: do not edit. Use with TF_CLI_CONFIG_FILE=$rc
# Providers present in the local mirror are only ever installed from it.
plugin_cache_dir = "$cache/plugin-cache"
disable_checkpoint = true

provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = [${list//,/, }]
  }
  direct {
    exclude = [${list//,/, }]
  }
}
EOF
  if [[ -f "$rc" ]] && cmp -s "$tmp" "$rc"; then
    rm -f "$tmp"
    log "cli config: up to date ($rc)"
  else
    mv "$tmp" "$rc"
    log "cli config: wrote $rc"
  fi
}

# Providers first: a missing or damaged provider folder stops here, before any Terraform build.
for p in $providers; do
  case "$p" in
    confluent) install_confluent ;;
    kubernetes) build_go_provider kubernetes hashicorp kubernetes "$KUBERNETES_PROVIDER_VERSION" "$KUBERNETES_GO_MODULE" "$KUBERNETES_GO_VERSION" ;;
    aws) build_go_provider aws hashicorp aws "$AWS_PROVIDER_VERSION" "$AWS_GO_MODULE" "$AWS_GO_VERSION" ;;
    *) die "unknown provider '$p' (known: confluent kubernetes aws)" ;;
  esac
done
ensure_terraform
write_cli_config
log "done: export TF_CLI_CONFIG_FILE=$cache/terraformrc; terraform is $cache/bin/terraform"
