#include "coordinator/mean_strategy.hpp"

#include <vector>

namespace fedq::coordinator {

void MeanStrategy::BeginRound(std::size_t num_params) {
  acc_.Reset(num_params);
  seen_.clear();
  poisoned_ = false;
}

Status MeanStrategy::AddUpdate(const UpdateView& update) {
  if (update.num_samples == 0) return InvalidArgument("update with 0 samples");
  if (seen_.contains(update.client_id)) {
    return InvalidArgument("second update from client in this round");
  }
  const auto weight = static_cast<double>(update.num_samples);
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
