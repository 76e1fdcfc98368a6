// FedYogi (Reddi et al. 2021, "Adaptive Federated Optimization"): the
// adaptive server optimizer whose second moment is
// v <- v - (1 - beta2) d^2 sign(v - d^2): v grows at most additively, so it forgets a large d more
// slowly than Adam. Not thread-safe.
#pragma once

#include "coordinator/adaptive_strategy.hpp"

namespace fedq::coordinator {

class FedYogi final : public AdaptiveStrategy {
 public:
  explicit FedYogi(const AdaptiveParams& params) : AdaptiveStrategy(params) {}
  std::string_view name() const override { return "fedyogi"; }

 protected:
  void UpdateSecondMoment(std::span<float> v, std::span<const float> d) const override;
};

}  // namespace fedq::coordinator
