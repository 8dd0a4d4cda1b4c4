#!/usr/bin/env bash
# ring4j against Open MPI on this machine, in one sitting: ROUNDS rounds, each running ring4j's
# bench and then Open MPI's (../shared/peers/run-openmpi.sh), so that both see the same noise; by
# default both over loopback TCP (see RING4J_COMPARE below). Per size it prints the median over rounds of each one's
# back-to-back mean time, busbw, and the busbw ratio ring4j/MPI (= MPI time / ring4j time): the
# median of the per-round ratios and their range.
#
#   scripts/compare-openmpi.sh [N] [ROUNDS] [MIN] [MAX] [bench options...]
#   scripts/compare-openmpi.sh 2 5 8 33554432            # 2 ranks, 5 rounds, 8 B .. 32 MiB (x4)
#   scripts/compare-openmpi.sh 2 5 8 33554432 --iters 50 # ring4j times 50 at every size
#   scripts/compare-openmpi.sh 4 5 524288 33554432 -c 2  # 4 ranks, ring4j with 2 connections
#
# Why rounds: on a shared 2-core VM one run's numbers wander by 2x from the next (the Open MPI
# program times only 10 iterations at 2-8 MiB); medians over alternating rounds are stable.
# Both time back-to-back operations, the same number per size (see below), and report the slowest
# rank's mean. RING4J_PEERS overrides the directory of the Open MPI baseline (default:
# ../shared/peers next to this repository).
#
# RING4J_COMPARE picks the transports: tcp (default) runs both over loopback TCP, ring4j with
# RING4J_UNIX_SOCKETS=0 and Open MPI with shared memory off (the like-for-like wire); local runs
# each with its own default between processes of one machine, ring4j over Unix sockets and Open
# MPI over shared memory (its vader BTL):
#
#   RING4J_COMPARE=local scripts/compare-openmpi.sh 4 5 8 33554432
#
# and unix-tcp runs ring4j as it runs by default (Unix sockets) against Open MPI over TCP: not the
# same wire, but what a user of each gets when shared memory is off for Open MPI.
#
# RING4J_COMPARE_CSV=FILE writes the medians (series,size_bytes,time_us,busbw_gbps; series e.g.
# "ring4j Unix sockets", "Open MPI TCP"), and RING4J_COMPARE_PLOT=FILE.png draws them with
# `ring4j plot` (several such CSV files go into one chart with `ring4j plot -o F.png A.csv B.csv`).
#
# RING4J_LOOPBACK_CC=cubic (as root) runs both programs with that TCP congestion control on
# connections to 127.0.0.1, by setting congctl on the local route for the run and removing it
# afterwards; the host default is left alone. On this project's VMs bbr, their default, paced
# loopback to a quarter of cubic's throughput (docs/performance.md, "Congestion control"). The
# output names the congestion control either way.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n=${1:-2} rounds=${2:-5} lo=${3:-8} hi=${4:-33554432}
shift $(( $# < 4 ? $# : 4 ))
peers=${RING4J_PEERS:-$root/../shared/peers}
[ -x "$peers/run-openmpi.sh" ] || [ -f "$peers/run-openmpi.sh" ] || {
  echo "compare-openmpi: no $peers/run-openmpi.sh; set RING4J_PEERS to the directory of the Open MPI baseline" >&2; exit 2; }
[[ $n =~ ^[0-9]+$ && $n -ge 1 && $rounds =~ ^[1-9][0-9]*$ ]] || { echo "compare-openmpi: N (ranks) and ROUNDS are positive numbers, e.g. 2 5" >&2; exit 2; }
[[ $lo =~ ^[0-9]+$ && $hi =~ ^[0-9]+$ ]] || { echo "compare-openmpi: MIN and MAX are byte counts, e.g. 8 33554432" >&2; exit 2; }
compare=${RING4J_COMPARE:-tcp}
case "$compare" in
  tcp) export RING4J_UNIX_SOCKETS=0; mpi_mode=tcp; wires="both over loopback TCP (ring4j RING4J_UNIX_SOCKETS=0, Open MPI shared memory off)"
    r4j_series="ring4j TCP" mpi_series="Open MPI TCP" ;;
  local) export RING4J_UNIX_SOCKETS=1; mpi_mode=shm; wires="each over its local transport: ring4j Unix sockets, Open MPI shared memory (vader)"
    r4j_series="ring4j Unix sockets" mpi_series="Open MPI shared memory" ;;
  unix-tcp) export RING4J_UNIX_SOCKETS=1; mpi_mode=tcp; wires="ring4j over Unix sockets (its default), Open MPI over loopback TCP (shared memory off): different wires"
    r4j_series="ring4j Unix sockets" mpi_series="Open MPI TCP" ;;
  *) echo "compare-openmpi: RING4J_COMPARE is tcp (both over loopback TCP), local (ring4j Unix sockets, Open MPI shared memory) or unix-tcp, not '$compare'" >&2; exit 2 ;;
