#include "coordinator/mean_strategy.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace fedq::coordinator {

namespace {

// 2^62 leaves room for the rounding of each term (< 1 each).
constexpr double kSumLimit = 0x1p62;

float MaxAbs(std::span<const float> values) {
  float top = 0;
  for (float v : values) top = std::max(top, std::fabs(v));
  return top;
}

}  // namespace

void MeanStrategy::BeginRound(std::size_t num_params, std::size_t max_updates) {
  acc_.Reset(num_params);
  term_limit_ = kSumLimit / static_cast<double>(std::max<std::size_t>(max_updates, 1));
  seen_.clear();
  poisoned_ = false;
}

Status MeanStrategy::AddUpdate(const UpdateView& update) {
  if (update.num_samples == 0) return InvalidArgument("update with 0 samples");
  if (seen_.contains(update.client_id)) {
    return InvalidArgument("second update from client in this round");
  }
  const auto weight = static_cast<double>(update.num_samples);
  const float max_abs = update.dense.empty() ? update.max_abs_value : MaxAbs(update.dense);
  const double term_bound = std::ldexp(weight * static_cast<double>(max_abs), acc_.frac_bits());
  if (!(term_bound < term_limit_)) {  // written so that a NaN bound is refused too
    return OutOfRange("num_samples " + std::to_string(update.num_samples) +
                      " times the largest |value| " + std::to_string(max_abs) +
                      " is beyond what the round's fixed-point sum can hold (" +
                      std::to_string(std::ldexp(term_limit_, -acc_.frac_bits())) + ")");
  }
  if (!update.dense.empty()) {
    FEDQ_RETURN_IF_ERROR(acc_.AddDense(update.dense, weight));
  } else if (update.fold) {
    Status s = update.fold(weight, acc_.raw(), acc_.frac_bits());
    if (!s.ok()) {
      poisoned_ = true;
      return s.WithContext("folding update");
    }
    acc_.AddWeight(weight);
  } else {
    return InvalidArgument("update carries neither a dense delta nor a fold");
  }
  seen_.emplace(update.client_id);
  return Status::Ok();
}

Result<bool> MeanStrategy::Finish(std::span<float> global_params) {
  if (poisoned_) return Internal("round sum unusable: a fold failed after touching it");
  if (global_params.size() != acc_.size()) {
    return InvalidArgument("global model has " + std::to_string(global_params.size()) +
                           " parameters, round began with " + std::to_string(acc_.size()));
  }
  if (seen_.empty()) return false;
  std::vector<float> mean(acc_.size());
  FEDQ_RETURN_IF_ERROR(acc_.MeanInto(mean));
  FEDQ_RETURN_IF_ERROR(ApplyMean(mean, global_params));
  return true;
}

}  // namespace fedq::coordinator
