// sign value codec (scaled signSGD, as in Karimireddy et al. 2019, "Error
// Feedback Fixes SignSGD"): one bit per element (set = negative) and a
// per-block scale = mean |x| of the block, so each block keeps its L1 mass.
// Meant to be used with error feedback; alone it is biased.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/codec/bit_pack.hpp"
#include "common/codec/byte_io.hpp"
#include "common/codec/value_codec.hpp"

namespace fedq::codec {
namespace {

std::size_t Size(const PipelineSpec& spec, std::size_t nv) {
  return NumBlocks(nv, spec.block) * 4 + PackedBytes(nv, 1);
}

Status Encode(const PipelineSpec& spec, std::span<const float> in, uint64_t,
              std::span<uint8_t> out) {
  std::size_t bad = FindNonFinite(in);
  if (bad != in.size()) return NonFiniteInput(bad);
  std::size_t nb = NumBlocks(in.size(), spec.block);
  uint8_t* bits = out.data() + nb * 4;
  std::fill_n(bits, PackedBytes(in.size(), 1), uint8_t{0});
  for (std::size_t b = 0; b < nb; ++b) {
    std::size_t start = b * spec.block;
    std::size_t len = std::min<std::size_t>(spec.block, in.size() - start);
    double l1 = 0;
    for (std::size_t i = start; i < start + len; ++i) {
      l1 += std::fabs(in[i]);
      if (in[i] < 0) bits[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
    }
    PutF32(out.data() + 4 * b, static_cast<float>(l1 / static_cast<double>(len)));
  }
  return Status::Ok();
}

Status Validate(const PipelineSpec& spec, std::span<const uint8_t> section, std::size_t nv) {
  return ValidateScales(section, NumBlocks(nv, spec.block), 1.0f);
}

void DecodeRange(const PipelineSpec& spec, std::span<const uint8_t> section, std::size_t nv,
                 std::size_t begin, std::span<float> out) {
  const uint8_t* bits = section.data() + NumBlocks(nv, spec.block) * 4;
  for (std::size_t j = 0; j < out.size(); ++j) {
    std::size_t i = begin + j;
    float s = GetF32(section.data() + 4 * (i / spec.block));
    out[j] = ((bits[i / 8] >> (i % 8)) & 1u) ? -s : s;
  }
}

}  // namespace

const ValueCodec kSignCodec = {Size, Encode, Validate, DecodeRange};

}  // namespace fedq::codec
