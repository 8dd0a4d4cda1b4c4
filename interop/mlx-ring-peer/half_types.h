// MLX's element types as MLX defines them on x86 (no native ARM fp16/bf16), ported from
// mlx/types/fp16.h, mlx/types/bf16.h and mlx/types/complex.h. Only what the ring backend's
// SumOp / MaxOp / MinOp use is kept: construction from float, conversion to float, `+=`,
// the comparisons (std::max / std::min use operator<), and complex64's lexicographic order.
//
// DEVIATION: MLX generates many more mixed-type operators with macros; this keeps the ones that
// overload resolution picks for `*output += *input` and `std::max(*output, *input)` on two
// values of the same type, which are the only expressions ring.cpp evaluates.
#pragma once

#include <cmath>
#include <complex>
#include <cstdint>

namespace mlx::core {

// ---------------------------------------------------------------- float16 (mlx/types/fp16.h)

#define __MLX_HALF_NAN__ 0x7D00

namespace detail_fp16 {
union float_bits {
  float f;
  uint32_t u;
};
} // namespace detail_fp16

struct _MLX_Float16 {
  uint16_t bits_;

  // Default constructor
  _MLX_Float16() = default;

  // Default copy constructor
  _MLX_Float16(_MLX_Float16 const&) = default;

  _MLX_Float16& operator=(_MLX_Float16 const&) = default;

  _MLX_Float16& operator=(const float& x) {
    return (*this = _MLX_Float16(x));
  }

  // From float32
  _MLX_Float16(const float& x) : bits_(0) {
    // Conversion following
    // https://github.com/Maratyszcza/FP16/blob/master/include/fp16/fp16.h
    using detail_fp16::float_bits;

    // Union
    float_bits in;

    // Take fp32 bits
    in.f = x;

    // Find and take sign bit
    uint32_t x_sign_32 = in.u & uint32_t(0x80000000);
    uint16_t x_sign_16 = (x_sign_32 >> 16);

    if (std::isnan(x)) {
      bits_ = x_sign_16 | uint16_t(__MLX_HALF_NAN__);
    } else {
      // Union
      float_bits inf_scale, zero_scale, magic_bits;

      // Find exponent bits and take the max supported by half
      uint32_t x_expo_32 = in.u & uint32_t(0x7f800000);
      uint32_t max_expo_32 = uint32_t(0x38800000);
      x_expo_32 = x_expo_32 < max_expo_32 ? max_expo_32 : x_expo_32;
      x_expo_32 += uint32_t(15) << 23;

      // Handle scaling to inf as needed
      inf_scale.u = uint32_t(0x77800000);
      zero_scale.u = uint32_t(0x08800000);

      // Combine with magic and let addition do rounding
      magic_bits.u = x_expo_32;
      magic_bits.f += (std::abs(x) * inf_scale.f) * zero_scale.f;

      // Take the lower 5 bits of the exponent
      uint32_t x_expo_16 = ((magic_bits.u >> 13) & uint32_t(0x7c00));

      // Collect the lower 12 bits which have the mantissa
      uint32_t x_mant_16 = magic_bits.u & uint32_t(0x0fff);

      // Combine sign, exp and mantissa
      bits_ = (x_sign_16 | uint16_t(x_expo_16 + x_mant_16));
    }
  }

  operator float() const {
    // Conversion following
    // https://github.com/Maratyszcza/FP16/blob/master/include/fp16/fp16.h
    using detail_fp16::float_bits;

    // Union
    float_bits out;

    uint32_t x_sign_32 = (bits_ << 16) & uint32_t(0x80000000);
    uint32_t base = (bits_ << 16);
    uint32_t two_base = base + base;

    uint32_t denorm_max = 1u << 27;
    if (two_base < denorm_max) {
      out.u = uint32_t(126) << 23; // magic mask
      out.u |= (two_base >> 17); // Bits from fp16
      out.f -= 0.5f; // magic bias
    } else {
      out.u = uint32_t(0xE0) << 23; // exponent offset
      out.u += (two_base >> 4); // Bits from fp16
      float out_unscaled = out.f; // Store value
      out.u = uint32_t(0x7800000); // exponent scale
      out.f *= out_unscaled;
    }

    // Add sign
    out.u |= x_sign_32;

    return out.f;
  }
};

// half_binop(+, operator+) etc.: arithmetic in float.
inline _MLX_Float16 operator+(_MLX_Float16 lhs, _MLX_Float16 rhs) {
  return static_cast<float>(lhs) + static_cast<float>(rhs);
}
inline float operator+(_MLX_Float16 lhs, float rhs) {
  return static_cast<float>(lhs) + static_cast<float>(rhs);
}
inline float operator+(float lhs, _MLX_Float16 rhs) {
  return static_cast<float>(lhs) + static_cast<float>(rhs);
}

// half_compop: comparisons in float.
inline bool operator<(_MLX_Float16 lhs, _MLX_Float16 rhs) {
  return static_cast<float>(lhs) < static_cast<float>(rhs);
}
inline bool operator>(_MLX_Float16 lhs, _MLX_Float16 rhs) {
  return static_cast<float>(lhs) > static_cast<float>(rhs);
}

// half_inplace_op(+, operator+=): `lhs = lhs + rhs` with rhs as float, i.e. float add, then the
// float -> half conversion above (round to nearest even, NaN -> sign | 0x7D00).
inline _MLX_Float16& operator+=(_MLX_Float16& lhs, const float& rhs) {
  lhs = lhs + rhs;
  return lhs;
}

// ---------------------------------------------------------------- bfloat16 (mlx/types/bf16.h)

#define __MLX_BFLOAT_NAN__ 0x7FC0

struct _MLX_BFloat16 {
  uint16_t bits_;

