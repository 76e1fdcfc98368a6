// FedAvgM (Hsu et al. 2019, "Measuring the Effects of Non-Identical Data
// Distribution for Federated Visual Classification"): server momentum on the
// mean delta, v <- momentum * v + mean_delta; w <- w + server_lr * v.
// State: v (saved and restored for resume). Not thread-safe.
#pragma once

#include <vector>

#include "coordinator/mean_strategy.hpp"

namespace fedq::coordinator {

class FedAvgM final : public MeanStrategy {
 public:
  FedAvgM(double server_lr, double momentum) : server_lr_(server_lr), momentum_(momentum) {}

  std::string_view name() const override { return "fedavgm"; }
  std::vector<std::uint8_t> SaveState() const override;
  Status LoadState(std::span<const std::uint8_t> state) override;

 protected:
  Status ApplyMean(std::span<const float> mean_delta, std::span<float> global) override;

 private:
  double server_lr_;
  double momentum_;
  std::vector<float> velocity_;  // empty until the first round
};

}  // namespace fedq::coordinator
