#!/usr/bin/env bash
# Draws the charts of docs/performance.md, each with one command, into docs/img (or DIR):
#
#   scripts/plots.sh loopback N [ROUNDS]  ring4j over Unix sockets and over TCP, Open MPI over TCP and
#                                         over shared memory, N ranks, 8 B .. 32 MiB: ROUNDS (default 3)
#                                         alternating rounds per wire (scripts/compare-openmpi.sh),
#                                         medians -> loopback-N-ranks.csv and .png
#   scripts/plots.sh links [RATE]         4 ranks in network namespaces over links of RATE (default
#                                         1gbit), 1 and then 2 links per neighbour, cubic (root;
#                                         scripts/bench-netns.sh) -> netns-4-ranks.csv and .png
#   scripts/plots.sh model [N]            bench -n N (default 4) --model: measured busbw and the time
#                                         model's curves for N and 16 ranks -> model-N-ranks.png
#   scripts/plots.sh baseline             bench -n 2 --baseline: busbw against the wire's stream and
#                                         duplex limits -> bench-2-ranks-baseline.png
#   scripts/plots.sh kernels [JDK...]     JMH kernels as ratios to a memory copy (scripts/jmh.sh) on each
#                                         JDK home given (default: this java), and with RING4J_VECTOR
#                                         on the first -> kernels.csv and .png
#
# RING4J_PLOTS_DIR overrides the output directory. The CSV files keep the numbers behind each chart.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out=${RING4J_PLOTS_DIR:-$root/docs/img}
usage() { sed -n '2,19p' "$0" >&2; exit 2; }
[ $# -ge 1 ] || usage
what=$1
shift
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
header="series,size_bytes,time_us,busbw_gbps"

case "$what" in
  loopback)
    n=${1:-}
    rounds=${2:-3}
    [[ $n =~ ^[0-9]+$ && $n -ge 2 && $rounds =~ ^[1-9][0-9]*$ ]] || {
      echo "plots.sh loopback: N (ranks, 2 or more) and ROUNDS are numbers, e.g. scripts/plots.sh loopback 4 3" >&2; exit 2; }
    for mode in unix-tcp tcp local; do
      echo "# plots.sh: $n ranks, RING4J_COMPARE=$mode, $rounds rounds" >&2
      RING4J_COMPARE=$mode RING4J_COMPARE_CSV="$tmp/$mode.csv" "$root/scripts/compare-openmpi.sh" "$n" "$rounds" 8 33554432
    done
    csv="$out/loopback-$n-ranks.csv"
    { echo "$header"
      grep -h '^ring4j Unix' "$tmp/unix-tcp.csv"           # ring4j as shipped
      grep -hv '^series' "$tmp/tcp.csv"                    # both over TCP, the like-for-like wire
      grep -h '^Open MPI shared' "$tmp/local.csv"          # Open MPI's own local transport
    } > "$csv"
    "$root/ring4j" plot -o "$out/loopback-$n-ranks.png" "$csv" \
      --title "all-reduce float32 sum, $n ranks on $(nproc) cores, loopback: median busbw of $rounds alternating rounds"
    ;;
  links)
    rate=${1:-1gbit}
    csv="$out/netns-4-ranks.csv"
    echo "$header" > "$tmp/all.csv"
    for k in 1 2; do
      echo "# plots.sh: 4 ranks, $k link(s) per neighbour at $rate" >&2
      RING4J_LAB_CC=${RING4J_LAB_CC:-cubic} "$root/scripts/bench-netns.sh" 4 "$k" "$rate" -b 1M -e 32M --iters 5 \
        --csv "$tmp/links-$k.csv"
      awk -F, -v k="$k" -v rate="$rate" '$1 == "all-reduce" {
        printf "%d link%s per neighbour (%s each way each),%s,%s,%s\n", k, (k > 1 ? "s" : ""), rate, $6, $8, $10 }' \
        "$tmp/links-$k.csv" >> "$tmp/all.csv"
    done
    cp "$tmp/all.csv" "$csv"
    # Reference lines in busbw (GB/s): full duplex over one link is 2 x RATE, the target 90% of it.
    limits=()
    if [[ $rate =~ ^([0-9.]+)(gbit|mbit)$ ]]; then
      gb=$(awk -v v="${BASH_REMATCH[1]}" -v u="${BASH_REMATCH[2]}" 'BEGIN { printf "%.6f", (u == "gbit" ? v : v / 1000) / 8 }')
      limits=(--limit "target with 1 link: 90% of full duplex=$(awk -v g="$gb" 'BEGIN { print 1.8 * g }')"
              --limit "full duplex limit, 1 link=$(awk -v g="$gb" 'BEGIN { print 2 * g }')"
              --limit "full duplex limit, 2 links=$(awk -v g="$gb" 'BEGIN { print 4 * g }')")
    fi
    "$root/ring4j" plot -o "$out/netns-4-ranks.png" "$csv" "${limits[@]}" \
      --title "all-reduce float32 sum, 4 ranks in 4 network namespaces, tc tbf $rate links, ${RING4J_LAB_CC:-cubic}"
    ;;
  model)
    n=${1:-4}
    [[ $n =~ ^[0-9]+$ && $n -ge 2 ]] || { echo "plots.sh model: N is a number of ranks, 2 or more" >&2; exit 2; }
    "$root/ring4j" bench -n "$n" --model -b 1K -e 32M --plot "$out/model-$n-ranks.png"
    ;;
  baseline)
    "$root/ring4j" bench -n 2 --baseline -b 8K -e 32M --plot "$out/bench-2-ranks-baseline.png"
    ;;
  kernels)
    homes=("$@")
    [ ${#homes[@]} -gt 0 ] || homes=("${JAVA_HOME:-}")
    csv="$out/kernels.csv"
    echo "series,category,value" > "$tmp/kernels.csv"
    first=1
    for home in "${homes[@]}"; do
      java=${home:+$home/bin/}java
      command -v "$java" >/dev/null || { echo "plots.sh kernels: no java at $java; give JDK home directories" >&2; exit 2; }
      major=$("$java" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')
      [ -n "$major" ] || { echo "plots.sh kernels: cannot run $java" >&2; exit 2; }
      variants=(portable)
      [ $first = 1 ] && variants+=(vector)
      first=0
      for variant in "${variants[@]}"; do
        label="JDK $major"
        args=()
        if [ "$variant" = vector ]; then label="JDK $major + RING4J_VECTOR=1"; args=(--vector); fi
        echo "# plots.sh: JMH kernels, $label" >&2
        # The table rows of scripts/jmh.sh: | dtype | op | ops/s | GB/s | x copy | target | met |
        JAVA_HOME=$home "$root/scripts/jmh.sh" ${args[@]+"${args[@]}"} | tee "$tmp/jmh.txt" >&2
        awk -F'|' -v s="$label" 'NF >= 7 && $6 ~ /x *$/ { gsub(/ /, "", $2); gsub(/ /, "", $3); gsub(/[ x]/, "", $6)
          print s "," $2 " " $3 "," $6 }' "$tmp/jmh.txt" >> "$tmp/kernels.csv"
      done
    done
    cp "$tmp/kernels.csv" "$csv"
    "$root/ring4j" plot --bars -o "$out/kernels.png" --y-title "bandwidth / System.arraycopy of 8 MiB" \
      --limit "target float16, bfloat16: 0.25x=0.25" --limit "target float32 sum: 0.5x=0.5" \
      --title "reduction kernels, 8 MiB, ratio to a memory copy in the same JMH run" "$csv"
    ;;
  -h|--help) usage ;;
  *) echo "plots.sh: '$what' is not a chart: loopback, links, model, baseline or kernels" >&2; exit 2 ;;
esac
echo "# plots.sh: written to $out" >&2
