#!/usr/bin/env bash
# JMH micro-benchmarks of ring4j (module ring4j-bench). Builds, runs, and prints a table.
#
#   scripts/jmh.sh [JMH ARGS...]    KernelBenchmark (-f 1 -wi 4 -i 3 -w 1s -r 1s): every kernel's
#                                   GB/s and its ratio to System.arraycopy of the same 8 MiB, timed
#                                   in the same JMH run just before that dtype's kernels, with the
#                                   targets (float32 sum >= 0.5x, float16/bfloat16 >= 0.25x).
#                                   Extra arguments go to JMH, e.g. -p dtype=float32,int32 -i 5.
#   scripts/jmh.sh --alloc [ARGS]   CollectiveBenchmark with -prof gc: bytes allocated per
#                                   all-reduce (all threads, background ranks included);
#                                   add -p spin=0 to park on every wait.
#   scripts/jmh.sh --vector [ARGS]  KernelBenchmark with the opt-in Vector API bfloat16 kernels
#                                   (RING4J_VECTOR; the forked JVM gets --add-modules jdk.incubator.vector).
#   scripts/jmh.sh --smoke          one tiny iteration of every benchmark and parameter, in one JVM
#                                   (no fork), to prove they start; fails if any does not.
#
# JMH's CSV output is kept in ring4j-bench/target/jmh-*.csv. On a shared or small machine the
# absolute numbers are noisy: compare ratios measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=kernels
case ${1:-} in
  --smoke) mode=smoke; shift ;;
  --alloc) mode=alloc; shift ;;
  --vector) shift; set -- -jvmArgsAppend "--add-modules jdk.incubator.vector -Dring4j.vector=true" "$@" ;;
  -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
esac

# Offline first (the usual case once the dependencies are in ~/.m2); online if something is missing.
if ! ./mvnw -q -o -pl ring4j-bench -am package -DskipTests; then
  echo "jmh.sh: offline build failed; trying again online" >&2
  ./mvnw -q -pl ring4j-bench -am package -DskipTests
fi
jar=ring4j-bench/target/benchmarks.jar
out=ring4j-bench/target
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

