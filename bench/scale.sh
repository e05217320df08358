#!/usr/bin/env bash
# Scale benchmark: settlement jobs of many small chunks over one file, or over many small files, on
# the embedded service and on a real Temporal server (temporal server start-dev, from
# scripts/install-temporal.sh), with an in-process worker (dev.ballast.bench.ScaleRun).
#
#   bench/scale.sh [--chunks 1000,10000,100000] [--files 50000] [--services embedded,real,in-process]
#                  [--data DIR] [--chunk-bytes 1024]
#
# Chunks of --chunk-bytes over one generated file (about 68 bytes a row), or one chunk per file over
# a directory of --files files of 3 rows (--chunks 0 or --files 0 skips that kind). Prints one
# "scale:" line per job: wall time, process stage time per chunk, per workflow (job, plan, process,
# merge, commit) its runs, peak events, largest payload and largest history, the worker's peak heap,
# and whether the outputs equal the reference.
# Services: embedded (the embedded service, the worker connected over loopback gRPC as a worker
# process of its own is, so without sticky execution), in-process (the embedded service and the
# worker in one JVM, sticky execution on: what `ballast run` does), real (temporal server start-dev).
# Build first: mvn -q -B -pl bench -am package -DskipTests (-Dballast.cds.skip=true).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
chunks="1000,10000,100000"
files="50000"
services="embedded,real"
data="$here/target/scale"
chunk_bytes=1024
while [[ $# -gt 0 ]]; do
  case "$1" in
    --chunks) chunks="$2"; shift 2 ;;
    --files) files="$2"; shift 2 ;;
    --services) services="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --chunk-bytes) chunk_bytes="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
cp="$root/starter/target/ballast.jar:$root/bench/target/ballast-bench-0.1.0-SNAPSHOT.jar:$(ls "$root"/testkit/target/ballast-testkit-*.jar | head -1)"
if [[ ",$services," == *",real,"* && -z "${BALLAST_TEST_TEMPORAL_CLI:-}" ]]; then
  export BALLAST_TEST_TEMPORAL_CLI="$("$root/scripts/install-temporal.sh" | tail -1)"
fi
mkdir -p "$data"
run() { # SERVICE LABEL INPUT...
  local service="$1" label="$2"; shift 2
  local out="$data/out-$label-$service"
  rm -rf "$out" "$out.reference" "$out.server"
  local flag=()
  [[ $service == real ]] && flag=(--real)
  [[ $service == in-process ]] && flag=(--in-process)
  echo "== $label on $service" >&2
  java -Xmx2g -cp "$cp" dev.ballast.bench.ScaleRun "${flag[@]}" --chunk-bytes "$chunk_bytes" "$out" "$@"
  rm -rf "$out" "$out.reference" "$out.server"
}
IFS=, read -ra sizes <<<"$chunks"
IFS=, read -ra svcs <<<"$services"
for n in "${sizes[@]}"; do
  [[ -z $n || $n == 0 ]] && continue
  input="$data/chunks-$n.csv"
  if [[ ! -f $input ]]; then
    rows=$(( n * chunk_bytes / 66 + 1 ))
    java -cp "$cp" dev.ballast.starter.StarterMain generate settlement --rows "$rows" "$input" >/dev/null
  fi
  for s in "${svcs[@]}"; do run "$s" "chunks-$n" "$input"; done
done
IFS=, read -ra fsizes <<<"$files"
for n in "${fsizes[@]}"; do
  [[ -z $n || $n == 0 ]] && continue
  dir="$data/files-$n"
  [[ -d $dir ]] || java -cp "$cp" dev.ballast.bench.ScaleRun --generate-files "$n" 3 "$dir"
  for s in "${svcs[@]}"; do run "$s" "files-$n" "$dir"; done
done
