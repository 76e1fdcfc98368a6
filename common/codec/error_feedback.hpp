// ErrorFeedback: the residual of an error-feedback compressor, what earlier
// rounds computed but did not send. Owned by the caller (one per client and
// model), passed to Encode, which adds it to the input and stores the new
// residual so that residual + input == sent + new_residual. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/status.hpp"

namespace fedq::codec {

class ErrorFeedback {
 public:
  ErrorFeedback() = default;  // empty: sized (zeros) by the first Encode
  explicit ErrorFeedback(std::size_t n) : residual_(n, 0.0f) {}

  std::size_t size() const { return residual_.size(); }
  std::span<const float> residual() const { return residual_; }
  std::span<float> mutable_residual() { return residual_; }
  void Reset() { residual_.assign(residual_.size(), 0.0f); }

  // "FQEF", u16 version, u16 zero, u64 n, n f32, CRC32C; little-endian.
  std::vector<uint8_t> Serialize() const;
  // Corrupt on a bad magic, length, checksum or a non-finite value.
  static Result<ErrorFeedback> Parse(std::span<const uint8_t> bytes);

 private:
  std::vector<float> residual_;
};

}  // namespace fedq::codec
