// FedAdagrad (Reddi et al. 2021, "Adaptive Federated Optimization"): the
// adaptive server optimizer whose second moment is
// v <- v + d^2.
// Not thread-safe.
#pragma once

#include "coordinator/adaptive_strategy.hpp"

namespace fedq::coordinator {

class FedAdagrad final : public AdaptiveStrategy {
 public:
  explicit FedAdagrad(const AdaptiveParams& params) : AdaptiveStrategy(params) {}
  std::string_view name() const override { return "fedadagrad"; }

 protected:
  void UpdateSecondMoment(std::span<float> v, std::span<const float> d) const override;
};

}  // namespace fedq::coordinator
