// AdaptiveStrategy: the server optimizers of Reddi et al. 2021, "Adaptive
// Federated Optimization" (Algorithm 2). With d the weighted mean delta:
//   m <- beta1 m + (1 - beta1) d;  v <- SecondMoment(v, d);
//   w <- w + server_lr * m / (sqrt(v) + tau)
// FedAdagrad, FedAdam and FedYogi differ only in SecondMoment. As in the
// paper, m starts at 0 and v at tau^2, with no bias correction. State: m, v.
// Not thread-safe.
#pragma once

#include <vector>

#include "coordinator/mean_strategy.hpp"

namespace fedq::coordinator {

struct AdaptiveParams {
  double server_lr = 0.1;
  double beta1 = 0.9;
  double beta2 = 0.99;  // unused by FedAdagrad
  double tau = 1e-3;
};

class AdaptiveStrategy : public MeanStrategy {
 public:
  explicit AdaptiveStrategy(const AdaptiveParams& params) : params_(params) {}

  std::vector<std::uint8_t> SaveState() const final;
  Status LoadState(std::span<const std::uint8_t> state) final;

 protected:
  Status ApplyMean(std::span<const float> mean_delta, std::span<float> global) final;
  // v <- the strategy's second-moment update of v by d (element-wise).
  virtual void UpdateSecondMoment(std::span<float> v, std::span<const float> d) const = 0;
  const AdaptiveParams& params() const { return params_; }

 private:
  AdaptiveParams params_;
  std::vector<float> m_;  // first moment; empty until the first round
  std::vector<float> v_;  // second moment
};

}  // namespace fedq::coordinator
