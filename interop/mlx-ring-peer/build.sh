#!/bin/sh
# Builds mlx_ring_peer (the standalone port of MLX's ring backend) into the given directory.
#   interop/mlx-ring-peer/build.sh <output-dir>      -> <output-dir>/mlx_ring_peer
# Needs g++ with C++17; CXX overrides the compiler. Exits 3 when no compiler is found, so that
# callers can tell "cannot build here" from "the build failed" (exit 1).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-}
if [ -z "$out" ]; then
  echo "usage: $0 <output-dir>" >&2
  exit 2
fi
cxx=${CXX:-g++}
if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "build.sh: C++ compiler '$cxx' not found; install g++ (e.g. apt-get install g++) or set CXX" >&2
  exit 3
fi
mkdir -p "$out"
# -fwrapv: the seed's `*output += *input` on int32/int64 relies on two's complement wrap-around,
# which C++17 leaves undefined for signed overflow; MLX's builds wrap in practice, -fwrapv makes
# it guaranteed here. Nothing else differs from the plain -O2 build.
"$cxx" -O2 -std=c++17 -pthread -fwrapv -Wall -Wno-sign-compare -Wno-unused-variable \
  -o "$out/mlx_ring_peer" "$here/ring.cpp" "$here/main.cpp"
echo "built $out/mlx_ring_peer"
