// RobustStrategy: the shared half of the Byzantine-robust strategies
// (FedMedian, trimmed mean, Krum). It keeps the round's decoded deltas
// (O(clients x model), by necessity), sorts them by client id so the result
// does not depend on arrival order, and moves the model by the subclass's
// Combine. Updates are unweighted, as in the papers. Stateless across
// rounds. Not thread-safe (see Strategy).
#pragma once

#include <string>
#include <vector>

#include "coordinator/aggregate_math.hpp"
#include "coordinator/strategy.hpp"

namespace fedq::coordinator {

class RobustStrategy : public Strategy {
 public:
  bool needs_all_updates() const final { return true; }
  void BeginRound(std::size_t num_params, std::size_t max_updates) final;
  Status AddUpdate(const UpdateView& update) final;
  Result<bool> Finish(std::span<float> global_params) final;
  std::vector<std::uint8_t> SaveState() const final { return {}; }
  Status LoadState(std::span<const std::uint8_t> state) final;

 protected:
  // out = the robust aggregate of `rows` (sorted by client id, at least
  // min_updates() of them).
  virtual Status Combine(Rows rows, std::span<float> out) const = 0;

 private:
  struct Kept {
    std::string client_id;
    std::vector<float> delta;
  };
  std::size_t num_params_ = 0;
  std::vector<Kept> kept_;
};

}  // namespace fedq::coordinator