  // Default constructor
  _MLX_BFloat16() = default;

  // Default copy constructor
  _MLX_BFloat16(_MLX_BFloat16 const&) = default;

  _MLX_BFloat16& operator=(_MLX_BFloat16 const&) = default;

  _MLX_BFloat16& operator=(const float& x) {
    return (*this = _MLX_BFloat16(x));
  }

  // From float32
  _MLX_BFloat16(const float& x) {
    if (std::isnan(x)) {
      bits_ = __MLX_BFLOAT_NAN__;
    } else {
      // Union
      detail_fp16::float_bits in;

      // Take bits
      in.f = x;

      // Round to nearest even
      in.u += (in.u >> 16 & 1) + uint32_t(0x7FFF);

      // Take upper 16 bits
      bits_ = in.u >> 16;
    }
  }

  // To float32
  operator float() const {
    // Union
    detail_fp16::float_bits out;

    // Upper 16 bits are the data and lower 16 bits are 0s
    out.u = ((uint32_t)bits_) << 16;

    return out.f;
  }
};

inline _MLX_BFloat16 operator+(_MLX_BFloat16 lhs, _MLX_BFloat16 rhs) {
  return static_cast<float>(lhs) + static_cast<float>(rhs);
}
inline float operator+(_MLX_BFloat16 lhs, float rhs) {
  return static_cast<float>(lhs) + static_cast<float>(rhs);
}
inline float operator+(float lhs, _MLX_BFloat16 rhs) {
  return static_cast<float>(lhs) + static_cast<float>(rhs);
}
inline bool operator<(_MLX_BFloat16 lhs, _MLX_BFloat16 rhs) {
  return static_cast<float>(lhs) < static_cast<float>(rhs);
}
inline bool operator>(_MLX_BFloat16 lhs, _MLX_BFloat16 rhs) {
  return static_cast<float>(lhs) > static_cast<float>(rhs);
}
inline _MLX_BFloat16& operator+=(_MLX_BFloat16& lhs, const float& rhs) {
  lhs = lhs + rhs;
  return lhs;
}

// mlx/types/half_types.h without __ARM_FEATURE_FP16_SCALAR_ARITHMETIC / __ARM_FEATURE_BF16:
typedef struct _MLX_Float16 float16_t;
typedef struct _MLX_BFloat16 bfloat16_t;

// ---------------------------------------------------------------- complex64 (mlx/types/complex.h)

struct complex64_t : public std::complex<float> {
  complex64_t() : std::complex<float>() {}
  complex64_t(float v, float u) : std::complex<float>(v, u) {}
  complex64_t(std::complex<float> v) : std::complex<float>(v) {}
};

inline bool operator>=(const complex64_t& a, const complex64_t& b) {
  return (a.real() > b.real()) ||
      (a.real() == b.real() && a.imag() >= b.imag());
}

inline bool operator>(const complex64_t& a, const complex64_t& b) {
  return (a.real() > b.real()) || (a.real() == b.real() && a.imag() > b.imag());
}

inline bool operator<=(const complex64_t& a, const complex64_t& b) {
  return operator>=(b, a);
}

inline bool operator<(const complex64_t& a, const complex64_t& b) {
  return operator>(b, a);
}

// `*output += *input` on complex64_t is std::complex<float>::operator+=: real and imaginary
// parts added as float.

static_assert(sizeof(float16_t) == 2, "float16_t must be 2 bytes");
static_assert(sizeof(bfloat16_t) == 2, "bfloat16_t must be 2 bytes");
static_assert(sizeof(complex64_t) == 8, "complex64_t must be 8 bytes");

} // namespace mlx::core
