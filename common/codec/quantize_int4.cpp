// int4 block codec: per-block absmax scale (absmax / 7), codes in [-7, 7] as
// 4-bit two's complement, two per byte, element 2j in the low nibble of byte j.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "common/codec/byte_io.hpp"
#include "common/codec/rng.hpp"
#include "common/codec/value_codec.hpp"

namespace fedq::codec {
namespace {

std::size_t Size(const PipelineSpec& spec, std::size_t nv) {
  return NumBlocks(nv, spec.block) * 4 + PackedBytes(nv, 4);
}

void EncodeBlock(std::span<const float> x, std::size_t first, bool stochastic, uint64_t seed,
                 uint8_t* scale_out, uint8_t* codes) {
  float absmax = 0;
  for (float v : x) absmax = std::max(absmax, std::fabs(v));
  bool zero = !(absmax >= kMinBlockAbsmax);
  PutF32(scale_out, zero ? 0.0f : FitScale(absmax / 7.0f, 7.0f));
  float inv = zero ? 0.0f : 7.0f / absmax;
  for (std::size_t j = 0; j < x.size(); ++j) {
    std::size_t i = first + j;
    float v = x[j] * inv;
    float r = stochastic ? std::floor(v + UniformAt(seed, i)) : std::nearbyint(v);
    auto c = static_cast<int>(std::clamp(r, -7.0f, 7.0f));
    codes[i / 2] |= static_cast<uint8_t>((c & 0xf) << (4 * (i % 2)));
  }
}

Status Encode(const PipelineSpec& spec, std::span<const float> in, uint64_t seed,
              std::span<uint8_t> out) {
  std::size_t bad = FindNonFinite(in);
  if (bad != in.size()) return NonFiniteInput(bad);
  std::size_t nb = NumBlocks(in.size(), spec.block);
  uint8_t* codes = out.data() + nb * 4;
  std::fill_n(codes, PackedBytes(in.size(), 4), uint8_t{0});
  for (std::size_t b = 0; b < nb; ++b) {
    std::size_t start = b * spec.block;
    std::size_t len = std::min<std::size_t>(spec.block, in.size() - start);
    EncodeBlock(in.subspan(start, len), start, spec.stochastic, seed, out.data() + 4 * b, codes);
  }
  return Status::Ok();
}

int CodeAt(const uint8_t* codes, std::size_t i) {
  int nib = (codes[i / 2] >> (4 * (i % 2))) & 0xf;
  return nib >= 8 ? nib - 16 : nib;
}

Status Validate(const PipelineSpec& spec, std::span<const uint8_t> section, std::size_t nv) {
  std::size_t nb = NumBlocks(nv, spec.block);
  FEDQ_RETURN_IF_ERROR(ValidateScales(section, nb, 7.0f));
  const uint8_t* codes = section.data() + nb * 4;
  for (std::size_t i = 0; i < nv; ++i) {
    if (CodeAt(codes, i) == -8) {
      return Corrupt("blob: int4 code -8 (never written) at element " + std::to_string(i));
    }
  }
  if (nv % 2 == 1 && (codes[nv / 2] & 0xf0) != 0) {
    return Corrupt("blob: int4 padding nibble is not zero");
  }
  return Status::Ok();
}

void DecodeRange(const PipelineSpec& spec, std::span<const uint8_t> section, std::size_t nv,
                 std::size_t begin, std::span<float> out) {
  const uint8_t* codes = section.data() + NumBlocks(nv, spec.block) * 4;
  for (std::size_t j = 0; j < out.size(); ++j) {
    std::size_t i = begin + j;
    out[j] = GetF32(section.data() + 4 * (i / spec.block)) * static_cast<float>(CodeAt(codes, i));
  }
}

}  // namespace

const ValueCodec kInt4Codec = {Size, Encode, Validate, DecodeRange};

}  // namespace fedq::codec