esac
tmp="$(mktemp -d)"
route=(local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1)
cleanup() {
  rm -rf "$tmp"
  if [ -n "${RING4J_LOOPBACK_CC:-}" ]; then ip route change "${route[@]}" || echo "compare-openmpi: could not restore the route: ip route change ${route[*]}" >&2; fi
}
trap cleanup EXIT
if [ -n "${RING4J_LOOPBACK_CC:-}" ]; then
  [[ $RING4J_LOOPBACK_CC =~ ^[a-z0-9_]+$ ]] || { echo "compare-openmpi: RING4J_LOOPBACK_CC is a congestion control name such as cubic, not '$RING4J_LOOPBACK_CC'" >&2; exit 2; }
  ip route change "${route[@]}" congctl "$RING4J_LOOPBACK_CC" || {
    echo "compare-openmpi: cannot set congctl $RING4J_LOOPBACK_CC on the route to 127.0.0.1 (needs root, and the algorithm in /proc/sys/net/ipv4/tcp_available_congestion_control or loadable)" >&2; exit 2; }
fi
cc=$( (ip route get 127.0.0.1 2>/dev/null || true) | sed -n 's/.*congctl \([a-z0-9_]*\).*/\1 (route to 127.0.0.1)/p')
[ -n "$cc" ] || cc="$(cat /proc/sys/net/ipv4/tcp_congestion_control 2>/dev/null || echo unknown) (host default)"
"$root/ring4j" --version >/dev/null # builds the command line if needed

