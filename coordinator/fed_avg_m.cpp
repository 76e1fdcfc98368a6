#include "coordinator/fed_avg_m.hpp"

#include "coordinator/state_bytes.hpp"

namespace fedq::coordinator {

std::vector<std::uint8_t> FedAvgM::SaveState() const {
  StateWriter w;
  WriteStateHeader(w, name());
  w.Floats(velocity_);
  return w.Take();
}

Status FedAvgM::LoadState(std::span<const std::uint8_t> state) {
  StateReader r(state);
  FEDQ_RETURN_IF_ERROR(ReadStateHeader(r, name()));
  FEDQ_ASSIGN_OR_RETURN(std::vector<float> velocity, r.Floats());
  if (!r.AtEnd()) return Corrupt("fedavgm state: trailing bytes");
  velocity_ = std::move(velocity);
  return Status::Ok();
}

Status FedAvgM::ApplyMean(std::span<const float> mean_delta, std::span<float> global) {
  if (velocity_.empty()) velocity_.assign(global.size(), 0.0f);
  if (velocity_.size() != global.size()) {
    return FailedPrecondition("fedavgm: momentum has " + std::to_string(velocity_.size()) +
                              " values, model has " + std::to_string(global.size()));
  }
  for (std::size_t i = 0; i < global.size(); ++i) {
    velocity_[i] = static_cast<float>(momentum_ * velocity_[i] + mean_delta[i]);
    global[i] = static_cast<float>(global[i] + server_lr_ * velocity_[i]);
  }
  return Status::Ok();
}

}  // namespace fedq::coordinator
