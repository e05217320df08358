#!/usr/bin/env bash
# Makes a Docker engine available for the container tests (docker/README.md, "Container tests"),
# idempotently:
#   - a daemon that already answers `docker info` is left alone (nothing is installed or started);
#   - otherwise Debian's docker.io is installed when dockerd is missing, and dockerd is started in the
#     background without a bridge network, NAT or iptables rules (containers run with --network host,
#     so all their traffic stays on the machine's loopback), logging to $BALLAST_DOCKERD_LOG;
#   - debootstrap (docker/build-images.sh makes its base images with it) is installed when missing,
#     and Docker Compose v2 (scripts/install-compose.sh: the `docker compose` plugin, built once from
#     the Go module proxy) when `docker compose` is not the pinned version.
# Needs root for the installs and the daemon. Exit 0 when `docker info` answers at the end, else 1.
#
#   scripts/start-docker.sh
#   BALLAST_DOCKERD_LOG=/var/log/dockerd.log scripts/start-docker.sh
set -euo pipefail

log="${BALLAST_DOCKERD_LOG:-/var/log/ballast-dockerd.log}"

need=()
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
if ! docker info >/dev/null 2>&1 && ! command -v dockerd >/dev/null 2>&1; then
  need+=(docker.io)
fi
if ((${#need[@]})); then
  echo "start-docker: installing ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

"$(dirname "${BASH_SOURCE[0]}")/install-compose.sh"

if docker info >/dev/null 2>&1; then
  echo "start-docker: a Docker daemon is already running" >&2
  exit 0
fi

echo "start-docker: starting dockerd (log: $log)" >&2
# setsid: the daemon outlives this script and the CI step that ran it.
setsid dockerd --bridge=none --iptables=false --ip-masq=false >>"$log" 2>&1 </dev/null &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "start-docker: dockerd is up ($(docker version --format '{{.Server.Version}}'))" >&2
    exit 0
  fi
  sleep 1
done
echo "start-docker: dockerd did not answer within 60 s; last lines of $log:" >&2
tail -20 "$log" >&2 || true
exit 1