# The Open MPI program times iterations_for(size) back-to-back operations per size (200 up to
# 64 KiB, 50 up to 1 MiB, 10 up to 8 MiB, 4 above), and both programs are faster over a few
# operations than over many (at 2 MiB, 2 ranks: ring4j 800-835 us over 10, 1290-1370 us over 50;
# Open MPI 550-710 over 10, 1280-1400 over 200). So ring4j runs the same counts: one bench per
# band of sizes, read from the program's source. Passing --iters runs one bench with that count.
bands=() # "LIMIT ITERS", LIMIT in bytes (the last one: everything larger)
if [[ " $* " != *" --iters "* && " $* " != *" --iters="* ]]; then
  [ -f "$peers/allreduce_bench.c" ] || {
    echo "compare-openmpi: no $peers/allreduce_bench.c to read the Open MPI iteration counts from; pass --iters N" >&2; exit 2; }
  inside=0
  while IFS= read -r line; do
    if [[ $line == *"iterations_for(size_t"* ]]; then inside=1; continue; fi
    [ $inside = 1 ] || continue
    [[ $line == "}"* ]] && break
    if [[ $line =~ bytes\ \<=\ \(([0-9]+)\ \<\<\ ([0-9]+)\)\)\ return\ ([0-9]+) ]]; then
      bands+=("$(( BASH_REMATCH[1] << BASH_REMATCH[2] )) ${BASH_REMATCH[3]}")
    elif [[ $line =~ return\ ([0-9]+)\; ]]; then
      bands+=("inf ${BASH_REMATCH[1]}")
    fi
  done < "$peers/allreduce_bench.c"
  [ ${#bands[@]} -ge 1 ] && [[ ${bands[-1]} == inf* ]] || {
    echo "compare-openmpi: cannot read iterations_for() in $peers/allreduce_bench.c; pass --iters N" >&2; exit 2; }
fi

# Runs ring4j's bench over sizes lo, lo*4, ... <= hi, in the bands above; appends the CSV rows to $1.
run_ring4j() {
  local csv=$1 from=$lo band limit iters b e s
  shift
  if [ ${#bands[@]} -eq 0 ]; then
    RING4J_TTY=0 "$root/ring4j" bench -n "$n" -b "$lo" -e "$hi" -f 4 --csv "$tmp/part.csv" "$@" >/dev/null
    cat "$tmp/part.csv" >> "$csv"
    return
  fi
  for band in "${bands[@]}"; do
    read -r limit iters <<< "$band"
    b="" e=""
    for ((s = from; s <= hi; s *= 4)); do
      if [ "$limit" != inf ] && [ "$s" -gt "$limit" ]; then break; fi
      [ -z "$b" ] && b=$s
      e=$s
    done
    [ -n "$b" ] || continue
    RING4J_TTY=0 "$root/ring4j" bench -n "$n" -b "$b" -e "$e" -f 4 --iters "$iters" --csv "$tmp/part.csv" "$@" >/dev/null
    cat "$tmp/part.csv" >> "$csv"
    from=$((e * 4))
  done
}

for r in $(seq 1 "$rounds"); do
  echo "# round $r/$rounds: ring4j" >&2
  : > "$tmp/r4j.$r.csv"
  run_ring4j "$tmp/r4j.$r.csv" "$@"
  # size_bytes,time_us,busbw_gbps,wrong of all-reduce rows (the header lines of each band are skipped)
  awk -F, -v r="$r" '$1 == "all-reduce" { if ($11 != 0) { print "ring4j: wrong elements at " $6 > "/dev/stderr"; exit 3 }
    print $6, r, $8, $10 }' "$tmp/r4j.$r.csv" >> "$tmp/r4j.txt"
  echo "# round $r/$rounds: Open MPI" >&2
  bash "$peers/run-openmpi.sh" "$n" "$mpi_mode" "$lo" "$hi" 2>/dev/null > "$tmp/mpi.$r.txt"
  awk -v r="$r" '$1 ~ /^[0-9]+$/ && NF >= 8 { if ($8 != 0) { print "Open MPI: wrong elements at " $1 > "/dev/stderr"; exit 3 }
    print $1, r, $5, $7 }' "$tmp/mpi.$r.txt" >> "$tmp/mpi.txt"
done

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "# ring4j vs Open MPI, $n ranks, all-reduce float32 sum, $rounds rounds; ring4j options: ${*:-(none)}"
echo "# wires: $wires"
[ "$compare" = local ] || echo "# TCP congestion control on loopback: $cc$([ "$compare" = unix-tcp ] && echo ' (Open MPI only)')"
if [ ${#bands[@]} -gt 0 ]; then
  echo "# iterations per size, both programs (Open MPI's iterations_for): $(printf '%s; ' "${bands[@]}" | sed 's/inf/above/; s/; $//')"
fi
echo "# times: back-to-back mean of the slowest rank (median over rounds); ratio = ring4j busbw / MPI busbw per round"
printf '%12s %12s %12s %10s %10s %10s %18s\n' "size(B)" "ring4j(us)" "MPI(us)" "ring4j GB/s" "MPI GB/s" "ratio" "ratio range"
echo "series,size_bytes,time_us,busbw_gbps" > "$tmp/medians.csv"
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
  echo "$r4j_series,$size,$rt,$rb" >> "$tmp/medians.csv.r4j"
  echo "$mpi_series,$size,$mt,$mb" >> "$tmp/medians.csv.mpi"
done
cat "$tmp/medians.csv.r4j" "$tmp/medians.csv.mpi" >> "$tmp/medians.csv" 2>/dev/null || true
if [ -n "${RING4J_COMPARE_CSV:-}" ]; then
  cp "$tmp/medians.csv" "$RING4J_COMPARE_CSV"
  echo "# medians written to $RING4J_COMPARE_CSV"
fi
if [ -n "${RING4J_COMPARE_PLOT:-}" ]; then
  "$root/ring4j" plot -o "$RING4J_COMPARE_PLOT" --title "all-reduce float32 sum, $n ranks: median busbw of $rounds rounds" "$tmp/medians.csv"
  echo "# plot written to $RING4J_COMPARE_PLOT"
fi
