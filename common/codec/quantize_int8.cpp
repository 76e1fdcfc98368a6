// int8 block codec: kernels (reference and fast) and its ValueCodec table.
#include "common/codec/quantize_int8.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/codec/byte_io.hpp"
#include "common/codec/isa_clones.hpp"
#include "common/codec/rng.hpp"
#include "common/codec/value_codec.hpp"

namespace fedq::codec {
namespace int8 {
namespace {

// Scale and reciprocal of a block whose |x| maximum has these bits.
struct BlockScale {
  float scale = 0;
  float inv = 0;
};

BlockScale ScaleFor(float absmax) {
  if (!(absmax >= kMinBlockAbsmax)) return {};
  return {FitScale(absmax / 127.0f, 127.0f), 127.0f / absmax};
}

// 1.5 * 2^23: adding and subtracting it rounds |v| < 2^22 to the nearest
// integer, ties to even, with plain SSE2/AVX arithmetic the compiler vectorizes.
constexpr float kRoundMagic = 12582912.0f;

}  // namespace

std::size_t EncodeReference(std::span<const float> in, uint32_t block, bool stochastic,
                            uint64_t seed, uint8_t* scales, int8_t* codes) {
  for (std::size_t start = 0, b = 0; start < in.size(); start += block, ++b) {
    std::size_t end = std::min(in.size(), start + block);
    float absmax = 0;
    for (std::size_t i = start; i < end; ++i) {
      if (!std::isfinite(in[i])) return i;
      absmax = std::max(absmax, std::fabs(in[i]));
    }
    BlockScale s = ScaleFor(absmax);
    PutF32(scales + 4 * b, s.scale);
    for (std::size_t i = start; i < end; ++i) {
      float v = in[i] * s.inv;
      float r = stochastic ? std::floor(v + UniformAt(seed, i)) : std::nearbyint(v);
      codes[i] = static_cast<int8_t>(std::clamp(r, -127.0f, 127.0f));
    }
  }
  return in.size();
}

namespace {

// Max of |x| as bits: for non-negative floats integer order is float order,
// and NaN/Inf land at or above 0x7f800000, so the caller spots them for free.
FEDQ_ISA_CLONES uint32_t AbsMaxBits(const float* x, std::size_t len) {
  uint32_t m = 0;
  for (std::size_t i = 0; i < len; ++i) {
    uint32_t b = FloatBits(x[i]) & 0x7fffffffu;
    m = b > m ? b : m;
  }
  return m;
}

FEDQ_ISA_CLONES void QuantizeNearest(const float* x, std::size_t len, float inv, int8_t* q) {
  for (std::size_t i = 0; i < len; ++i) {
    float v = x[i] * inv;
    float r = (v + kRoundMagic) - kRoundMagic;
    int c = static_cast<int>(r);
    c = c < -127 ? -127 : (c > 127 ? 127 : c);
    q[i] = static_cast<int8_t>(c);
  }
}

void QuantizeStochastic(const float* x, std::size_t len, float inv, uint64_t seed,
                        std::size_t first, int8_t* q) {
  for (std::size_t i = 0; i < len; ++i) {
    float r = std::floor(x[i] * inv + UniformAt(seed, first + i));
    q[i] = static_cast<int8_t>(std::clamp(r, -127.0f, 127.0f));
  }
}

}  // namespace

std::size_t EncodeFast(std::span<const float> in, uint32_t block, bool stochastic, uint64_t seed,
                       uint8_t* scales, int8_t* codes) {
  const float* x = in.data();
  for (std::size_t start = 0, b = 0; start < in.size(); start += block, ++b) {
    std::size_t len = std::min<std::size_t>(block, in.size() - start);
    uint32_t m = AbsMaxBits(x + start, len);
    if (m >= 0x7f800000u) return start + FindNonFinite(in.subspan(start, len));
    BlockScale s = ScaleFor(BitsFloat(m));
    PutF32(scales + 4 * b, s.scale);
    if (stochastic) {
      QuantizeStochastic(x + start, len, s.inv, seed, start, codes + start);
    } else {
      QuantizeNearest(x + start, len, s.inv, codes + start);
    }
  }
  return in.size();
}

void AccumulateReference(const uint8_t* scales, const int8_t* codes, uint32_t block, float weight,
                         std::span<float> acc) {
  for (std::size_t i = 0; i < acc.size(); ++i) {
    float ws = weight * GetF32(scales + 4 * (i / block));
    acc[i] += ws * static_cast<float>(codes[i]);
  }
}

FEDQ_ISA_CLONES void AccumulateFast(const uint8_t* scales, const int8_t* codes, uint32_t block,
                                    float weight, std::span<float> acc) {
  float* a = acc.data();
  for (std::size_t start = 0, b = 0; start < acc.size(); start += block, ++b) {
    std::size_t len = std::min<std::size_t>(block, acc.size() - start);
    float ws = weight * GetF32(scales + 4 * b);
    const int8_t* q = codes + start;
    float* out = a + start;
    for (std::size_t i = 0; i < len; ++i) out[i] += ws * static_cast<float>(q[i]);
  }
}

}  // namespace int8

namespace {

std::size_t Size(const PipelineSpec& spec, std::size_t nv) {
  return NumBlocks(nv, spec.block) * 4 + nv;
}

Status Encode(const PipelineSpec& spec, std::span<const float> in, uint64_t seed,
              std::span<uint8_t> out) {
  uint8_t* scales = out.data();
  auto* codes = reinterpret_cast<int8_t*>(out.data() + NumBlocks(in.size(), spec.block) * 4);
  std::size_t bad = int8::EncodeFast(in, spec.block, spec.stochastic, seed, scales, codes);
  if (bad != in.size()) return NonFiniteInput(bad);
  return Status::Ok();
}

Status Validate(const PipelineSpec& spec, std::span<const uint8_t> section, std::size_t nv) {
  std::size_t nb = NumBlocks(nv, spec.block);
  FEDQ_RETURN_IF_ERROR(ValidateScales(section, nb, 127.0f));
  // -128 is never written; refusing it keeps every decoded value finite.
  const uint8_t* codes = section.data() + nb * 4;
  uint8_t low = 0xff;  // min of code ^ 0x80 is 0 exactly when -128 occurs; vectorizes
  for (std::size_t i = 0; i < nv; ++i) low = std::min<uint8_t>(low, codes[i] ^ 0x80u);
  if (nv > 0 && low == 0) return Corrupt("blob: int8 code -128 (never written)");
  return Status::Ok();
}

void DecodeRange(const PipelineSpec& spec, std::span<const uint8_t> section, std::size_t nv,
                 std::size_t begin, std::span<float> out) {
  const uint8_t* scales = section.data();
  const uint8_t* codes = section.data() + NumBlocks(nv, spec.block) * 4;
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::size_t e = begin + i;
    out[i] =
        GetF32(scales + 4 * (e / spec.block)) * static_cast<float>(static_cast<int8_t>(codes[e]));
  }
}

}  // namespace

const ValueCodec kInt8Codec = {Size, Encode, Validate, DecodeRange};

}  // namespace fedq::codec
