#!/usr/bin/env bash
# Benchmark: Ballast end to end on the embedded default against plain single-threaded programs.
#
#   bench/run.sh [--sizes 1000000,5000000,20000000] [--repeat 2] [--sides LIST] [--data DIR]
#                [--cli] [--no-build] [-- extra BallastRun options, e.g. --chunk-bytes 8388608]
#
# For each size it generates a settlement input (once, under --data, default bench/target/data),
# then runs the sides alternately (--repeat times each, the order rotating every round):
#   ballast          dev.ballast.bench.BallastRun: what `ballast run` does (embedded Temporal service
#                    and worker in one JVM, default settings, the JVM started from the build's
#                    class-data-sharing archive as ./ballast starts it), plus stage times read from
#                    the histories; with --cli the real `./ballast run` is timed instead
#   straightforward  dev.ballast.bench.StraightforwardJob: the honest baseline, plain Java on one
#                    thread (BufferedReader, a hand-written CSV split, a shape check before
#                    BigDecimal and OffsetDateTime.parse, a HashMap of totals sorted at the end)
#   naive            dev.ballast.bench.ReferenceJob: a regex per row and per field, a Jackson tree
#                    per reject
#   floor            dev.ballast.bench.ReadFloor: one thread that only reads the bytes, counts lines
# --sides picks some of them (default: all four). It checks that every job side's settlement.csv
# and rejects.jsonl are byte-identical, and prints medians of wall time, rows/s, MB/s, peak RSS,
# CPU time and CPU seconds per million rows, and Ballast's wall-time and CPU ratios to each other
# side, then those ratios round by round (Ballast against the other side in the same round) and
# their medians (with alternating runs on a noisy machine, the steadier figure of the two).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
sizes="1000000,5000000,20000000"
repeat=2
sides="ballast,straightforward,naive,floor"
data="$here/target/data"
cli=0
build=1
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --sides) sides="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --cli) cli=1; shift ;;
    --no-build) build=0; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

ballast_jar="$root/starter/target/ballast.jar"
bench_jar="$root/bench/target/ballast-bench-0.1.0-SNAPSHOT.jar"
if [[ $build == 1 && ( ! -f "$ballast_jar" || ! -f "$bench_jar" ) ]]; then
  echo "building (mvn -pl bench -am package -DskipTests)..." >&2
  (cd "$root" && { mvn -q -B -o -pl bench -am package -DskipTests || mvn -q -B -pl bench -am package -DskipTests; })
fi
cp="$ballast_jar:$bench_jar"
# The ballast side starts its JVM as ./ballast does: from the class-data-sharing archive the build
# recorded (starter/target/ballast.jsa), when it is not older than the jar.
archive="$root/starter/target/ballast.jsa"
cds=()
if [[ -f "$archive" && ! "$ballast_jar" -nt "$archive" ]]; then
  cds=(-XX:SharedArchiveFile="$archive" -Xlog:cds*=off)
fi
# ... and with the JVM options ./ballast adds by default (see there).
jvm=(-XX:CompileThresholdScaling=5 -XX:+UseSerialGC)

mkdir -p "$data"
results="$data/results-$(date +%Y%m%d-%H%M%S).tsv"
printf 'size\tside\tround\twall_s\trss_kb\tcpu_s\toverhead_pct\tstages\n' >"$results"

# measure LABEL OUTFILE CMD...: runs CMD, appends "wall rss cpu" to OUTFILE (GNU time, else /proc polling)
measure() {
  local out="$1"; shift
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f '%e %M %U %S' -o "$out.time" "$@" >"$out.log" 2>"$out.err"
    awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' "$out.time"
  else
    local start end pid hwm=0 v
    start=$(date +%s.%N)
    "$@" >"$out.log" 2>"$out.err" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      v=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      [[ -n "$v" && "$v" -gt "$hwm" ]] && hwm=$v
      sleep 0.2
    done
    wait "$pid"
    end=$(date +%s.%N)
    echo "$(echo "$end - $start" | bc) $hwm NA"
  fi
}

same_outputs() {
  cmp -s "$1/settlement.csv" "$2/settlement.csv" && cmp -s "$1/rejects.jsonl" "$2/rejects.jsonl"
}

IFS=',' read -ra size_list <<<"$sizes"
IFS=',' read -ra side_list <<<"$sides"
for side in "${side_list[@]}"; do
  case "$side" in ballast|straightforward|naive|floor) ;; *) echo "unknown side $side (see --help)" >&2; exit 2 ;; esac
