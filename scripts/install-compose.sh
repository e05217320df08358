#!/usr/bin/env bash
# Installs Docker Compose v2 (the `docker compose` CLI plugin) at a pinned version, built from the
# Go module proxy (github.com/docker/compose/v2, ./cmd), for the container tests and
# docker/compose.local.yaml. Idempotent: when `docker compose version` already reports the pinned
# version, nothing happens. The plugin goes to $DOCKER_CONFIG/cli-plugins/docker-compose (default
# ~/.docker/cli-plugins), where the docker CLI finds it; the built binary is kept under
# ~/.cache/ballast/compose/VERSION. Needs Go (1.21 or later) for the first build.
#
#   scripts/install-compose.sh
#
# Why not Debian's docker-compose (1.29, the Python tool): it refuses compose.yaml's top-level
# `name`, and it refuses a service with both published ports (compose.yaml) and host networking
# (compose.local.yaml), which Compose v2 accepts (the ports are then moot).
set -euo pipefail

VERSION=v2.28.1

plugins="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
plugin="$plugins/docker-compose"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/ballast/compose/$VERSION"

if docker compose version 2>/dev/null | grep -q "version $VERSION\$"; then
  echo "install-compose: docker compose $VERSION is installed" >&2
  exit 0
fi

if [[ ! -x "$cache/docker-compose" ]]; then
  command -v go >/dev/null || { echo "install-compose: go is missing (it builds Compose from the Go module proxy)" >&2; exit 1; }
  echo "install-compose: building docker compose $VERSION from the Go module proxy (a few minutes the first time)" >&2
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  GOBIN="$tmp" GOFLAGS=-mod=mod CGO_ENABLED=0 go install \
    -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=$VERSION" \
    "github.com/docker/compose/v2/cmd@$VERSION"
  mkdir -p "$cache"
  mv -f "$tmp/cmd" "$cache/docker-compose"
fi
mkdir -p "$plugins"
cp -f "$cache/docker-compose" "$plugin.part" && mv -f "$plugin.part" "$plugin"
docker compose version >&2
