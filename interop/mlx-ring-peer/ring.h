// The two entry points of mlx/distributed/ring/ring.h.
#pragma once

#include <memory>

#include "mlx_shim.h"

namespace mlx::core::distributed::ring {

using GroupImpl = mlx::core::distributed::detail::GroupImpl;

bool is_available();
std::shared_ptr<GroupImpl> init(bool strict = false);

// ADDITION (not in MLX): output[i] = op(output[i], input[i]) with the seed's SumOp (op 0),
// MaxOp (1) or MinOp (2); see ring.cpp.
void reference_reduce(Dtype dtype, int op, const void* input, void* output, size_t n);

} // namespace mlx::core::distributed::ring
