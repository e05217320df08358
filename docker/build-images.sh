#!/usr/bin/env bash
# Builds the images of the local compose stack (docker/compose.local.yaml) without any container
# registry, from Debian's packages and this repository:
#
#   ballast-base:bookworm        debootstrap of a minimal Debian bookworm root, `docker import`ed
#   ballast-jre:bookworm         + Debian's openjdk-17-jre-headless and curl      (docker/local/jre.Dockerfile)
#   ballast-worker:local         docker/Dockerfile, target worker, on ballast-jre  (the file users build)
#   ballast-starter:local        docker/Dockerfile, target starter
#   ballast-temporal:local       the Temporal dev server from the pinned Temporal CLI (docker/local/temporal.Dockerfile)
#   ballast-postgresql:local     Debian's PostgreSQL 15                          (docker/local/postgresql.Dockerfile)
#
# The jars are built on the host with Maven (or taken from --jars DIR) and copied into the images:
# the Dockerfile's build stage takes them prebuilt (build argument PREBUILT_JARS) instead of running
# Maven, which no local image has. Base images are cached: ballast-base is rebuilt only when its
# inputs (suite, mirror, packages; label dev.ballast.inputs) change, the others by Docker's build
# cache. Prints the images' sizes at the end. Needs a running Docker daemon and, for the first base
# image, root and debootstrap (scripts/start-docker.sh provides all three).
#
#   docker/build-images.sh                     # build the jars with Maven, then every image
#   docker/build-images.sh --jars DIR          # DIR holds ballast-worker.jar and ballast.jar
#   docker/build-images.sh --rebuild-base      # debootstrap again even when the inputs are unchanged
#
# Environment: BALLAST_TEST_TEMPORAL_CLI (the `temporal` binary; default: scripts/install-temporal.sh),
# BALLAST_DEBIAN_MIRROR (default http://deb.debian.org/debian), BALLAST_DEBOOTSTRAP_CACHE (downloaded
# .deb files, default ~/.cache/ballast/debootstrap).
# Exit codes: 0 built, 1 a step failed (its output says which), 2 bad usage.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

