// Strategy: the aggregation policy of a round (Flower's middle layer). The
// round engine calls BeginRound, AddUpdate per accepted update, then Finish;
// SaveState/LoadState carry server optimizer state across restarts.
// Strategies do no I/O. Not thread-safe: the round engine owns one instance
// and calls it from one thread (or strand).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace fedq::coordinator {

// Adds weight * (decoded update) into a fixed-point accumulator of
// 2^-frac_bits resolution; built by the round engine from the codec's
// AccumulateFixedPoint. REQUIRES: on failure it has added nothing (the blob
// was validated before), otherwise the round's sum is unusable.
using FoldFn = std::function<Status(double weight, std::span<std::int64_t> acc, int frac_bits)>;

// One accepted client update, as the strategy sees it. Either `dense` (the
// decoded delta w_local - w_global) or `fold` is set; robust strategies
// (needs_all_updates()) require `dense`.
struct UpdateView {
  std::string_view client_id;  // stable identity, e.g. certificate fingerprint
  std::uint64_t num_samples = 0;
  std::span<const float> dense;
  FoldFn fold;
  // With `fold`: an upper bound of |value| over the update, from its checks.
  float max_abs_value = std::numeric_limits<float>::infinity();
};

// Names and parameters as given in the coordinator's config. Unset
// parameters take the strategy's documented default; a parameter that the
// chosen strategy does not use is refused.
struct StrategyConfig {
  std::string name =
      "fedavg";  // fedavg fedavgm fedadam fedyogi fedadagrad fedmedian trimmed_mean krum
  std::optional<double>
      server_lr;                   // all but the robust ones; 1.0 (fedavg, fedavgm), 0.1 (adaptive)
  std::optional<double> momentum;  // fedavgm: 0.9
  std::optional<double> beta1;     // adaptive: 0.9
  std::optional<double> beta2;     // fedadam, fedyogi: 0.99
  std::optional<double> tau;       // adaptive: 1e-3
  std::optional<double> trim_beta;  // trimmed_mean: 0.1, in [0, 0.5)
  std::optional<int> krum_f;        // krum: 1, assumed Byzantine clients
  std::optional<int> krum_m;        // krum: 1 (Krum); m > 1 is multi-Krum
};

class Strategy {
 public:
  virtual ~Strategy() = default;

  virtual std::string_view name() const = 0;
  // true: AddUpdate needs the dense decoded delta and the strategy keeps the
  // round's updates (O(clients x model)); false: streaming, O(model).
  virtual bool needs_all_updates() const = 0;
  // Fewest accepted updates with which Finish can aggregate (Krum: 2f+3).
  virtual std::size_t min_updates() const { return 1; }

  // Starts a round for a model of `num_params` parameters in which at most
  // `max_updates` updates can arrive (the tasks sent), discarding any update
  // of an unfinished round.
  virtual void BeginRound(std::size_t num_params, std::size_t max_updates) = 0;
  // Folds in one accepted update. An error rejects that update only (unless
  // a fold failed midway, which poisons the round: Finish then fails). An
  // update whose sample count times values could overflow the round's sum is
  // refused with kOutOfRange, whatever arrived before it.
  virtual Status AddUpdate(const UpdateView& update) = 0;
  // Updates `global_params` in place. false: no usable update, model
  // unchanged. The result does not depend on the order of AddUpdate calls.
  virtual Result<bool> Finish(std::span<float> global_params) = 0;

  // Server optimizer state (empty for stateless strategies), little-endian.
  virtual std::vector<std::uint8_t> SaveState() const = 0;
  virtual Status LoadState(std::span<const std::uint8_t> state) = 0;
};

// Builds a strategy from its config; a bad name or parameter is an
// InvalidArgument naming it.
Result<std::unique_ptr<Strategy>> MakeStrategy(const StrategyConfig& config);

}  // namespace fedq::coordinator
