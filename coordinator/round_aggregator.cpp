#include "coordinator/round_aggregator.hpp"

#include <boost/asio/post.hpp>
#include <cmath>

#include "common/codec/codec.hpp"
#include "common/mlp.hpp"
#include "common/trainer.hpp"

namespace fedq::coordinator {
namespace asio = boost::asio;

RoundAggregator::RoundAggregator(asio::thread_pool& pool, std::unique_ptr<Strategy> strategy,
                                 std::vector<int> layers, const Dataset* eval_data)
    : pool_(pool),
      strand_(asio::make_strand(pool)),
      strategy_(std::move(strategy)),
      layers_(std::move(layers)),
      num_params_(Mlp::ParamCount(layers_)),
      eval_data_(eval_data) {}

Status RoundAggregator::LoadState(std::span<const uint8_t> state) {
  return strategy_->LoadState(state);
}

void RoundAggregator::Begin() {
  asio::post(strand_, [this] { strategy_->BeginRound(num_params_); });
}

CheckResult RoundAggregator::Check(const protocol::Blob& blob, std::size_t num_params,
                                   std::vector<float>& dense) {
  Result<codec::BlobInfo> info = codec::Inspect(blob);
  if (!info.ok()) return {RejectReason::kBadBlob, info.status().message()};
  if (info->count != num_params) {
    return {RejectReason::kWrongSize,
            std::to_string(info->count) + " elements, model has " + std::to_string(num_params)};
  }
  Result<std::vector<float>> decoded = codec::Decode(blob);
  if (!decoded.ok()) {
    // The float codecs refuse non-finite values while decoding; that is
    // worth its own reason (a diverged client, not a broken one).
    const std::string why = decoded.status().message();
    const bool non_finite = why.find("NaN or inf") != std::string::npos;
    return {non_finite ? RejectReason::kNotFinite : RejectReason::kBadBlob, why};
  }
  dense = std::move(decoded).value();
  for (std::size_t i = 0; i < dense.size(); ++i) {
    if (!std::isfinite(dense[i])) {
      return {RejectReason::kNotFinite, "element " + std::to_string(i) + " is not finite"};
    }
  }
  return {};
}

void RoundAggregator::Submit(std::string key, uint64_t samples, protocol::Blob blob,
                             std::function<void(CheckResult)> done) {
  // Decoding and checking run in parallel on the pool; folding into the
  // strategy is serialized on the strand.
  asio::post(pool_, [this, key = std::move(key), samples, blob = std::move(blob),
                     done = std::move(done)]() mutable {
    std::vector<float> dense;
    CheckResult checked = Check(blob, num_params_, dense);
    if (checked.reason != RejectReason::kNone) return done(std::move(checked));
    if (!strategy_->needs_all_updates()) dense = {};  // the fold reads the blob
    asio::post(strand_, [this, key = std::move(key), samples, blob = std::move(blob),
                         dense = std::move(dense), done = std::move(done)]() mutable {
      done(Fold(key, samples, blob, dense));
    });
  });
}

CheckResult RoundAggregator::Fold(const std::string& key, uint64_t samples,
                                  const protocol::Blob& blob, std::vector<float>& dense) {
  UpdateView view;
  view.client_id = key;
  view.num_samples = samples;
  if (strategy_->needs_all_updates()) {
    view.dense = dense;
  } else {
    view.fold = [&blob](double weight, std::span<int64_t> acc, int frac_bits) {
      return codec::AccumulateFixedPoint(blob, weight, acc, frac_bits);
    };
  }
  Status added = strategy_->AddUpdate(view);
  if (!added.ok()) return {RejectReason::kBadBlob, added.message()};
  return {};
}

void RoundAggregator::Finish(std::vector<float> global,
                             std::function<void(Result<AggregateResult>)> done) {
  asio::post(strand_, [this, global = std::move(global), done = std::move(done)]() mutable {
    done(Aggregate(std::move(global)));
  });
}

Result<AggregateResult> RoundAggregator::Aggregate(std::vector<float> global) {
  AggregateResult out;
  FEDQ_ASSIGN_OR_RETURN(out.changed, strategy_->Finish(global));
  out.strategy_state = strategy_->SaveState();
  if (out.changed && eval_data_ != nullptr) {
    FEDQ_ASSIGN_OR_RETURN(Mlp mlp, Mlp::FromParams(layers_, global));
    FEDQ_ASSIGN_OR_RETURN(EvalMetrics eval, Evaluate(mlp, *eval_data_));
    out.test_accuracy = eval.accuracy;
    out.test_loss = eval.loss;
  }
  out.model = std::move(global);
  return out;
}

}  // namespace fedq::coordinator