jars=""
rebuild_base=false
while (($#)); do
  case "$1" in
    --jars) [[ $# -ge 2 ]] || { echo "build-images: --jars needs a directory" >&2; exit 2; }; jars="$2"; shift 2 ;;
    --rebuild-base) rebuild_base=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "build-images: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

docker_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$docker_dir")"
mirror="${BALLAST_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
suite=bookworm
debcache="${BALLAST_DEBOOTSTRAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ballast/debootstrap}"
export DOCKER_BUILDKIT=0   # the classic builder: BuildKit's frontends would be pulled from a registry

docker info >/dev/null 2>&1 || { echo "build-images: no Docker daemon answers (scripts/start-docker.sh starts one)" >&2; exit 1; }

step_start=0
step() { step_start=$SECONDS; echo "build-images: $*" >&2; }
done_step() { echo "build-images:   done in $((SECONDS - step_start)) s" >&2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# ---- ballast-base:bookworm: debootstrap + docker import, cached by its inputs --------------------
base_inputs="suite=$suite variant=minbase mirror=$mirror include=ca-certificates,passwd recipe=2"
base_key="$(printf '%s' "$base_inputs" | sha256sum | cut -c1-16)"
have_key="$(docker image inspect -f '{{index .Config.Labels "dev.ballast.inputs"}}' ballast-base:$suite 2>/dev/null || true)"
if $rebuild_base || [[ "$have_key" != "$base_key" ]]; then
  command -v debootstrap >/dev/null || { echo "build-images: debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }
  step "debootstrap $suite (minbase) from $mirror"
  mkdir -p "$debcache"
  root="$work/rootfs"
  debootstrap --variant=minbase --include=ca-certificates,passwd --cache-dir="$debcache" \
    "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; echo "build-images: debootstrap failed" >&2; exit 1; }
  cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb ${mirror%/debian}/debian-security $suite-security main
EOF
  # Keep images small: no package lists, docs or man pages.
  printf 'path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\n' \
    >"$root/etc/dpkg/dpkg.cfg.d/01-nodoc"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/*
  tar -C "$root" -c . | docker import \
    --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change "ENV LANG=C.UTF-8" \
    --change 'CMD ["/bin/bash"]' \
    --change "LABEL dev.ballast.inputs=$base_key" \
    - "ballast-base:$suite" >/dev/null
  rm -rf "$root"
  done_step
else
  echo "build-images: ballast-base:$suite is up to date (inputs $base_key)" >&2
fi

# ---- ballast-jre:bookworm (build cache: instant when unchanged) ---------------------------------
step "ballast-jre:$suite"
docker build -q --network host -t "ballast-jre:$suite" --build-arg "BASE_IMAGE=ballast-base:$suite" \
  -f "$docker_dir/local/jre.Dockerfile" "$docker_dir/local" >/dev/null
done_step

# ---- the jars ----------------------------------------------------------------------------------
if [[ -z "$jars" ]]; then
  step "jars: mvn package (worker, starter)"
  (cd "$repo" && mvn -B -q -pl worker,starter -am package -DskipTests -Dballast.cds.skip=true)
  jars="$work/jars"
  mkdir -p "$jars"
  cp "$repo/worker/target/ballast-worker.jar" "$repo/starter/target/ballast.jar" "$jars/"
  done_step
fi
for jar in ballast-worker.jar ballast.jar; do
  [[ -f "$jars/$jar" ]] || { echo "build-images: $jars/$jar is missing" >&2; exit 1; }
done

# ---- ballast-worker:local and ballast-starter:local from docker/Dockerfile -----------------------
# The build context: the Dockerfile, the poms its build stage copies first, and the jars.
ctx="$work/context"
mkdir -p "$ctx/docker" "$ctx/prebuilt"
cp "$docker_dir/Dockerfile" "$ctx/docker/Dockerfile"
(cd "$repo" && find . -name pom.xml -not -path '*/target/*' -not -path '*/node_modules/*' -print0 \
  | xargs -0 cp --parents -t "$ctx")
cp "$jars/ballast-worker.jar" "$jars/ballast.jar" "$ctx/prebuilt/"
for target in starter worker; do
  step "ballast-$target:local (docker/Dockerfile, target $target)"
  docker build -q -f "$ctx/docker/Dockerfile" --target "$target" -t "ballast-$target:local" \
    --build-arg "MAVEN_IMAGE=ballast-jre:$suite" --build-arg "JRE_IMAGE=ballast-jre:$suite" \
    --build-arg PREBUILT_JARS=prebuilt --label dev.ballast.image="$target" "$ctx" >/dev/null
  done_step
done

# ---- ballast-temporal:local and ballast-postgresql:local ----------------------------------------
cli="${BALLAST_TEST_TEMPORAL_CLI:-}"
[[ -n "$cli" ]] || cli="$("$repo/scripts/install-temporal.sh" | tail -1)"
[[ -x "$cli" ]] || { echo "build-images: no Temporal CLI at $cli" >&2; exit 1; }
tctx="$work/temporal"
mkdir -p "$tctx"
cp "$docker_dir/local/temporal.Dockerfile" "$docker_dir/local/temporal-entrypoint.sh" "$tctx/"
cp "$cli" "$tctx/temporal"
step "ballast-temporal:local ($("$cli" --version | head -1))"
docker build -q -f "$tctx/temporal.Dockerfile" -t ballast-temporal:local --build-arg "BASE_IMAGE=ballast-base:$suite" \
  --label dev.ballast.image=temporal "$tctx" >/dev/null
done_step

step "ballast-postgresql:local"
docker build -q --network host -f "$docker_dir/local/postgresql.Dockerfile" -t ballast-postgresql:local \
  --build-arg "BASE_IMAGE=ballast-base:$suite" --label dev.ballast.image=postgresql "$docker_dir/local" >/dev/null
done_step

# Earlier builds' intermediate images (their jars), descendants of the base only.
docker image prune -f --filter "label=dev.ballast.inputs" >/dev/null

echo "build-images: images (size as Docker reports it; layers shared between them count in each):"
for image in "ballast-base:$suite" "ballast-jre:$suite" ballast-worker:local ballast-starter:local \
    ballast-temporal:local ballast-postgresql:local; do
  size="$(docker image inspect -f '{{.Size}}' "$image")"
  printf '  %-26s %5d MB\n' "$image" "$((size / 1000000))"
done
