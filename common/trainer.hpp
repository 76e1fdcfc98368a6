// Minibatch SGD for an Mlp: momentum, weight decay, FedProx proximal term,
// seeded shuffling; and batched evaluation. A Trainer owns its momentum
// buffer and preallocated workspaces (nothing is allocated per batch); it
// trains one model at a time and is not thread-safe (one per thread).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <random>
#include <span>

#include "common/dataset.hpp"
#include "common/mlp.hpp"
#include "common/mlp_workspace.hpp"
#include "common/status.hpp"

namespace fedq {

struct TrainConfig {
  int epochs = 1;
  int batch_size = 32;
  float learning_rate = 0.01f;
  float momentum = 0.0f;      // in [0, 1); PyTorch's SGD semantics (no dampening)
  float weight_decay = 0.0f;  // L2: adds weight_decay * w to every gradient
  float prox_mu = 0.0f;       // FedProx: adds prox_mu * (w - w_global)
  uint64_t seed = 1;          // the shuffling order
};

Status ValidateTrainConfig(const TrainConfig& config);

struct TrainStats {
  double mean_loss = 0.0;   // mean cross-entropy over every sample seen
  std::size_t samples = 0;  // samples processed (epochs x set size)
  double seconds = 0.0;     // training time, callbacks excluded
  double samples_per_second() const { return seconds > 0 ? samples / seconds : 0.0; }
};

struct EvalMetrics {
  double accuracy = 0.0;
  double loss = 0.0;  // mean cross-entropy
};

class Trainer {
 public:
  // Called after each batch: samples done so far and in total over all epochs.
  using BatchCallback = std::function<void(std::size_t done, std::size_t total)>;
  // Called at the end of each epoch (1-based) with that epoch's mean loss.
  using EpochCallback = std::function<void(int epoch, double mean_loss)>;

  explicit Trainer(TrainConfig config) : config_(config) {}

  void set_batch_callback(BatchCallback cb) { on_batch_ = std::move(cb); }
  void set_epoch_callback(EpochCallback cb) { on_epoch_ = std::move(cb); }
  // Checked after every batch; once true, Train stops with kCancelled (the
  // model holds the last completed step). Set from a signal handler or
  // another thread. REQUIRES: `stop` outlives the Trainer's Train calls.
  void set_stop_flag(const std::atomic<bool>* stop) { stop_ = stop; }

  // Trains `mlp` in place on `data`, or on the rows listed in `indices` when
  // it is not empty. With prox_mu > 0, `global_params` (the round's global
  // model, same layout as mlp.params()) is required. Each call starts with
  // a zero momentum buffer, as a client's local training does every round.
  Result<TrainStats> Train(Mlp& mlp, const Dataset& data, std::span<const std::size_t> indices = {},
                           std::span<const float> global_params = {});

 private:
  Status CheckInputs(const Mlp& mlp, const Dataset& data, std::span<const std::size_t> indices,
                     std::span<const float> global_params) const;
  double RunEpoch(Mlp& mlp, const Dataset& data, std::span<const std::size_t> order,
                  std::span<const float> global_params);
  double RunBatch(Mlp& mlp, const Dataset& data, std::span<const std::size_t> rows,
                  std::span<const float> global_params);
  bool Stopped() const { return stop_ != nullptr && stop_->load(std::memory_order_relaxed); }
  void UpdateLayer(Mlp& mlp, std::size_t layer, std::span<const float> global_params);

  TrainConfig config_;
  MlpWorkspace workspace_;
  // Holds momentum * buf between steps, so the backward pass accumulates the
  // gradient straight into it and no separate gradient buffer is swept.
  std::vector<float> velocity_;
  std::vector<float> batch_x_;
  std::vector<int32_t> batch_y_;
  std::vector<std::size_t> order_;
  std::mt19937_64 rng_;
  std::size_t done_ = 0;
  std::size_t total_ = 0;
  BatchCallback on_batch_;
  EpochCallback on_epoch_;
  const std::atomic<bool>* stop_ = nullptr;
};

// Accuracy and mean loss of `mlp` on all of `data`, in batches.
Result<EvalMetrics> Evaluate(const Mlp& mlp, const Dataset& data);

// Checks that `data` fits `layer_sizes`: width, labels within the classes.
Status CheckDatasetFits(const std::vector<int>& layer_sizes, const Dataset& data);

}  // namespace fedq
