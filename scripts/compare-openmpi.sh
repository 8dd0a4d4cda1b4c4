#!/usr/bin/env bash
# ring4j against Open MPI over loopback TCP on this machine, in one sitting: ROUNDS rounds, each
# running ring4j's bench and then Open MPI's (../shared/peers/run-openmpi.sh, shared memory off),
# so that both see the same noise. Per size it prints the median over rounds of each one's
# back-to-back mean time, busbw, and the busbw ratio ring4j/MPI (= MPI time / ring4j time): the
# median of the per-round ratios and their range.
#
#   scripts/compare-openmpi.sh [N] [ROUNDS] [MIN] [MAX] [bench options...]
#   scripts/compare-openmpi.sh 2 5 8 33554432            # 2 ranks, 5 rounds, 8 B .. 32 MiB (x4)
#   scripts/compare-openmpi.sh 4 5 524288 33554432 -c 2  # 4 ranks, ring4j with 2 connections
#
# Why rounds: on a shared 2-core VM one run's numbers wander by 2x from the next (the Open MPI
# program times only 10 iterations at 2-8 MiB); medians over alternating rounds are stable.
# Both time back-to-back operations and report the slowest rank's mean. RING4J_PEERS overrides
# the directory of the Open MPI baseline (default: ../shared/peers next to this repository).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n=${1:-2} rounds=${2:-5} lo=${3:-8} hi=${4:-33554432}
shift $(( $# < 4 ? $# : 4 ))
peers=${RING4J_PEERS:-$root/../shared/peers}
[ -x "$peers/run-openmpi.sh" ] || [ -f "$peers/run-openmpi.sh" ] || {
  echo "compare-openmpi: no $peers/run-openmpi.sh; set RING4J_PEERS to the directory of the Open MPI baseline" >&2; exit 2; }
[[ $n =~ ^[0-9]+$ && $n -ge 1 && $rounds =~ ^[1-9][0-9]*$ ]] || { echo "compare-openmpi: N (ranks) and ROUNDS are positive numbers, e.g. 2 5" >&2; exit 2; }
[[ $lo =~ ^[0-9]+$ && $hi =~ ^[0-9]+$ ]] || { echo "compare-openmpi: MIN and MAX are byte counts, e.g. 8 33554432" >&2; exit 2; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$root/ring4j" --version >/dev/null # builds the command line if needed

for r in $(seq 1 "$rounds"); do
  echo "# round $r/$rounds: ring4j" >&2
  RING4J_TTY=0 "$root/ring4j" bench -n "$n" -b "$lo" -e "$hi" -f 4 --csv "$tmp/r4j.$r.csv" "$@" >/dev/null
  # size_bytes,time_us,busbw_gbps,wrong of all-reduce rows
  awk -F, -v r="$r" 'NR > 1 && $1 == "all-reduce" { if ($11 != 0) { print "ring4j: wrong elements at " $6 > "/dev/stderr"; exit 3 }
    print $6, r, $8, $10 }' "$tmp/r4j.$r.csv" >> "$tmp/r4j.txt"
  echo "# round $r/$rounds: Open MPI" >&2
  bash "$peers/run-openmpi.sh" "$n" tcp "$lo" "$hi" 2>/dev/null > "$tmp/mpi.$r.txt"
  awk -v r="$r" '$1 ~ /^[0-9]+$/ && NF >= 8 { if ($8 != 0) { print "Open MPI: wrong elements at " $1 > "/dev/stderr"; exit 3 }
    print $1, r, $5, $7 }' "$tmp/mpi.$r.txt" >> "$tmp/mpi.txt"
done

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "# ring4j vs Open MPI TCP, $n ranks, all-reduce float32 sum, $rounds rounds; ring4j options: ${*:-(none)}"
echo "# times: back-to-back mean of the slowest rank (median over rounds); ratio = ring4j busbw / MPI busbw per round"
printf '%12s %12s %12s %10s %10s %10s %18s\n' "size(B)" "ring4j(us)" "MPI(us)" "ring4j GB/s" "MPI GB/s" "ratio" "ratio range"
for size in $(awk '{ print $1 }' "$tmp/r4j.txt" | sort -n -u); do
  grep -q "^$size " "$tmp/mpi.txt" || continue
  rt=$(awk -v s="$size" '$1 == s { print $3 }' "$tmp/r4j.txt" | median)
  mt=$(awk -v s="$size" '$1 == s { print $3 }' "$tmp/mpi.txt" | median)
  rb=$(awk -v s="$size" '$1 == s { print $4 }' "$tmp/r4j.txt" | median)
  mb=$(awk -v s="$size" '$1 == s { print $4 }' "$tmp/mpi.txt" | median)
  ratios=$(join <(awk -v s="$size" '$1 == s { print $2, $3 }' "$tmp/r4j.txt" | sort) \
                <(awk -v s="$size" '$1 == s { print $2, $3 }' "$tmp/mpi.txt" | sort) | awk '{ printf "%.3f\n", $3 / $2 }')
  med=$(echo "$ratios" | median)
  range=$(echo "$ratios" | sort -g | awk 'NR == 1 { a = $1 } { b = $1 } END { printf "%.2f-%.2f", a, b }')
  printf '%12s %12.1f %12.1f %10.3f %10.3f %9.2fx %18s\n' "$size" "$rt" "$mt" "$rb" "$mb" "$med" "$range"
done
