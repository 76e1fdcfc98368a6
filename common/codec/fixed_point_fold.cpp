#include "common/codec/fixed_point_fold.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "common/codec/byte_io.hpp"
#include "common/codec/isa_clones.hpp"

namespace fedq::codec {
namespace {

// The fused kernels round with integer arithmetic on the bits of x + 1.5 *
// 2^52 (exact for |x| < 2^51), which every x86-64 level vectorizes; beyond
// that bound the generic path rounds element by element. The build is ISO
// C++ (no -ffp-contract=fast), so unit * v is rounded before the addition.
constexpr double kFastLimit = 0x1p51;
constexpr double kMagic = 0x1.8p52;
constexpr double kTermLimit = 0x1p62;

// RoundHalfAway(x) for |x| < 2^51: the magic addition rounds to nearest even;
// an exact tie (x - r == +-0.5) then moves one step away from zero.
inline int64_t RoundFast(double x) {
  const double shifted = x + kMagic;
  const int64_t r = std::bit_cast<int64_t>(shifted) - std::bit_cast<int64_t>(kMagic);
  const double t = x - (shifted - kMagic);
  const int64_t up = (t == 0.5) & (x > 0.0);
  const int64_t down = (t == -0.5) & (x < 0.0);
  return r + up - down;
}

inline float LoadF32(const uint8_t* p) {
  if constexpr (std::endian::native == std::endian::little) {
    float f;
    std::memcpy(&f, p, 4);
    return f;
  } else {
    return GetF32(p);
  }
}

// binary16 -> binary32 for finite halves, branch-free: the half's bits in
// float position, scaled by 2^112, is exact for normals and subnormals alike.
inline float HalfBitsToFloat(uint16_t h) {
  const float magnitude = BitsFloat(uint32_t{h & 0x7fffu} << 13) * 0x1p112f;
  return BitsFloat(FloatBits(magnitude) | (uint32_t{h & 0x8000u} << 16));
}

FEDQ_ISA_CLONES uint32_t Fp32AbsMaxBits(const uint8_t* p, std::size_t n) {
  uint32_t m = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const uint32_t b = FloatBits(LoadF32(p + 4 * i)) & 0x7fffffffu;
    m = b > m ? b : m;
  }
  return m;
}

FEDQ_ISA_CLONES uint16_t Fp16AbsMaxBits(const uint8_t* p, std::size_t n) {
  uint16_t m = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto b = static_cast<uint16_t>(GetU16(p + 2 * i) & 0x7fffu);
    m = b > m ? b : m;
  }
  return m;
}

FEDQ_ISA_CLONES void FoldFp32(const uint8_t* p, std::size_t n, double unit, int64_t* acc) {
  for (std::size_t i = 0; i < n; ++i) {
    acc[i] += RoundFast(unit * static_cast<double>(LoadF32(p + 4 * i)));
  }
}

FEDQ_ISA_CLONES void FoldFp16(const uint8_t* p, std::size_t n, double unit, int64_t* acc) {
  for (std::size_t i = 0; i < n; ++i) {
    acc[i] += RoundFast(unit * static_cast<double>(HalfBitsToFloat(GetU16(p + 2 * i))));
  }
}

// Each value is scale * code in float, as the int8 decoder makes it.
FEDQ_ISA_CLONES void FoldInt8(const uint8_t* scales, const int8_t* codes, uint32_t block,
                              std::size_t n, double unit, int64_t* acc) {
  for (std::size_t start = 0, b = 0; start < n; start += block, ++b) {
    const std::size_t len = std::min<std::size_t>(block, n - start);
    const float scale = GetF32(scales + 4 * b);
    const int8_t* q = codes + start;
    int64_t* out = acc + start;
    for (std::size_t i = 0; i < len; ++i) {
      out[i] += RoundFast(unit * static_cast<double>(scale * static_cast<float>(q[i])));
    }
  }
}

bool HasFusedKernel(const OpenBlob& b) {
  if (b.sparse()) return false;
  const QuantizerKind q = b.header.spec.quantizer;
  return q == QuantizerKind::kFp32 || q == QuantizerKind::kFp16 || q == QuantizerKind::kInt8;
}

void FoldFused(const OpenBlob& b, double unit, std::span<int64_t> acc) {
  const PipelineSpec& spec = b.header.spec;
  const uint8_t* s = b.section().data();
  switch (spec.quantizer) {
    case QuantizerKind::kFp32:
      return FoldFp32(s, b.nv, unit, acc.data());
    case QuantizerKind::kFp16:
      return FoldFp16(s, b.nv, unit, acc.data());
    default: {
      const auto* codes = reinterpret_cast<const int8_t*>(s + NumBlocks(b.nv, spec.block) * 4);
      return FoldInt8(s, codes, spec.block, b.nv, unit, acc.data());
    }
  }
}

}  // namespace

float AbsBound(const OpenBlob& b) {
  if (!HasFusedKernel(b)) return std::numeric_limits<float>::infinity();
  const PipelineSpec& spec = b.header.spec;
  const uint8_t* s = b.section().data();
  switch (spec.quantizer) {
    case QuantizerKind::kFp32:
      return BitsFloat(Fp32AbsMaxBits(s, b.nv));
    case QuantizerKind::kFp16:
      return HalfBitsToFloat(Fp16AbsMaxBits(s, b.nv));
    default: {
      // Rounding is monotonic: no scale * code exceeds the largest scale * 127.
      float top = 0;
      for (std::size_t k = 0; k < NumBlocks(b.nv, spec.block); ++k) {
        top = std::max(top, GetF32(s + 4 * k));
      }
      return top * 127.0f;
    }
  }
}

Result<float> ValidateValuesAndBound(const OpenBlob& b) {
  const PipelineSpec& spec = b.header.spec;
  // NaN and inf sort above every finite magnitude: a finite maximum means a
  // valid section; otherwise the codec finds and names the element.
  if (spec.quantizer == QuantizerKind::kFp32 && !b.sparse()) {
    const uint32_t top = Fp32AbsMaxBits(b.section().data(), b.nv);
    if (top < 0x7f800000u) return BitsFloat(top);
  }
  if (spec.quantizer == QuantizerKind::kFp16 && !b.sparse()) {
    const uint16_t top = Fp16AbsMaxBits(b.section().data(), b.nv);
    if (top < 0x7c00u) return HalfBitsToFloat(top);
  }
  FEDQ_RETURN_IF_ERROR(GetValueCodec(spec.quantizer).validate(spec, b.section(), b.nv));
  const float bound = AbsBound(b);
  if (std::isfinite(bound)) return bound;
  // No closed form for this codec: one decoding pass, on the checking thread.
  float top = 0;
  ForEachValue(b, [&](std::size_t, float v) { top = std::max(top, std::fabs(v)); });
  return top;
}

Status FoldFixedPoint(const OpenBlob& b, double unit, float abs_bound, std::span<int64_t> acc) {
  if (HasFusedKernel(b) && std::fabs(unit) * static_cast<double>(abs_bound) < kFastLimit) {
    FoldFused(b, unit, acc);
    return Status::Ok();
  }
  bool fits = true;  // checked over every term first: acc stays untouched on error
  ForEachValue(b, [&](std::size_t, float v) { fits = fits && std::fabs(unit * v) < kTermLimit; });
  if (!fits) return OutOfRange("accumulate: a fixed-point term exceeds 2^62; lower frac_bits");
  ForEachValue(b, [&](std::size_t i, float v) { acc[i] += RoundHalfAway(unit * v); });
  return Status::Ok();
}

}  // namespace fedq::codec
