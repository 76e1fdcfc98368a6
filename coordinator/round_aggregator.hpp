// RoundAggregator: the heavy half of a round, kept off the network thread.
// It checks each update blob (envelope, element count, every value finite)
// on the worker pool, folds accepted ones into the Strategy (mean-based
// strategies straight from the checked blob, robust ones from its decoded
// values), and at the end makes the new global model and evaluates it. It
// owns the Strategy; every strategy call runs on one strand of the pool, so
// the strategy needs no locks. Methods may be called from any thread;
// completions run on the pool.
#pragma once

#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>  // before Asio: Boost 1.74 needs it with C++20
#include <vector>

#include "common/codec/verified_blob.hpp"
#include "common/dataset.hpp"
#include "common/status.hpp"
#include "coordinator/round_state.hpp"
#include "coordinator/strategy.hpp"
#include "protocol/messages.hpp"

namespace fedq::coordinator {

struct CheckResult {
  RejectReason reason = RejectReason::kNone;  // kNone: accepted and folded in
  std::string detail;
};

struct AggregateResult {
  bool changed = false;  // false: no usable update, model unchanged
  std::vector<float> model;
  std::vector<uint8_t> strategy_state;
  std::optional<double> test_accuracy;
  std::optional<double> test_loss;
};

// acc[i] += round(weight * values[i] * 2^frac_bits), half away from zero;
// adds nothing unless every term fits in 2^62. Integer sums make the result
// independent of the order of updates.
Status FoldFixedPoint(std::span<const float> values, double weight, std::span<int64_t> acc,
                      int frac_bits);

class RoundAggregator {
 public:
  // `eval_data` may be null (no evaluation); it must outlive this object.
  RoundAggregator(boost::asio::thread_pool& pool, std::unique_ptr<Strategy> strategy,
                  std::vector<int> layers, const Dataset* eval_data);

  std::size_t num_params() const { return num_params_; }

  // Synchronous, before the first round: restores server optimizer state.
  Status LoadState(std::span<const uint8_t> state);

  // Starts a round (discarding any partial one).
  void Begin(std::size_t max_updates);
  // Checks `blob` and, if good, folds it with weight `samples`.
  void Submit(std::string key, uint64_t samples, protocol::Blob blob,
              std::function<void(CheckResult)> done);
  // REQUIRES: every Submit of the round has completed.
  void Finish(std::vector<float> global, std::function<void(Result<AggregateResult>)> done);

  // Decodes and checks one blob against the model size: the pure part of
  // Submit for robust strategies, exposed for tests and benchmarks. Leaves
  // the decoded values in `dense`.
  static CheckResult Check(const protocol::Blob& blob, std::size_t num_params,
                           std::vector<float>& dense);
  // The same checks without decoding, for the mean-based strategies: on
  // success `verified` holds the blob, ready to be folded from its bytes.
  static CheckResult Verify(protocol::Blob blob, std::size_t num_params,
                            std::optional<codec::VerifiedBlob>& verified);

 private:
  // Robust strategies: decode on the pool, hand the dense values over.
  void SubmitDense(std::string key, uint64_t samples, protocol::Blob blob,
                   std::function<void(CheckResult)> done);
  CheckResult Fold(const std::string& key, uint64_t samples, UpdateView view);
  Result<AggregateResult> Aggregate(std::vector<float> global);

  boost::asio::thread_pool& pool_;
  boost::asio::strand<boost::asio::thread_pool::executor_type> strand_;
  std::unique_ptr<Strategy> strategy_;
  const bool robust_;  // keeps dense updates (read off the strand too)
  std::vector<int> layers_;
  std::size_t num_params_;
  const Dataset* eval_data_;
};

}  // namespace fedq::coordinator
