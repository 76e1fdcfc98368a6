// Krum and multi-Krum (Blanchard et al. 2017, "Machine Learning with
// Adversaries: Byzantine Tolerant Gradient Descent"): score each delta by the
// summed squared distances to its n - f - 2 nearest others; Krum (m = 1)
// applies the best-scored delta, multi-Krum the mean of the m best. Ties go
// to the lower client id; m is capped at n - f, the paper's bound. REQUIRES: n >= 2f + 3. Not
// thread-safe.
#pragma once

#include "coordinator/robust_strategy.hpp"

namespace fedq::coordinator {

class Krum final : public RobustStrategy {
 public:
  Krum(std::size_t f, std::size_t m) : f_(f), m_(m) {}
  std::string_view name() const override { return "krum"; }
  std::size_t min_updates() const override { return 2 * f_ + 3; }

 protected:
  Status Combine(Rows rows, std::span<float> out) const override;

 private:
  std::size_t f_;
  std::size_t m_;
};

}  // namespace fedq::coordinator
