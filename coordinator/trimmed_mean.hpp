// Trimmed mean (Yin et al. 2018, "Byzantine-Robust Distributed Learning"):
// per coordinate, drop the floor(beta * n) smallest and largest values and
// average the rest. REQUIRES: 0 <= beta < 0.5. Not thread-safe.
#pragma once

#include "coordinator/robust_strategy.hpp"

namespace fedq::coordinator {

class TrimmedMean final : public RobustStrategy {
 public:
  explicit TrimmedMean(double beta) : beta_(beta) {}
  std::string_view name() const override { return "trimmed_mean"; }

 protected:
  Status Combine(Rows rows, std::span<float> out) const override;

 private:
  double beta_;
};

}  // namespace fedq::coordinator
