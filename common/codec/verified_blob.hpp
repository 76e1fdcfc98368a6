// VerifiedBlob: an update blob that passed every check Decode makes
// (envelope, checksum, lengths, indices, scales, codes, all values finite),
// owning its bytes, so that the checks run on one thread and the fold on
// another without a dense float copy in between. Move-only; immutable once
// made, so its const methods are safe from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "common/status.hpp"

namespace fedq::codec {

struct OpenBlob;

class VerifiedBlob {
 public:
  // Takes the bytes and checks everything. A blob of another element count
  // than expected_count is InvalidArgument ("N elements, model has M"),
  // found before anything is decompressed; damage is Corrupt (a NaN or
  // infinity says "NaN or infinity at <element>").
  static Result<VerifiedBlob> Make(std::vector<uint8_t> bytes, uint64_t expected_count);

  VerifiedBlob(VerifiedBlob&&) noexcept;
  VerifiedBlob& operator=(VerifiedBlob&&) noexcept;
  ~VerifiedBlob();

  uint64_t count() const;
  // An upper bound of |value| over the blob's elements (exact for fp32).
  float abs_bound() const { return abs_bound_; }

  // Same contract as codec::AccumulateFixedPoint, and the same integers:
  // acc[i] += round(weight * value_i * 2^frac_bits), ties away from zero;
  // on any error (size, weight, frac_bits, a term beyond 2^62) acc is
  // unchanged.
  Status AccumulateFixedPoint(double weight, std::span<int64_t> acc, int frac_bits) const;

  // The dense values (zeros where sparse), as codec::Decode gives them.
  std::vector<float> Decode() const;

 private:
  VerifiedBlob(std::vector<uint8_t> bytes, std::unique_ptr<OpenBlob> open, float abs_bound);

  std::vector<uint8_t> bytes_;  // open_->payload may point in here
  std::unique_ptr<OpenBlob> open_;
  float abs_bound_ = 0;  // AbsBound(*open_), computed with the checks
};

}  // namespace fedq::codec
