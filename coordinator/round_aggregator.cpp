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
      robust_(strategy_->needs_all_updates()),
      layers_(std::move(layers)),
      num_params_(Mlp::ParamCount(layers_)),
      eval_data_(eval_data) {}

Status RoundAggregator::LoadState(std::span<const uint8_t> state) {
  return strategy_->LoadState(state);
}

void RoundAggregator::Begin(std::size_t max_updates) {
  asio::post(strand_, [this, max_updates] { strategy_->BeginRound(num_params_, max_updates); });
}

namespace {

// The float codecs refuse non-finite values while decoding; that is worth
// its own reason (a diverged client, not a broken one).
CheckResult Refused(const Status& status) {
  const std::string why = status.message();
  const bool non_finite = why.find("NaN or inf") != std::string::npos;
  return {non_finite ? RejectReason::kNotFinite : RejectReason::kBadBlob, why};
}

CheckResult CheckEnvelope(const protocol::Blob& blob, std::size_t num_params) {
  Result<codec::BlobInfo> info = codec::Inspect(blob);
  if (!info.ok()) return {RejectReason::kBadBlob, info.status().message()};
  if (info->count != num_params) {
    return {RejectReason::kWrongSize,
            std::to_string(info->count) + " elements, model has " + std::to_string(num_params)};
  }
  return {};
}

}  // namespace

Status FoldFixedPoint(std::span<const float> values, double weight, std::span<int64_t> acc,
                      int frac_bits) {
  if (values.size() != acc.size()) return InvalidArgument("fold: size mismatch");
  const double unit = std::ldexp(weight, frac_bits);
  double largest = 0;
  for (float v : values) largest = std::max(largest, std::fabs(static_cast<double>(v)));
  if (!(std::fabs(unit) * largest < std::ldexp(1.0, 62))) {
    return OutOfRange("fold: a fixed-point term exceeds 2^62");
  }
  // Round half away from zero, as codec::AccumulateFixedPoint, without a
  // libm call per element. The addend is the largest double below 0.5:
  // adding 0.5 itself rounds 0.5 - 2^-54 up to 1 and odd integers in
  // [2^52, 2^53) up by one, where llround does not.
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double x = unit * static_cast<double>(values[i]);
    acc[i] += static_cast<int64_t>(x + std::copysign(0.49999999999999994, x));
  }
  return Status::Ok();
}

CheckResult RoundAggregator::Check(const protocol::Blob& blob, std::size_t num_params,
                                   std::vector<float>& dense) {
  CheckResult envelope = CheckEnvelope(blob, num_params);
  if (envelope.reason != RejectReason::kNone) return envelope;
  Result<std::vector<float>> decoded = codec::Decode(blob);
  if (!decoded.ok()) return Refused(decoded.status());
  dense = std::move(decoded).value();
  for (std::size_t i = 0; i < dense.size(); ++i) {
    if (!std::isfinite(dense[i])) {
      return {RejectReason::kNotFinite, "element " + std::to_string(i) + " is not finite"};
    }
  }
  return {};
}

CheckResult RoundAggregator::Verify(protocol::Blob blob, std::size_t num_params,
                                    std::optional<codec::VerifiedBlob>& verified) {
  Result<codec::VerifiedBlob> made = codec::VerifiedBlob::Make(std::move(blob), num_params);
  if (made.ok()) {
    verified.emplace(std::move(made).value());
    return {};
  }
  // Make reports a count mismatch as InvalidArgument, damage as Corrupt.
  if (made.status().code() == ErrorCode::kInvalidArgument) {
    return {RejectReason::kWrongSize, made.status().message()};
  }
  return Refused(made.status());
}

void RoundAggregator::Submit(std::string key, uint64_t samples, protocol::Blob blob,
                             std::function<void(CheckResult)> done) {
  // Checking runs in parallel on the pool; folding into the strategy is
  // serialized on the strand. The strategy only sees updates that cannot
  // fail midway.
  asio::post(pool_, [this, key = std::move(key), samples, blob = std::move(blob),
                     done = std::move(done)]() mutable {
    if (robust_) return SubmitDense(std::move(key), samples, std::move(blob), std::move(done));
    std::optional<codec::VerifiedBlob> verified;
    CheckResult checked = Verify(std::move(blob), num_params_, verified);
    if (checked.reason != RejectReason::kNone) return done(std::move(checked));
    asio::post(strand_, [this, key = std::move(key), samples, verified = std::move(verified),
                         done = std::move(done)]() mutable {
      UpdateView view;
      view.fold = [&verified](double weight, std::span<int64_t> acc, int frac_bits) {
        return verified->AccumulateFixedPoint(weight, acc, frac_bits);
      };
      view.max_abs_value = verified->abs_bound();
      done(Fold(key, samples, std::move(view)));
    });
  });
}

void RoundAggregator::SubmitDense(std::string key, uint64_t samples, protocol::Blob blob,
                                  std::function<void(CheckResult)> done) {
  std::vector<float> dense;
  CheckResult checked = Check(blob, num_params_, dense);
  if (checked.reason != RejectReason::kNone) return done(std::move(checked));
  protocol::Blob().swap(blob);  // free the wire bytes now (`= {}` keeps the capacity)
  asio::post(strand_, [this, key = std::move(key), samples, dense = std::move(dense),
                       done = std::move(done)]() mutable {
    UpdateView view;
    view.dense = dense;
    done(Fold(key, samples, std::move(view)));
  });
}

CheckResult RoundAggregator::Fold(const std::string& key, uint64_t samples, UpdateView view) {
  view.client_id = key;
  view.num_samples = samples;
  Status added = strategy_->AddUpdate(view);
  if (added.code() == ErrorCode::kOutOfRange) return {RejectReason::kTooLarge, added.message()};
  if (!added.ok()) return Refused(added);
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
