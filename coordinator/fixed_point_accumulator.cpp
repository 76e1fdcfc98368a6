#include "coordinator/fixed_point_accumulator.hpp"

#include <cmath>
#include <string>

namespace fedq::coordinator {
namespace {

// Products beyond this would not fit an int64 term with room to sum.
constexpr double kMaxTerm = 4.0e18;

}  // namespace

FixedPointAccumulator::FixedPointAccumulator(int frac_bits) : frac_bits_(frac_bits) {}

void FixedPointAccumulator::Reset(std::size_t num_params) {
  sum_.assign(num_params, 0);
  scratch_.resize(num_params);
  total_weight_ = 0;
}

Status FixedPointAccumulator::AddDense(std::span<const float> values, double weight) {
  if (values.size() != sum_.size()) {
    return InvalidArgument("accumulator: update has " + std::to_string(values.size()) +
                           " values, model has " + std::to_string(sum_.size()));
  }
  if (!(weight > 0) || !std::isfinite(weight)) {
    return InvalidArgument("accumulator: weight must be positive and finite");
  }
  // weight * 2^frac_bits is exact (a power-of-two scaling), so each term is
  // a deterministic function of (value, weight) alone.
  const double scale = std::ldexp(weight, frac_bits_);
  for (std::size_t i = 0; i < values.size(); ++i) {
    // Ties away from zero, as the codecs' folds round: a dense update and
    // the same values folded from a blob add the same integers.
    double term = std::round(static_cast<double>(values[i]) * scale);
    if (!std::isfinite(term) || std::fabs(term) > kMaxTerm) {
      return OutOfRange("accumulator: value " + std::to_string(i) +
                        " is not finite or too large for the fixed-point sum");
    }
    if (__builtin_add_overflow(sum_[i], static_cast<std::int64_t>(term), &scratch_[i])) {
      return OutOfRange("accumulator: fixed-point sum overflows at value " + std::to_string(i));
    }
  }
  sum_.swap(scratch_);
  total_weight_ += weight;
  return Status::Ok();
}

Status FixedPointAccumulator::MeanInto(std::span<float> out) const {
  if (out.size() != sum_.size()) return InvalidArgument("accumulator: output size mismatch");
  if (!(total_weight_ > 0)) return FailedPrecondition("accumulator: nothing accumulated");
  const double inv = 1.0 / std::ldexp(total_weight_, frac_bits_);
  for (std::size_t i = 0; i < sum_.size(); ++i) {
    out[i] = static_cast<float>(static_cast<double>(sum_[i]) * inv);
  }
  return Status::Ok();
}

}  // namespace fedq::coordinator
