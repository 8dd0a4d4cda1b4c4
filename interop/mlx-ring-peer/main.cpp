// mlx_ring_peer: runs a fixed sequence of collectives over the ported MLX ring backend (ring.cpp)
// and prints a hash of every output, so that the outputs can be compared, bit for bit, with
// ring4j ranks taking part in the same ring (org.ring4j.it.InteropRankMain does the same in Java).
//
//   mlx_ring_peer interop        one rank of the ring in MLX_HOSTFILE, rank MLX_RANK
//                                (exits with status 3 if its parent process goes away)
//   mlx_ring_peer inputs <n>     hashes of every input of the interop scenario for ranks 0..n-1
//   mlx_ring_peer kernels        hashes of the seed's SumOp/MaxOp/MinOp on rank 0's and rank 1's
//                                inputs, per dtype (checks reduction kernels without a ring)
//
// Output (stdout), one line per case, flushed as it goes, then the digest:
//   CASE <name> <fnv1a64 of the output bytes, 16 lower-case hex digits>
//   DIGEST <fnv1a64 of all CASE lines above, each with its '\n'>
// The scenario (inputs, case order, names) is specified in README.md; keep the Java side in step.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "mlx_shim.h"
#include "ring.h"

using namespace mlx::core;
using GroupPtr = std::shared_ptr<distributed::detail::GroupImpl>;

namespace {

// ---------------------------------------------------------------- hashing and inputs

constexpr uint64_t FNV_OFFSET = 0xcbf29ce484222325ULL;
constexpr uint64_t FNV_PRIME = 0x100000001b3ULL;

uint64_t fnv1a(const void* data, size_t n, uint64_t h = FNV_OFFSET) {
  const unsigned char* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= FNV_PRIME;
  }
  return h;
}

