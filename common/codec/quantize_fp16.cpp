// fp16 value codec: IEEE binary16, round to nearest even. Values beyond the
// largest finite half (65504) are rejected rather than silently saturated.
#include <string>

#include "common/codec/byte_io.hpp"
#include "common/codec/value_codec.hpp"

namespace fedq::codec {
namespace {

constexpr float kMaxHalf = 65504.0f;

// REQUIRES: |f| <= 65504 and finite.
uint16_t FloatToHalf(float f) {
  uint32_t x = FloatBits(f);
  uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  uint32_t abs = x & 0x7fffffffu;
  if (abs < 0x38800000u) {  // below the smallest normal half: subnormal or zero
    // Adding 0.5 makes the FPU round the value into the subnormal grid (2^-24
    // steps) to nearest even; the low mantissa bits are then the half's.
    float r = BitsFloat(abs) + 0.5f;
    return static_cast<uint16_t>(sign | (FloatBits(r) - 0x3f000000u));
  }
  uint32_t mant_odd = (abs >> 13) & 1u;
  abs += 0xc8000fffu + mant_odd;  // rebias exponent (-112 << 23) and round to nearest even
  return static_cast<uint16_t>(sign | (abs >> 13));
}

float HalfToFloat(uint16_t h) {
  uint32_t sign = uint32_t{h & 0x8000u} << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  if (exp == 0) {  // zero or subnormal: mant * 2^-24
    float v = static_cast<float>(mant) * (1.0f / 16777216.0f);
    return BitsFloat(FloatBits(v) | sign);
  }
  if (exp == 31) return BitsFloat(sign | 0x7f800000u | (mant << 13));
  return BitsFloat(sign | ((exp + 112) << 23) | (mant << 13));
}

std::size_t Size(const PipelineSpec&, std::size_t nv) { return nv * 2; }

Status Encode(const PipelineSpec&, std::span<const float> in, uint64_t, std::span<uint8_t> out) {
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (!std::isfinite(in[i])) return NonFiniteInput(i);
    if (std::fabs(in[i]) > kMaxHalf) {
      return OutOfRange("encode: fp16 cannot hold element " + std::to_string(i) + " (" +
                        std::to_string(in[i]) + "; |x| must be <= 65504)");
    }
    PutU16(out.data() + 2 * i, FloatToHalf(in[i]));
  }
  return Status::Ok();
}

Status Validate(const PipelineSpec&, std::span<const uint8_t> section, std::size_t nv) {
  for (std::size_t i = 0; i < nv; ++i) {
    if ((GetU16(section.data() + 2 * i) & 0x7c00u) == 0x7c00u) {
      return Corrupt("blob: fp16 section holds NaN or infinity at " + std::to_string(i));
    }
  }
  return Status::Ok();
}

void DecodeRange(const PipelineSpec&, std::span<const uint8_t> section, std::size_t,
                 std::size_t begin, std::span<float> out) {
  const uint8_t* p = section.data() + 2 * begin;
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = HalfToFloat(GetU16(p + 2 * i));
}

}  // namespace

const ValueCodec kFp16Codec = {Size, Encode, Validate, DecodeRange};

}  // namespace fedq::codec
