#include "coordinator/fed_avg.hpp"

namespace fedq::coordinator {

Status FedAvg::LoadState(std::span<const std::uint8_t> state) {
  if (!state.empty())
    return Corrupt("fedavg keeps no state, got " + std::to_string(state.size()) + " bytes");
  return Status::Ok();
}

Status FedAvg::ApplyMean(std::span<const float> mean_delta, std::span<float> global) {
  for (std::size_t i = 0; i < global.size(); ++i) {
    global[i] = static_cast<float>(global[i] + server_lr_ * mean_delta[i]);
  }
  return Status::Ok();
}

}  // namespace fedq::coordinator