uint64_t splitmix64(uint64_t x) {
  uint64_t z = x + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The per-(case, rank) key; element i draws h_i = splitmix64(key + i).
uint64_t input_key(const std::string& name, int rank) {
  return splitmix64(
      fnv1a(name.data(), name.size()) ^
      (uint64_t(rank + 1) * 0x9E3779B97F4A7C15ULL));
}

// A float of E exponent and M mantissa bits (W = 1 + E + M) from h. `safe` (used for sums)
// keeps every NaN the same positive quiet NaN and never yields -inf or a negative value that
// could overflow to -inf, so that no two different NaNs ever meet in an addition (their result is
// hardware- and operand-order-dependent); max/min get every kind of NaN and both infinities.
uint64_t float_bits(uint64_t h, int E, int M, bool safe) {
  const int W = 1 + E + M;
  const uint64_t sign_bit = uint64_t(1) << (W - 1);
  const uint64_t exp_all = (uint64_t(1) << E) - 1;
  const uint64_t bias = (uint64_t(1) << (E - 1)) - 1;
  const uint64_t mant_mask = (uint64_t(1) << M) - 1;
  const uint64_t cls = h >> 60;
  const uint64_t sign = ((h >> 59) & 1) ? sign_bit : 0;
  const uint64_t mant = h & mant_mask;
  switch (cls) {
    case 0: // NaN
      return safe ? (exp_all << M) | (uint64_t(1) << (M - 1))
                  : sign | (exp_all << M) | (mant | 1);
    case 1: // +inf
      return exp_all << M;
    case 2: // sums: the largest finite value (overflows to +inf); max/min: -inf
      return safe ? ((exp_all - 1) << M) | mant_mask : sign_bit | (exp_all << M);
    case 3: // -0
      return sign_bit;
    case 4: // +0
      return 0;
    case 5: // subnormal (or a zero when mant == 0)
      return sign | mant;
    default: { // normal, unbiased exponent -8 .. 7
      uint64_t e = bias - 8 + ((h >> 48) & 15);
      return sign | (e << M) | mant;
    }
  }
}

const char* dtype_name(Dtype t) {
  switch (t) {
    case bool_: return "bool";
    case int8: return "int8";
    case int16: return "int16";
    case int32: return "int32";
    case int64: return "int64";
    case uint8: return "uint8";
    case uint16: return "uint16";
    case uint32: return "uint32";
    case uint64: return "uint64";
    case float16: return "float16";
    case bfloat16: return "bfloat16";
    case float32: return "float32";
    case float64: return "float64";
    case complex64: return "complex64";
  }
  return "?";
}

const Dtype DTYPES[] = {bool_, int8, int16, int32, int64, uint8, uint16,
                        uint32, uint64, float16, bfloat16, float32, float64, complex64};
const char* OPS[] = {"sum", "max", "min"};

void put_le(unsigned char* p, uint64_t v, size_t width) {
  for (size_t b = 0; b < width; b++) {
    p[b] = static_cast<unsigned char>(v >> (8 * b));
  }
}

// Fills `count` elements of `dtype` for case `name`, rank `rank`, little-endian.
void fill_input(
    unsigned char* out,
    Dtype dtype,
    size_t count,
    const std::string& name,
    int rank,
    bool safe) {
  const uint64_t key = input_key(name, rank);
  const size_t w = size_of(dtype);
  for (size_t i = 0; i < count; i++) {
    const uint64_t h = splitmix64(key + i);
    unsigned char* p = out + i * w;
    switch (dtype) {
      case bool_:
        p[0] = static_cast<unsigned char>(h & 1);
        break;
      case int8:
      case uint8:
      case int16:
      case uint16:
      case int32:
      case uint32:
      case int64:
      case uint64:
        put_le(p, h, w);
        break;
      case float16:
        put_le(p, float_bits(h, 5, 10, safe), 2);
        break;
      case bfloat16:
        put_le(p, float_bits(h, 8, 7, safe), 2);
        break;
      case float32:
        put_le(p, float_bits(h, 8, 23, safe), 4);
        break;
      case float64:
        put_le(p, float_bits(h, 11, 52, safe), 8);
        break;
      case complex64:
        put_le(p, float_bits(h, 8, 23, safe), 4);
        put_le(p + 4, float_bits(splitmix64(h), 8, 23, safe), 4);
        break;
    }
  }
}

// Bytes for all-gather and send/recv: the low byte of h_i.
void fill_bytes(unsigned char* out, size_t n, const std::string& name, int rank) {
  const uint64_t key = input_key(name, rank);
  for (size_t i = 0; i < n; i++) {
    out[i] = static_cast<unsigned char>(splitmix64(key + i));
  }
}

// ---------------------------------------------------------------- the case list

enum Kind { REDUCE, GATHER, SEND_RIGHT, SEND_LEFT };

struct Case {
  std::string name;
  Kind kind;
  int op; // REDUCE: 0 sum, 1 max, 2 min
  Dtype dtype; // REDUCE
  size_t count; // REDUCE: elements; others: bytes
};

std::vector<size_t> reduce_counts(int n) {
  std::vector<size_t> out;
  for (long c : {1L, long(n) - 1, long(n), long(n) + 1, 1000L, 131075L}) {
    if (c <= 0) {
      continue;
    }
    bool seen = false;
    for (size_t o : out) {
      seen = seen || o == size_t(c);
    }
    if (!seen) {
      out.push_back(size_t(c));
    }
  }
  return out;
}

std::vector<Case> cases(int n) {
  std::vector<Case> out;
  for (int op = 0; op < 3; op++) {
    for (Dtype t : DTYPES) {
      for (size_t c : reduce_counts(n)) {
        out.push_back(
            {std::string("all_") + OPS[op] + "." + dtype_name(t) + "." + std::to_string(c),
             REDUCE, op, t, c});
      }
    }
  }
  out.push_back({"all_sum.float32.1500007", REDUCE, 0, float32, 1500007});
  for (size_t b : {size_t(0), size_t(1), size_t(300000), size_t(1048579)}) {
    out.push_back({"all_gather." + std::to_string(b), GATHER, 0, uint8, b});
  }
  for (size_t b : {size_t(0), size_t(1), size_t(1025), size_t(300001)}) {
    out.push_back({"send_right." + std::to_string(b), SEND_RIGHT, 0, uint8, b});
    out.push_back({"send_left." + std::to_string(b), SEND_LEFT, 0, uint8, b});
  }
  return out;
}

std::string hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// ---------------------------------------------------------------- scenarios

// Two buffers reused from case to case: allocating fresh ones for every case costs more (page
// faults, zeroing) than the collectives themselves on a small machine. Every case writes all the
// bytes it reads; one spare byte keeps data() non-null for 0 bytes.
struct Buffers {
  std::vector<unsigned char> first, second;

  static unsigned char* at_least(std::vector<unsigned char>& v, size_t n) {
    if (v.size() < n + 1) {
      v.resize(n + 1);
    }
    return v.data();
  }
};

// A case's output: the bytes to hash.
struct Output {
  const unsigned char* data;
  size_t size;
};

// Runs one case on `group` with buffers `b`.
Output run_case(const Case& c, distributed::detail::GroupImpl& g, Buffers& b) {
  const int rank = g.rank();
  const int n = g.size();
  Stream s;
  switch (c.kind) {
    case REDUCE: {
      const size_t nbytes = c.count * size_of(c.dtype);
      unsigned char* in = Buffers::at_least(b.first, nbytes);
      fill_input(in, c.dtype, c.count, c.name, rank, c.op == 0);
      // max runs in place (output is the input), sum and min out of place: the seed copies the
      // input to the output first, so the wire is the same either way.
      unsigned char* out = c.op == 1 ? in : Buffers::at_least(b.second, nbytes);
      array input(in, c.count, c.dtype);
      array output(out, c.count, c.dtype);
      if (c.op == 0) {
        g.all_sum(input, output, s);
      } else if (c.op == 1) {
        g.all_max(input, output, s);
      } else {
        g.all_min(input, output, s);
      }
      return {out, nbytes};
    }
    case GATHER: {
      unsigned char* in = Buffers::at_least(b.first, c.count);
      fill_bytes(in, c.count, c.name, rank);
      unsigned char* out = Buffers::at_least(b.second, n * c.count);
      array input(in, c.count, uint8);
      array output(out, n * c.count, uint8);
      g.all_gather(input, output, s);
      return {out, n * c.count};
    }
    case SEND_RIGHT:
    case SEND_LEFT: {
      // A relay around the ring: rank 0 sends its bytes one way, every other rank receives them
      // and passes them on, rank 0 gets them back last. Every rank hashes what it received.
      const int right = (rank + 1) % n;
      const int left = (rank + n - 1) % n;
      const int to = c.kind == SEND_RIGHT ? right : left;
      const int from = c.kind == SEND_RIGHT ? left : right;
      unsigned char* buf = Buffers::at_least(b.second, c.count);
      array a(buf, c.count, uint8);
      if (rank == 0) {
        unsigned char* mine = Buffers::at_least(b.first, c.count);
        fill_bytes(mine, c.count, c.name, 0);
        array m(mine, c.count, uint8);
        g.send(m, to, s);
        g.recv(a, from, s);
      } else {
        g.recv(a, from, s);
        g.send(a, to, s);
      }
      return {buf, c.count};
    }
  }
  throw std::logic_error("unknown case kind");
}

// ---------------------------------------------------------------- self-check (a model of the ring)

// The result every rank should hold, computed without a ring from all ranks' inputs, in the
// order in which the seed reduces: the data is split into sub-reduces (direction +1 for even i,
// -1 for odd i), each into n segments; segment s starts as rank s's values and travels around
// the ring, each rank computing out = op(out = its own values, in = the values received).
// Direction -1 sends to the right, so segment s visits s, s+1, ..., s+n-1; direction +1 sends
// to the left: s, s-1, ..., s-n+1. Inputs of fewer than n elements are padded with zeros to n
// elements and reduced as one sub-reduce with direction -1.
std::vector<unsigned char> expected_output(const Case& c, int n, size_t k) {
  if (c.kind == GATHER) {
    std::vector<unsigned char> out(n * c.count + 1);
    for (int r = 0; r < n; r++) {
      fill_bytes(out.data() + r * c.count, c.count, c.name, r);
    }
    out.resize(n * c.count);
    return out;
  }
  if (c.kind != REDUCE) {
    std::vector<unsigned char> out(c.count + 1);
    fill_bytes(out.data(), c.count, c.name, 0);
    out.resize(c.count);
    return out;
  }
  const size_t w = size_of(c.dtype);
  const size_t size = c.count < size_t(n) ? size_t(n) : c.count;
  std::vector<std::vector<unsigned char>> x(n, std::vector<unsigned char>(size * w, 0));
  for (int r = 0; r < n; r++) {
    fill_input(x[r].data(), c.dtype, c.count, c.name, r, c.op == 0);
  }
  std::vector<std::pair<size_t, size_t>> subs; // [start, stop) of each sub-reduce
  std::vector<int> dirs;
  if (c.count < size_t(n)) {
    subs.push_back({0, size});
    dirs.push_back(-1);
  } else {
    size_t n_reduces = std::max(std::min(2 * k, size * w / (n * size_t(262144))), size_t(1));
    size_t step = (size + n_reduces - 1) / n_reduces;
    for (size_t i = 0; i < n_reduces; i++) {
      subs.push_back({i * step, std::min(size, (i + 1) * step)});
      dirs.push_back((i % 2) ? -1 : 1);
    }
  }
  std::vector<unsigned char> out(size * w), tmp;
  for (size_t i = 0; i < subs.size(); i++) {
    const size_t m = subs[i].second - subs[i].first;
    const size_t seg = (m + n - 1) / n;
    for (int s = 0; s < n; s++) {
      const size_t lo = subs[i].first + std::min(m, s * seg);
      const size_t hi = subs[i].first + std::min(m, (s + 1) * seg);
      if (hi <= lo) {
        continue;
      }
      std::vector<unsigned char> acc(x[s].begin() + lo * w, x[s].begin() + hi * w);
      for (int t = 1; t < n; t++) {
        const int r = ((s - dirs[i] * t) % n + n) % n;
        tmp.assign(x[r].begin() + lo * w, x[r].begin() + hi * w);
        distributed::ring::reference_reduce(c.dtype, c.op, acc.data(), tmp.data(), hi - lo);
        acc.swap(tmp);
      }
      std::memcpy(out.data() + lo * w, acc.data(), acc.size());
    }
  }
  out.resize(c.count * w);
  return out;
}

// The number of connections per neighbour, from the hostfile (for the self-check's model).
size_t connections_per_neighbour() {
  const char* path = std::getenv("MLX_HOSTFILE");
  FILE* f = path ? std::fopen(path, "r") : nullptr;
  if (!f) {
    throw std::runtime_error("self-check: cannot read MLX_HOSTFILE");
  }
  // Count the strings in the first inner list: quotes / 2 up to the first ']'.
  size_t quotes = 0;
  for (int ch; (ch = std::fgetc(f)) != EOF && ch != ']';) {
    quotes += ch == '"';
  }
  std::fclose(f);
  return quotes / 2;
}

int scenario_interop() {
  GroupPtr g = distributed::ring::init(true);
  const int n = g->size();
  std::cerr << "[peer] rank " << g->rank() << " of " << n << " connected" << std::endl;
  auto t0 = std::chrono::steady_clock::now();
  // MLX_PEER_SELFCHECK=1: also compare every output with expected_output() (slower).
  const bool selfcheck = std::getenv("MLX_PEER_SELFCHECK") != nullptr;
  const size_t k = selfcheck ? connections_per_neighbour() : 0;
  int failures = 0;
  uint64_t digest = FNV_OFFSET;
  Buffers buffers;
  for (const Case& c : cases(n)) {
    const Output out = run_case(c, *g, buffers);
    if (selfcheck) {
      std::vector<unsigned char> want = expected_output(c, n, k);
      if (want.size() != out.size || std::memcmp(want.data(), out.data, out.size) != 0) {
        size_t at = 0;
        while (at < out.size && at < want.size() && out.data[at] == want[at]) {
          at++;
        }
        std::cerr << "[peer] SELFCHECK FAIL " << c.name << ": first difference at byte " << at
                  << " of " << out.size << std::endl;
        failures++;
      }
    }
    std::string line = "CASE " + c.name + " " + hex64(fnv1a(out.data, out.size)) + "\n";
    digest = fnv1a(line.data(), line.size(), digest);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
  }
  std::printf("DIGEST %s\n", hex64(digest).c_str());
  std::fflush(stdout);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - t0)
                .count();
  std::cerr << "[peer] rank " << g->rank() << " done in " << ms << " ms" << std::endl;
  if (selfcheck) {
    std::cerr << "[peer] SELFCHECK " << (failures == 0 ? "ok" : "FAILED") << " (" << failures
              << " cases differ from the model)" << std::endl;
  }
  return failures == 0 ? 0 : 4;
}

