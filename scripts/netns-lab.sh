#!/usr/bin/env bash
# A lab of ring hosts in Linux network namespaces, for tests and benchmarks over real (rate-limited)
# links instead of loopback. Needs root and iproute2. Everything it makes is named r4j-ID-*, lives in
# namespaces it creates, and is removed by `down ID` (deleting a namespace deletes its links).
#
#   netns-lab.sh up ID N K [RATE]   N hosts r4j-ID-0..N-1, each with K links e0..e(K-1); link c of
#                                   every host sits on its own bridge c in the switch namespace
#                                   r4j-ID-sw, with address 10.213.(4*ID+c).(r+1)/24. RATE (e.g.
#                                   1gbit) limits each link in both directions with tc tbf.
#   netns-lab.sh hostfile ID N K PORT   prints the ring4j/MLX hostfile: rank r listens on
#                                   10.213.(4*ID+c).(r+1):PORT+c, so connection c uses link c.
#   netns-lab.sh up-ring ID N K [RATE]  the same hosts wired as a ring instead: K point-to-point
#                                   links between each pair of neighbours (rt<c> in host r to lf<c>
#                                   in host r+1, subnet 10.(100+ID).(16c+r).0/24), each its own
#                                   RATE in each direction, as separate NICs and cables would be.
#   netns-lab.sh hostfile-ring ID N K PORT  its hostfile: rank r listens on its left link c.
#   netns-lab.sh link ID R C up|down    takes host R's link C (its right link C in a ring) up or down.
#   netns-lab.sh down ID            removes everything of lab ID (idempotent).
#
# RING4J_LAB_CC=cubic|bbr|... sets TCP congestion control in every host (default: what a new
# namespace inherits from this machine). It matters on rate-limited links: on this project's VMs
# the default is bbr, whose pacing cost ring4j's all-reduce about 10% of busbw against cubic,
# Linux's usual default (docs/performance.md, section 2).
set -euo pipefail

usage() { sed -n '2,24p' "$0" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1 id=$2
[[ $id =~ ^[0-9]+$ ]] && [ "$id" -le 60 ] || { echo "netns-lab: ID must be 0..60, not '$id'" >&2; exit 2; }
sw=r4j-$id-sw
subnet() { echo "10.213.$((4 * id + $1))"; }

# A host: a namespace with loopback up and, if RING4J_LAB_CC is set, that congestion control.
new_host() {
  ip netns add "$1"
  ip -n "$1" link set lo up
  if [ -n "${RING4J_LAB_CC:-}" ]; then
    ip netns exec "$1" sysctl -q -w net.ipv4.tcp_congestion_control="$RING4J_LAB_CC" \
      || { echo "netns-lab: cannot set congestion control '$RING4J_LAB_CC' (see /proc/sys/net/ipv4/tcp_available_congestion_control)" >&2; down; exit 2; }
  fi
}

down() {
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^r4j-$id-" || true); do
    ip netns del "$ns" 2>/dev/null || true
  done
}

case $cmd in
  up)
    [ $# -ge 4 ] || usage
    n=$3 k=$4 rate=${5:-0}
    [ "$k" -ge 1 ] && [ "$k" -le 4 ] || { echo "netns-lab: K must be 1..4" >&2; exit 2; }
    down
    trap 'down' ERR
    new_host "$sw"
    for c in $(seq 0 $((k - 1))); do
      ip -n "$sw" link add "br$c" type bridge
      ip -n "$sw" link set "br$c" up
    done
    for r in $(seq 0 $((n - 1))); do
      ns=r4j-$id-$r
      new_host "$ns"
      for c in $(seq 0 $((k - 1))); do
        ip link add "e$c" netns "$ns" type veth peer name "s${r}c$c" netns "$sw"
        ip -n "$ns" addr add "$(subnet "$c").$((r + 1))/24" dev "e$c"
        ip -n "$ns" link set "e$c" up
        ip -n "$sw" link set "s${r}c$c" master "br$c"
        ip -n "$sw" link set "s${r}c$c" up
        if [ "$rate" != "0" ]; then
          # Egress of the host (what it sends) and egress of the switch port (what it receives).
          ip netns exec "$ns" tc qdisc add dev "e$c" root tbf rate "$rate" burst 256kb latency 50ms
          ip netns exec "$sw" tc qdisc add dev "s${r}c$c" root tbf rate "$rate" burst 256kb latency 50ms
        fi
      done
    done
    trap - ERR
    ;;
  up-ring)
    [ $# -ge 4 ] || usage
    n=$3 k=$4 rate=${5:-0}
    [ "$n" -ge 2 ] && [ "$n" -le 16 ] || { echo "netns-lab: a ring needs 2..16 hosts" >&2; exit 2; }
    [ "$k" -ge 1 ] && [ "$k" -le 4 ] || { echo "netns-lab: K must be 1..4" >&2; exit 2; }
    down
    trap 'down' ERR
    for r in $(seq 0 $((n - 1))); do
      new_host "r4j-$id-$r"
    done
    for r in $(seq 0 $((n - 1))); do
      right=$(( (r + 1) % n ))
      for c in $(seq 0 $((k - 1))); do
        net="10.$((100 + id)).$((16 * c + r))"
        ip link add "rt$c" netns "r4j-$id-$r" type veth peer name "lf$c" netns "r4j-$id-$right"
        ip -n "r4j-$id-$r" addr add "$net.1/24" dev "rt$c"
        ip -n "r4j-$id-$right" addr add "$net.2/24" dev "lf$c"
        ip -n "r4j-$id-$r" link set "rt$c" up
        ip -n "r4j-$id-$right" link set "lf$c" up
        if [ "$rate" != "0" ]; then
          ip netns exec "r4j-$id-$r" tc qdisc add dev "rt$c" root tbf rate "$rate" burst 256kb latency 50ms
          ip netns exec "r4j-$id-$right" tc qdisc add dev "lf$c" root tbf rate "$rate" burst 256kb latency 50ms
        fi
      done
    done
    trap - ERR
    ;;
  hostfile-ring)
    [ $# -ge 5 ] || usage
    n=$3 k=$4 port=$5
    echo "["
    for r in $(seq 0 $((n - 1))); do
      left=$(( (r + n - 1) % n ))
      line="  ["
      for c in $(seq 0 $((k - 1))); do
        [ "$c" -gt 0 ] && line+=", "
        line+="\"10.$((100 + id)).$((16 * c + left)).2:$((port + c))\""
      done
      line+="]"
      [ "$r" -lt $((n - 1)) ] && line+=","
      echo "$line"
    done
    echo "]"
    ;;
  hostfile)
    [ $# -ge 5 ] || usage
    n=$3 k=$4 port=$5
    echo "["
    for r in $(seq 0 $((n - 1))); do
      line="  ["
      for c in $(seq 0 $((k - 1))); do
        [ "$c" -gt 0 ] && line+=", "
        line+="\"$(subnet "$c").$((r + 1)):$((port + c))\""
      done
      line+="]"
      [ "$r" -lt $((n - 1)) ] && line+=","
      echo "$line"
    done
    echo "]"
    ;;
  link)
    [ $# -ge 5 ] || usage
    if ip -n "r4j-$id-$3" link show "e$4" >/dev/null 2>&1; then dev="e$4"; else dev="rt$4"; fi
    ip -n "r4j-$id-$3" link set "$dev" "$5"
    ;;
  down)
    down
    ;;
  *)
    usage
    ;;
esac
