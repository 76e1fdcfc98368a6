#include "common/codec/verified_blob.hpp"

#include <cmath>
#include <string>

#include "common/codec/fixed_point_fold.hpp"
#include "common/codec/open_blob.hpp"

namespace fedq::codec {

Result<VerifiedBlob> VerifiedBlob::Make(std::vector<uint8_t> bytes, uint64_t expected_count) {
  // The payload span points into the vector's heap buffer, which neither a
  // move of the vector nor of the VerifiedBlob relocates.
  FEDQ_ASSIGN_OR_RETURN(OpenBlob open, OpenEnvelope(bytes, expected_count));
  FEDQ_ASSIGN_OR_RETURN(float bound, ValidateValuesAndBound(open));
  // The values live in open.decompressed now (`= {}` would keep the capacity).
  if (open.header.spec.zstd) std::vector<uint8_t>().swap(bytes);
  return VerifiedBlob(std::move(bytes), std::make_unique<OpenBlob>(std::move(open)), bound);
}

VerifiedBlob::VerifiedBlob(std::vector<uint8_t> bytes, std::unique_ptr<OpenBlob> open,
                           float abs_bound)
    : bytes_(std::move(bytes)), open_(std::move(open)), abs_bound_(abs_bound) {}

VerifiedBlob::VerifiedBlob(VerifiedBlob&&) noexcept = default;
VerifiedBlob& VerifiedBlob::operator=(VerifiedBlob&&) noexcept = default;
VerifiedBlob::~VerifiedBlob() = default;

uint64_t VerifiedBlob::count() const { return open_->header.count; }

Status VerifiedBlob::AccumulateFixedPoint(double weight, std::span<int64_t> acc,
                                          int frac_bits) const {
  if (frac_bits < 0 || frac_bits > 62) {
    return InvalidArgument("accumulate: frac_bits not in [0, 62]");
  }
  if (!std::isfinite(weight)) return InvalidArgument("accumulate: weight is not finite");
  if (acc.size() != open_->header.count) {
    return InvalidArgument("accumulate: blob has " + std::to_string(open_->header.count) +
                           " elements, accumulator " + std::to_string(acc.size()));
  }
  return FoldFixedPoint(*open_, std::ldexp(weight, frac_bits), abs_bound_, acc);
}

std::vector<float> VerifiedBlob::Decode() const {
  std::vector<float> out(open_->header.count, 0.0f);
  ForEachValue(*open_, [&](std::size_t i, float v) { out[i] = v; });
  return out;
}

}  // namespace fedq::codec
