#include "common/codec/error_feedback.hpp"

#include <cmath>
#include <cstring>
#include <string>

#include "common/codec/blob_layout.hpp"
#include "common/codec/byte_io.hpp"
#include "common/codec/crc32c.hpp"

namespace fedq::codec {
namespace {

constexpr uint8_t kMagic[4] = {'F', 'Q', 'E', 'F'};
constexpr uint16_t kVersion = 1;
constexpr std::size_t kHeader = 16;

}  // namespace

std::vector<uint8_t> ErrorFeedback::Serialize() const {
  std::vector<uint8_t> out(kHeader + 4 * residual_.size() + 4);
  std::memcpy(out.data(), kMagic, 4);
  PutU16(out.data() + 4, kVersion);
  PutU16(out.data() + 6, 0);
  PutU64(out.data() + 8, residual_.size());
  for (std::size_t i = 0; i < residual_.size(); ++i)
    PutF32(out.data() + kHeader + 4 * i, residual_[i]);
  std::size_t body = out.size() - 4;
  PutU32(out.data() + body, Crc32c(std::span<const uint8_t>(out).first(body)));
  return out;
}

Result<ErrorFeedback> ErrorFeedback::Parse(std::span<const uint8_t> bytes) {
  if (bytes.size() < kHeader + 4) return Corrupt("residual: too short");
  if (std::memcmp(bytes.data(), kMagic, 4) != 0) return Corrupt("residual: bad magic");
  if (GetU16(bytes.data() + 4) != kVersion) return Corrupt("residual: unknown version");
  uint64_t n = GetU64(bytes.data() + 8);
  if (n > layout::kMaxElements || (bytes.size() - kHeader - 4) / 4 != n ||
      (bytes.size() - kHeader - 4) % 4 != 0) {
    return Corrupt("residual: length does not match its element count");
  }
  std::size_t body = bytes.size() - 4;
  if (Crc32c(bytes.first(body)) != GetU32(bytes.data() + body)) {
    return Corrupt("residual: checksum mismatch");
  }
  ErrorFeedback ef(n);
  for (std::size_t i = 0; i < n; ++i) {
    float v = GetF32(bytes.data() + kHeader + 4 * i);
    if (!std::isfinite(v)) return Corrupt("residual: element " + std::to_string(i) + " not finite");
    ef.residual_[i] = v;
  }
  return ef;
}

}  // namespace fedq::codec
