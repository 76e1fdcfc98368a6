// FedAvg (McMahan et al. 2017, "Communication-Efficient Learning of Deep
// Networks from Decentralized Data"): the global model moves by the
// sample-weighted mean of the clients' deltas, scaled by a server learning
// rate (1.0 is the paper's FedAvg). Stateless. Not thread-safe.
#pragma once

#include "coordinator/mean_strategy.hpp"

namespace fedq::coordinator {

class FedAvg final : public MeanStrategy {
 public:
  explicit FedAvg(double server_lr = 1.0) : server_lr_(server_lr) {}

  std::string_view name() const override { return "fedavg"; }
  std::vector<std::uint8_t> SaveState() const override { return {}; }
  Status LoadState(std::span<const std::uint8_t> state) override;

 protected:
  Status ApplyMean(std::span<const float> mean_delta, std::span<float> global) override;

 private:
  double server_lr_;
};

}  // namespace fedq::coordinator
