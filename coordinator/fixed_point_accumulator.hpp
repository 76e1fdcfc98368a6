// FixedPointAccumulator: the O(model) streaming sum behind the mean-based
// strategies. Each update adds round(weight * value * 2^frac_bits) (ties
// away from zero, as codec::AccumulateFixedPoint) into an
// int64 per parameter; integer addition is associative, so the sum does not
// depend on the order in which updates arrive (bit-identical aggregates).
// The codecs' AccumulateFixedPoint(blob, weight, raw(), frac_bits) writes into
// raw() directly. Not thread-safe: one owner (the strategy).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/status.hpp"

namespace fedq::coordinator {

class FixedPointAccumulator {
 public:
  // 24 fractional bits resolve 6e-8 (about float epsilon at 1.0) and leave
  // 2^39 of headroom for the weighted sum of a round.
  static constexpr int kDefaultFracBits = 24;

  explicit FixedPointAccumulator(int frac_bits = kDefaultFracBits);

  // Zeroes the sum for `num_params` parameters and a total weight of 0.
  void Reset(std::size_t num_params);

  // Adds weight * values. Fails, adding nothing, on a size mismatch, a
  // non-finite value, a non-positive weight or an overflow of the sum.
  Status AddDense(std::span<const float> values, double weight);

  // Counts `weight` into the total after an external fold (codec) has added
  // weight * update into raw().
  void AddWeight(double weight) { total_weight_ += weight; }

  // out = sum / total weight. REQUIRES: total_weight() > 0.
  Status MeanInto(std::span<float> out) const;

  std::span<std::int64_t> raw() { return sum_; }
  int frac_bits() const { return frac_bits_; }
  double total_weight() const { return total_weight_; }
  std::size_t size() const { return sum_.size(); }

 private:
  int frac_bits_;
  double total_weight_ = 0;
  std::vector<std::int64_t> sum_;
  std::vector<std::int64_t> scratch_;  // one update, so that a failure adds nothing
};

}  // namespace fedq::coordinator
