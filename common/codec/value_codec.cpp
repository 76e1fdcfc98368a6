#include "common/codec/value_codec.hpp"

#include <string>

#include "common/codec/byte_io.hpp"

namespace fedq::codec {

const ValueCodec& GetValueCodec(QuantizerKind q) {
  switch (q) {
    case QuantizerKind::kFp32:
      return kFp32Codec;
    case QuantizerKind::kFp16:
      return kFp16Codec;
    case QuantizerKind::kInt8:
      return kInt8Codec;
    case QuantizerKind::kInt4:
      return kInt4Codec;
    case QuantizerKind::kQsgd:
      return kQsgdCodec;
    case QuantizerKind::kSign:
      return kSignCodec;
  }
  return kFp32Codec;
}

Status ValidateScales(std::span<const uint8_t> scales, std::size_t nb, float max_code) {
  for (std::size_t b = 0; b < nb; ++b) {
    float s = GetF32(scales.data() + 4 * b);
    if (!(std::isfinite(s * max_code) && s >= 0.0f)) {
      return Corrupt("blob: scale of block " + std::to_string(b) +
                     " is negative, NaN or too large");
    }
  }
  return Status::Ok();
}

Status NonFiniteInput(std::size_t index) {
  return InvalidArgument("encode: input element " + std::to_string(index) + " is NaN or infinite");
}

std::size_t FindNonFinite(std::span<const float> in) {
  // Branch-free scan of the exponent bits, then a second look only on a hit.
  uint32_t worst = 0;
  for (float f : in) {
    uint32_t e = FloatBits(f) & 0x7f800000u;
    worst = e > worst ? e : worst;
  }
  if (worst != 0x7f800000u) return in.size();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (!std::isfinite(in[i])) return i;
  }
  return in.size();
}

}  // namespace fedq::codec
