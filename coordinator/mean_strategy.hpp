// MeanStrategy: the shared half of the mean-based strategies (FedAvg and the
// server optimizers). It streams updates into a FixedPointAccumulator,
// weighted by sample count, and hands the weighted mean delta to the
// subclass's ApplyMean. Memory O(model) whatever the number of clients.
// Not thread-safe (see Strategy).
#pragma once

#include <set>
#include <string>

#include "coordinator/fixed_point_accumulator.hpp"
#include "coordinator/strategy.hpp"

namespace fedq::coordinator {

class MeanStrategy : public Strategy {
 public:
  bool needs_all_updates() const final { return false; }
  void BeginRound(std::size_t num_params, std::size_t max_updates) final;
  Status AddUpdate(const UpdateView& update) final;
  Result<bool> Finish(std::span<float> global_params) final;

 protected:
  // Moves `global` by the round's sample-weighted mean delta.
  // REQUIRES: mean_delta.size() == global.size().
  virtual Status ApplyMean(std::span<const float> mean_delta, std::span<float> global) = 0;

 private:
  FixedPointAccumulator acc_;
  // Each update's |terms| stay below this, so that max_updates of them
  // cannot overflow the int64 sums, in any order.
  double term_limit_ = 0;
  std::set<std::string, std::less<>> seen_;
  bool poisoned_ = false;
};

}  // namespace fedq::coordinator