# Prints "$@" preceded by the default JMH options $defaults that "$@" does not set itself (JMH
# rejects an option given twice), so that e.g. -f 3 or -i 5 replaces the default.
with_defaults() {
  local -a d=($defaults) out=()
  local i
  for ((i = 0; i < ${#d[@]}; i += 2)); do
    case " $* " in *" ${d[i]} "*) ;; *) out+=("${d[i]}" "${d[i+1]}") ;; esac
  done
  printf '%s\n' ${out[@]+"${out[@]}"} "$@"
}

# Prints the CSV of JMH's -rf csv as a table. $1 = csv, $2 = kernels|alloc.
table() {
  awk -F, -v mode="$2" '
    function unq(s) { gsub(/^"|"$/, "", s); return s }
    function param(p) { return ("Param: " p) in col ? unq($col["Param: " p]) : "-" }
    { sub(/\r$/, "") }
    NR == 1 {
      for (i = 1; i <= NF; i++) col[unq($i)] = i
      next
    }
    {
      name = unq($col["Benchmark"]); sub(/^.*Benchmark\./, "", name)
      score = $col["Score"] + 0; err = $col["Score Error (99.9%)"]
      if (mode == "kernels") {
        # The reduces of each dtype follow the copyArray of their own JMH run (see the kernels case).
        if (name == "copyArray") { copy = score; ncopy++; if (!lo || score < lo) lo = score; if (score > hi) hi = score }
        if (name == "copyBuffer") copyBuffer = score
        if (name == "reduce") {
          n++; dt[n] = param("dtype"); op[n] = param("op"); s[n] = score; e[n] = err; c[n] = copy
        }
      } else if (name == "allSum" || name == "allSum:gc.alloc.rate.norm") {
        key = param("input") "|" param("ranks") "|" param("spin")
        if (!(key in seen)) { seen[key] = 1; keys[++nk] = key }
        if (name == "allSum") us[key] = score; else { bop[key] = score; berr[key] = err }
      }
    }
    END {
      if (mode != "kernels") {
        printf "| input  | ranks | spin | us/op     | gc.alloc.rate.norm (B/op) |\n"
        printf "|--------|-------|------|-----------|---------------------------|\n"
        for (i = 1; i <= nk; i++) {
          split(keys[i], k, "|")
          printf "| %-6s | %5s | %-4s | %9.1f | %8.2f +- %-12.2f |\n", k[1], k[2], k[3], us[keys[i]], bop[keys[i]], berr[keys[i]] + 0
        }
        exit
      }
      if (copy == 0) { print "jmh.sh: no copyArray result to compare with" > "/dev/stderr"; exit 1 }
      gb = 8388608 / 1e9
      if (ncopy > 1) printf "copyArray (System.arraycopy, 8 MiB), once per dtype: %.1f-%.1f GB/s\n", lo * gb, hi * gb
      else printf "copyArray (System.arraycopy, 8 MiB): %.0f ops/s = %.1f GB/s\n", copy, copy * gb
      if (copyBuffer > 0) printf "copyBuffer (direct ByteBuffer bulk put): %.0f ops/s = %.1f GB/s = %.2fx copyArray\n\n", copyBuffer, copyBuffer * gb, copyBuffer / copy
      printf "| %-8s | %-3s | %9s | %6s | %10s | %6s | %-4s |\n", "dtype", "op", "ops/s", "GB/s", "x copy", "target", "met"
      printf "|----------|-----|-----------|--------|------------|--------|------|\n"
      for (i = 1; i <= n; i++) {
        r = s[i] / c[i]; t = ""
        if (dt[i] == "float32" && op[i] == "sum") t = 0.5
        if (dt[i] == "float16" || dt[i] == "bfloat16") t = 0.25
        verdict = t == "" ? "" : (r >= t ? "yes" : "MISS")
        printf "| %-8s | %-3s | %9.0f | %6.1f | %9.3fx | %6s | %-4s |\n", dt[i], op[i], s[i], s[i] * gb, r, t == "" ? "-" : t "x", verdict
        if (verdict == "MISS") miss++
      }
      if (miss) printf "\n%d kernel(s) below target\n", miss
    }' "$1"
}

case $mode in
  kernels)
    # One JMH run per dtype, each timing System.arraycopy right before that dtype's kernels: on a
    # shared machine the copy bandwidth drifts by 1.5x over the minutes a single run of every
    # kernel takes, so a ratio to a copy timed long before is mostly noise.
    dtypes="float32 float64 int32 bfloat16 float16" args=()
    while [ $# -gt 0 ]; do
      case $1 in
        -p) if [[ ${2:-} == dtype=* ]]; then dtypes=${2#dtype=}; dtypes=${dtypes//,/ }; shift 2; continue; fi ;;
      esac
      args+=("$1"); shift
    done
    for d in $dtypes; do
      case $d in float32|float64|int32|bfloat16|float16) ;;
        *) echo "jmh.sh: KernelBenchmark has data for float32, float64, int32, bfloat16 and float16, not '$d'" >&2; exit 2 ;;
      esac
    done
    csv=$out/jmh-kernels.csv
    : > "$csv"
    defaults="-f 1 -wi 4 -i 3 -w 1s -r 1s"
    mapfile -t opts < <(with_defaults ${args[@]+"${args[@]}"})
    for d in $dtypes; do
      # -foe: a benchmark that throws (e.g. an unknown dtype) fails the run instead of leaving a gap.
      "$java" -jar "$jar" 'org.ring4j.bench.KernelBenchmark.(copyArray|reduce)$' -p dtype="$d" -foe true \
        -rf csv -rff "$csv.part" "${opts[@]}" || { echo "jmh.sh: the kernel benchmark failed for dtype '$d' (see above)" >&2; exit 1; }
      if [ -s "$csv" ]; then tail -n +2 "$csv.part" >> "$csv"; else cat "$csv.part" > "$csv"; fi
    done
    rm -f "$csv.part"
    echo
    table "$csv" kernels
    ;;
  alloc)
    csv=$out/jmh-alloc.csv
    defaults="-f 1 -wi 3 -i 3 -w 2s -r 5s"
    mapfile -t opts < <(with_defaults "$@")
    "$java" -jar "$jar" 'org.ring4j.bench.CollectiveBenchmark' -prof gc -rf csv -rff "$csv" "${opts[@]}"
    echo
    table "$csv" alloc
    echo
    echo "gc.alloc.rate.norm counts every thread of the JVM (background ranks too) per rank-0 operation;"
    echo "JMH itself allocates a few KB per iteration, which shows up as a few B/op when operations are slow."
    ;;
  smoke)
    csv=$out/jmh-smoke.csv
    start=$(date +%s)
    "$java" -jar "$jar" 'org.ring4j.bench\..*' -f 0 -wi 0 -i 1 -r 100ms -foe true -rf csv -rff "$csv" "$@"
    # 17 kernel configurations + 4 collective ones, each with one score.
    rows=$(($(wc -l < "$csv") - 1))
    echo "jmh.sh --smoke: $rows benchmark configurations ran in $(($(date +%s) - start)) s"
    [ "$rows" -ge 21 ] || { echo "jmh.sh --smoke: expected 21 configurations, got $rows" >&2; exit 1; }
    ;;
esac
