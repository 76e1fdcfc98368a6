// FedMedian (Yin et al. 2018, "Byzantine-Robust Distributed Learning:
// Towards Optimal Statistical Rates"): the model moves by the
// coordinate-wise median of the deltas. Not thread-safe.
#pragma once

#include "coordinator/robust_strategy.hpp"

namespace fedq::coordinator {

class FedMedian final : public RobustStrategy {
 public:
  std::string_view name() const override { return "fedmedian"; }

 protected:
  Status Combine(Rows rows, std::span<float> out) const override;
};

}  // namespace fedq::coordinator
