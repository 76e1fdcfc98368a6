// QSGD value codec (Alistarh et al. 2017, "QSGD: Communication-Efficient SGD
// via Gradient Quantization and Encoding"), per block: with norm = ||x_block||_2
// and s levels, element x becomes sign(x) * l * norm / s where l is |x| / norm * s
// rounded stochastically (unbiased). Scale stored = norm / s; each code is
// CodeBits(spec) bits: level in the low bits, sign (set = negative) on top.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "common/codec/bit_pack.hpp"
#include "common/codec/byte_io.hpp"
#include "common/codec/codec_traits.hpp"
#include "common/codec/rng.hpp"
#include "common/codec/value_codec.hpp"

namespace fedq::codec {
namespace {

std::size_t Size(const PipelineSpec& spec, std::size_t nv) {
  return NumBlocks(nv, spec.block) * 4 + PackedBytes(nv, CodeBits(spec));
}

// Returns false when the block's norm / s does not fit a float.
bool EncodeBlock(const PipelineSpec& spec, std::span<const float> x, std::size_t first,
                 uint64_t seed, uint8_t* scale_out, uint8_t* codes) {
  double sq = 0;
  for (float v : x) sq += static_cast<double>(v) * v;
  double norm = std::sqrt(sq);
  auto s = static_cast<float>(spec.levels);
  if (norm > std::numeric_limits<float>::max()) return false;
  bool zero = !(norm >= kMinBlockAbsmax);
  PutF32(scale_out, zero ? 0.0f : FitScale(static_cast<float>(norm / s), s));
  auto inv = static_cast<float>(zero ? 0.0 : s / norm);
  uint32_t w = CodeBits(spec);
  for (std::size_t j = 0; j < x.size(); ++j) {
    float l = std::floor(std::fabs(x[j]) * inv + UniformAt(seed, first + j));
    auto level = static_cast<uint32_t>(std::clamp(l, 0.0f, s));
    uint32_t sign = (x[j] < 0 && level != 0) ? 1u : 0u;
    PutBits(codes, first + j, w, level | (sign << (w - 1)));
  }
  return true;
}

Status Encode(const PipelineSpec& spec, std::span<const float> in, uint64_t seed,
              std::span<uint8_t> out) {
  std::size_t bad = FindNonFinite(in);
  if (bad != in.size()) return NonFiniteInput(bad);
  std::size_t nb = NumBlocks(in.size(), spec.block);
  uint8_t* codes = out.data() + nb * 4;
  std::fill_n(codes, PackedBytes(in.size(), CodeBits(spec)), uint8_t{0});
  for (std::size_t b = 0; b < nb; ++b) {
    std::size_t start = b * spec.block;
    std::size_t len = std::min<std::size_t>(spec.block, in.size() - start);
    if (!EncodeBlock(spec, in.subspan(start, len), start, seed, out.data() + 4 * b, codes)) {
      return OutOfRange("encode: qsgd block " + std::to_string(b) +
                        " has an L2 norm beyond the float range");
    }
  }
  return Status::Ok();
}

Status Validate(const PipelineSpec& spec, std::span<const uint8_t> section, std::size_t nv) {
  std::size_t nb = NumBlocks(nv, spec.block);
  FEDQ_RETURN_IF_ERROR(ValidateScales(section, nb, static_cast<float>(spec.levels)));
  const uint8_t* codes = section.data() + nb * 4;
  uint32_t w = CodeBits(spec);
  uint32_t level_mask = (1u << (w - 1)) - 1;
  for (std::size_t i = 0; i < nv; ++i) {
    if ((GetBits(codes, i, w) & level_mask) > spec.levels) {
      return Corrupt("blob: qsgd level above " + std::to_string(spec.levels) + " at element " +
                     std::to_string(i));
    }
  }
  return Status::Ok();
}

void DecodeRange(const PipelineSpec& spec, std::span<const uint8_t> section, std::size_t nv,
                 std::size_t begin, std::span<float> out) {
  const uint8_t* codes = section.data() + NumBlocks(nv, spec.block) * 4;
  uint32_t w = CodeBits(spec);
  uint32_t level_mask = (1u << (w - 1)) - 1;
  for (std::size_t j = 0; j < out.size(); ++j) {
    std::size_t i = begin + j;
    uint32_t c = GetBits(codes, i, w);
    float v = GetF32(section.data() + 4 * (i / spec.block)) * static_cast<float>(c & level_mask);
    out[j] = (c >> (w - 1)) ? -v : v;
  }
}

}  // namespace

const ValueCodec kQsgdCodec = {Size, Encode, Validate, DecodeRange};

}  // namespace fedq::codec
