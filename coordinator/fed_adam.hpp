// FedAdam (Reddi et al. 2021, "Adaptive Federated Optimization"): the
// adaptive server optimizer whose second moment is
// v <- beta2 v + (1 - beta2) d^2.
// Not thread-safe.
#pragma once

#include "coordinator/adaptive_strategy.hpp"

namespace fedq::coordinator {

class FedAdam final : public AdaptiveStrategy {
 public:
  explicit FedAdam(const AdaptiveParams& params) : AdaptiveStrategy(params) {}
  std::string_view name() const override { return "fedadam"; }

 protected:
  void UpdateSecondMoment(std::span<float> v, std::span<const float> d) const override;
};

}  // namespace fedq::coordinator
