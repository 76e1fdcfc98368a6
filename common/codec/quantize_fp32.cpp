// fp32 value codec: the values themselves, little-endian IEEE binary32.
#include <bit>
#include <cstring>
#include <string>

#include "common/codec/byte_io.hpp"
#include "common/codec/value_codec.hpp"

namespace fedq::codec {
namespace {

std::size_t Size(const PipelineSpec&, std::size_t nv) { return nv * 4; }

Status Encode(const PipelineSpec&, std::span<const float> in, uint64_t, std::span<uint8_t> out) {
  std::size_t bad = FindNonFinite(in);
  if (bad != in.size()) return NonFiniteInput(bad);
  if constexpr (std::endian::native == std::endian::little) {
    if (!in.empty()) std::memcpy(out.data(), in.data(), in.size() * 4);
  } else {
    for (std::size_t i = 0; i < in.size(); ++i) PutF32(out.data() + 4 * i, in[i]);
  }
  return Status::Ok();
}

Status Validate(const PipelineSpec&, std::span<const uint8_t> section, std::size_t nv) {
  uint32_t worst = 0;
  for (std::size_t i = 0; i < nv; ++i) {
    uint32_t e = GetU32(section.data() + 4 * i) & 0x7f800000u;
    worst = e > worst ? e : worst;
  }
  if (worst != 0x7f800000u) return Status::Ok();
  std::size_t at = 0;  // a second look, only on damage, to name the element
  while ((GetU32(section.data() + 4 * at) & 0x7f800000u) != 0x7f800000u) ++at;
  return Corrupt("blob: fp32 section holds NaN or infinity at " + std::to_string(at));
}

void DecodeRange(const PipelineSpec&, std::span<const uint8_t> section, std::size_t,
                 std::size_t begin, std::span<float> out) {
  const uint8_t* p = section.data() + 4 * begin;
  if constexpr (std::endian::native == std::endian::little) {
    if (!out.empty()) std::memcpy(out.data(), p, out.size() * 4);
  } else {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = GetF32(p + 4 * i);
  }
}

}  // namespace

const ValueCodec kFp32Codec = {Size, Encode, Validate, DecodeRange};

}  // namespace fedq::codec
