#!/usr/bin/env bash
# ring4j bench over real, rate-limited links: N ranks, each in its own network namespace with K
# links (tc tbf at RATE in both directions), one rank per namespace, rank 0's table on stdout.
# Needs root and iproute2 (see netns-lab.sh). Cleans up its namespaces however it ends.
#
#   scripts/bench-netns.sh N K RATE [bench options...]
#   scripts/bench-netns.sh 4 1 1gbit -b 1M -e 32M            # target: busbw >= 1.8 Gbit/s = 0.225 GB/s
#   scripts/bench-netns.sh 4 2 1gbit -b 1M -e 32M            # 2 links per neighbour: ~2x
#   RING4J_LAB_CC=cubic scripts/bench-netns.sh ...          # congestion control of every host
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
n=$1 k=$2 rate=$3
shift 3
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lab="$root/scripts/netns-lab.sh"
id=${RING4J_LAB_ID:-7}
jar="$root/ring4j-cli/target/ring4j-cli-all.jar"
[ "$(id -u)" = 0 ] || { echo "bench-netns: needs root (ip netns)" >&2; exit 2; }
"$root/ring4j" --version >/dev/null # builds the jar if needed
tmp="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$lab" down "$id"
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
# Point-to-point links between neighbours (a ring), as the both-directions target assumes;
# RING4J_LAB_TOPOLOGY=switch puts every host on one link to a switch instead.
if [ "${RING4J_LAB_TOPOLOGY:-ring}" = switch ]; then
  "$lab" up "$id" "$n" "$k" "$rate"
  "$lab" hostfile "$id" "$n" "$k" 6000 > "$tmp/hosts.json"
else
  "$lab" up-ring "$id" "$n" "$k" "$rate"
  "$lab" hostfile-ring "$id" "$n" "$k" 6000 > "$tmp/hosts.json"
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
for r in $(seq 1 $((n - 1))); do
  ip netns exec "r4j-$id-$r" "$java" ${RING4J_JAVA_OPTS:-} -jar "$jar" bench --hostfile "$tmp/hosts.json" --rank "$r" "$@" \
    > "$tmp/out.$r" 2>&1 &
  pids+=($!)
done
set +e
RING4J_TTY=0 ip netns exec "r4j-$id-0" "$java" ${RING4J_JAVA_OPTS:-} -jar "$jar" bench --hostfile "$tmp/hosts.json" --rank 0 "$@"
rc=$?
for p in "${pids[@]}"; do wait "$p" || { rc=1; echo "bench-netns: a rank failed:" >&2; cat "$tmp"/out.* >&2; }; done
pids=()
cc=$(ip netns exec "r4j-$id-0" sysctl -n net.ipv4.tcp_congestion_control 2>/dev/null || echo unknown)
echo "# links: $n namespaces, ${RING4J_LAB_TOPOLOGY:-ring} topology, $k link(s) per neighbour, tc tbf $rate per direction, TCP congestion control $cc (RING4J_LAB_CC)"
exit $rc
