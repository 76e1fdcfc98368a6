#include "coordinator/robust_strategy.hpp"

#include <algorithm>

namespace fedq::coordinator {

void RobustStrategy::BeginRound(std::size_t num_params, std::size_t /*max_updates*/) {
  num_params_ = num_params;
  kept_.clear();
}

Status RobustStrategy::AddUpdate(const UpdateView& update) {
  if (update.dense.empty()) {
    return InvalidArgument(std::string(name()) + " needs the decoded update, got none");
  }
  if (update.dense.size() != num_params_) {
    return InvalidArgument("update has " + std::to_string(update.dense.size()) +
                           " values, model has " + std::to_string(num_params_));
  }
  if (!AllFinite(update.dense)) return InvalidArgument("update has a non-finite value");
  for (const Kept& k : kept_) {
    if (k.client_id == update.client_id) {
      return InvalidArgument("second update from client in this round");
    }
  }
  kept_.push_back({std::string(update.client_id),
                   std::vector<float>(update.dense.begin(), update.dense.end())});
  return Status::Ok();
}

Result<bool> RobustStrategy::Finish(std::span<float> global_params) {
  if (global_params.size() != num_params_) {
    return InvalidArgument("global model has " + std::to_string(global_params.size()) +
                           " parameters, round began with " + std::to_string(num_params_));
  }
  if (kept_.empty()) return false;
  if (kept_.size() < min_updates()) {
    return FailedPrecondition(std::string(name()) + " needs at least " +
                              std::to_string(min_updates()) + " updates, got " +
                              std::to_string(kept_.size()));
  }
  std::sort(kept_.begin(), kept_.end(),
            [](const Kept& a, const Kept& b) { return a.client_id < b.client_id; });
  std::vector<std::span<const float>> rows;
  rows.reserve(kept_.size());
  for (const Kept& k : kept_) rows.emplace_back(k.delta);
  std::vector<float> aggregate(num_params_);
  FEDQ_RETURN_IF_ERROR(Combine(rows, aggregate));
  for (std::size_t i = 0; i < num_params_; ++i) global_params[i] += aggregate[i];
  return true;
}

Status RobustStrategy::LoadState(std::span<const std::uint8_t> state) {
  if (!state.empty()) {
    return Corrupt(std::string(name()) + " keeps no state, got " + std::to_string(state.size()) +
                   " bytes");
  }
  return Status::Ok();
}

}  // namespace fedq::coordinator
