// LocalTrainer: what a client does with a round's global model: train on its
// own data and return delta = w_local - w_global. MlpLocalTrainer is the real
// one (fedq::Trainer on LocalData); tests substitute fakes. One agent calls
// its trainer from one pool thread at a time; different agents' trainers run
// concurrently and share only read-only data.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "client/local_data.hpp"
#include "common/status.hpp"
#include "protocol/messages.hpp"

namespace fedq::client {

struct LocalResult {
  std::vector<float> delta;  // same layout as the global parameters
  uint64_t num_samples = 0;  // local samples (not epochs x samples): FedAvg's weight
  double train_loss = 0.0;
  double train_seconds = 0.0;
};

class LocalTrainer {
 public:
  virtual ~LocalTrainer() = default;
  // `seed` is fixed by the task (run, round, client), so training is
  // reproducible whichever thread runs it.
  virtual Result<LocalResult> Train(const std::vector<int>& layers, std::span<const float> global,
                                    const protocol::TrainingConfig& config, uint64_t seed) = 0;
};

class MlpLocalTrainer : public LocalTrainer {
 public:
  explicit MlpLocalTrainer(LocalData data) : data_(std::move(data)) {}
  Result<LocalResult> Train(const std::vector<int>& layers, std::span<const float> global,
                            const protocol::TrainingConfig& config, uint64_t seed) override;
  const LocalData& data() const { return data_; }

 private:
  LocalData data_;
};

}  // namespace fedq::client