done
for n in "${size_list[@]}"; do
  input="$data/settlement-$n.csv"
  if [[ ! -f "$input" ]]; then
    echo "generating $n rows -> $input" >&2
    java -cp "$cp" dev.ballast.starter.StarterMain generate settlement --rows "$n" "$input" >&2
  fi
  for ((r = 1; r <= repeat; r++)); do
    # Rotate the order every round, so that no side always runs first (or right after another).
    k=${#side_list[@]}
    order=()
    for ((i = 0; i < k; i++)); do order+=("${side_list[$(( (i + r - 1) % k ))]}"); done
    for side in "${order[@]}"; do
      outdir="$data/out-$n-$side"
      rm -rf "$outdir"
      sync
      stages="-"; overhead="-"
      case "$side" in
        naive) m=$(measure "$data/run-$n-$side-$r" java -cp "$cp" dev.ballast.bench.ReferenceJob "$outdir" "$input") ;;
        straightforward) m=$(measure "$data/run-$n-$side-$r" java -cp "$cp" dev.ballast.bench.StraightforwardJob "$outdir" "$input") ;;
        floor) m=$(measure "$data/run-$n-$side-$r" java -cp "$cp" dev.ballast.bench.ReadFloor "$input") ;;
        ballast)
          if [[ $cli == 1 ]]; then
            m=$(measure "$data/run-$n-$side-$r" "$root/ballast" run --type settlement --input "$input" --output "$outdir" "${extra[@]}")
          else
            m=$(measure "$data/run-$n-$side-$r" java ${cds[@]+"${cds[@]}"} "${jvm[@]}" -cp "$cp" dev.ballast.bench.BallastRun "${extra[@]}" "$outdir" "$input")
            stages=$(sed -n 's/^stages: //p' "$data/run-$n-$side-$r.log")
            overhead=$(sed -n "s/.*= \([0-9.]*\)%;.*/\1/p" <<<"$stages")
          fi ;;
      esac
      read -r wall rss cpu <<<"$m"
      echo "$n rows, round $r, $side: ${wall}s, peak RSS $((rss / 1024)) MB, CPU ${cpu}s ${stages:+$stages}" >&2
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$side" "$r" "$wall" "$rss" "$cpu" "$overhead" "$stages" >>"$results"
    done
    first=""
    for side in "${side_list[@]}"; do
      [[ $side == floor ]] && continue
      if [[ -z $first ]]; then first=$side; continue; fi
      if ! same_outputs "$data/out-$n-$first" "$data/out-$n-$side"; then
        echo "MISMATCH: $n rows, round $r: $first and $side produced different outputs" >&2
        exit 1
      fi
    done
  done
  [[ -n ${first:-} ]] && echo "$n rows: outputs identical (settlement.csv, rejects.jsonl) across ${sides}" >&2
done

echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(java -version 2>&1 | head -1), load now $(cut -d' ' -f1-3 /proc/loadavg)"
echo "medians of $repeat runs each; results in $results"
awk -F'\t' -v data="$data" -v sides="$sides" '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  NR == 1 { next }
  {
    key = $1 SUBSEP $2
    wall[key] = wall[key] " " $4; rss[key] = rss[key] " " $5; cpu[key] = cpu[key] " " $6
    roundWall[key, $3] = $4; roundCpu[key, $3] = $6
    if ($3 > rounds) rounds = $3
    if ($7 != "-") ovh[key] = ovh[key] " " $7
    if (!($1 in seen)) { seen[$1] = 1; order[++count] = $1 }
  }
  END {
    ns = split(sides, side, ",")
    printf "| rows | side | wall s | rows/s | MB/s | peak RSS MB | CPU s | CPU s per M rows | Temporal overhead | Ballast/side wall | Ballast/side CPU |\n"
    printf "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    for (k = 1; k <= count; k++) {
      n = order[k]
      cmd = "stat -L -c %s " data "/settlement-" n ".csv"; cmd | getline bytes; close(cmd)
      bw = (n SUBSEP "ballast") in wall ? median(wall[n SUBSEP "ballast"]) : 0
      bc = (n SUBSEP "ballast") in cpu ? median(cpu[n SUBSEP "ballast"]) : 0
      for (s = 1; s <= ns; s++) {
        key = n SUBSEP side[s]
        if (!(key in wall)) continue
        w = median(wall[key]); c = median(cpu[key])
        o = (key in ovh) ? sprintf("%.1f%%", median(ovh[key])) : "-"
        ratio = side[s] != "ballast" && bw > 0 && w > 0 ? sprintf("%.2f", bw / w) : ""
        cratio = side[s] != "ballast" && side[s] != "floor" && bc > 0 && c > 0 ? sprintf("%.2f", bc / c) : ""
        printf "| %d | %s | %.2f | %.0f | %.1f | %.0f | %.1f | %.2f | %s | %s | %s |\n", n, side[s], w, n / w, bytes / 1048576 / w, median(rss[key]) / 1024, c, c / (n / 1000000), o, ratio, cratio
      }
    }
    # Ratios round by round (Ballast against the other side in the same round): their spread says
    # how far a median ratio can be trusted.
    for (k = 1; k <= count; k++) {
      n = order[k]
      for (s = 1; s <= ns; s++) {
        if (side[s] == "ballast" || side[s] == "floor") continue
        key = n SUBSEP side[s]; bkey = n SUBSEP "ballast"
        wl = ""; cl = ""
        for (r = 1; r <= rounds; r++) {
          if (!((key, r) in roundWall) || !((bkey, r) in roundWall) || roundWall[key, r] <= 0 || roundCpu[key, r] <= 0) continue
          wl = wl " " sprintf("%.3f", roundWall[bkey, r] / roundWall[key, r])
          cl = cl " " sprintf("%.3f", roundCpu[bkey, r] / roundCpu[key, r])
        }
        if (wl != "") printf "%d rows, ballast/%s round by round: wall%s; CPU%s; their medians: wall %.3f, CPU %.3f\n", n, side[s], wl, cl, median(wl), median(cl)
      }
    }
  }' "$results"