int scenario_inputs(int n) {
  for (const Case& c : cases(n)) {
    for (int r = 0; r < n; r++) {
      std::vector<unsigned char> in;
      if (c.kind == REDUCE) {
        in.resize(c.count * size_of(c.dtype));
        fill_input(in.data(), c.dtype, c.count, c.name, r, c.op == 0);
      } else {
        in.resize(c.count + 1);
        fill_bytes(in.data(), c.count, c.name, c.kind == GATHER ? r : 0);
        in.resize(c.count);
      }
      std::printf("INPUT %s %d %s\n", c.name.c_str(), r, hex64(fnv1a(in.data(), in.size())).c_str());
    }
  }
  std::fflush(stdout);
  return 0;
}

int scenario_kernels() {
  for (int op = 0; op < 3; op++) {
    for (Dtype t : DTYPES) {
      std::string name = std::string("all_") + OPS[op] + "." + dtype_name(t) + ".1000";
      std::vector<unsigned char> out(1000 * size_of(t)), in(1000 * size_of(t));
      fill_input(out.data(), t, 1000, name, 0, op == 0);
      fill_input(in.data(), t, 1000, name, 1, op == 0);
      distributed::ring::reference_reduce(t, op, in.data(), out.data(), 1000);
      std::printf("KERNEL %s %s\n", name.c_str(), hex64(fnv1a(out.data(), out.size())).c_str());
    }
  }
  std::fflush(stdout);
  return 0;
}

} // namespace

// Exits when the process that started this one goes away (the test harness was killed): a rank
// whose peers are gone would otherwise spin in the seed's socket threads forever.
void exit_with_parent() {
  const pid_t parent = getppid();
  std::thread([parent] {
    while (true) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      if (getppid() != parent) {
        std::_Exit(3);
      }
    }
  }).detach();
}

int main(int argc, char** argv) {
  exit_with_parent();
  std::string scenario = argc > 1 ? argv[1] : "";
  try {
    if (scenario == "interop") {
      return scenario_interop();
    }
    if (scenario == "inputs" && argc > 2) {
      return scenario_inputs(std::atoi(argv[2]));
    }
    if (scenario == "kernels") {
      return scenario_kernels();
    }
  } catch (const std::exception& e) {
    std::cerr << "[peer] error: " << e.what() << std::endl;
    return 1;
  }
  std::cerr << "usage: mlx_ring_peer interop | inputs <n> | kernels" << std::endl;
  return 2;
}
