#include "coordinator/round_aggregator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <cmath>
#include <future>
#include <random>

#include "common/codec/blob_format.hpp"
#include "common/codec/codec.hpp"

namespace fedq::coordinator {
namespace {

TEST(FoldFixedPoint, MatchesTheCodecsFixedPointAccumulate) {
  std::vector<float> values = {0.5f, -0.5f, 1e-3f, -2.75f, 3.0e-8f, 0.0f, 123.456f};
  auto blob = codec::Encode(codec::ParseSpec("fp32").value(), values, nullptr, 0).value();
  std::vector<int64_t> ours(values.size(), 7), theirs(values.size(), 7);
  ASSERT_TRUE(FoldFixedPoint(values, 3.0, ours, 24).ok());
  ASSERT_TRUE(codec::AccumulateFixedPoint(blob, 3.0, theirs, 24).ok());
  EXPECT_EQ(ours, theirs);
}

TEST(FoldFixedPoint, AddsNothingWhenATermOverflows) {
  std::vector<float> values = {1.0f, 3e38f};
  std::vector<int64_t> acc = {5, 5};
  EXPECT_FALSE(FoldFixedPoint(values, 1.0, acc, 24).ok());
  EXPECT_EQ(acc, (std::vector<int64_t>{5, 5}));
}

TEST(RoundAggregatorCheck, RefusesWrongSizeGarbageAndNonFinite) {
  std::vector<float> dense;
  auto fp32 = codec::ParseSpec("fp32").value();
  auto good = codec::Encode(fp32, std::vector<float>(10, 0.1f), nullptr, 0).value();
  EXPECT_EQ(RoundAggregator::Check(good, 10, dense).reason, RejectReason::kNone);
  EXPECT_EQ(dense.size(), 10u);
  EXPECT_EQ(RoundAggregator::Check(good, 11, dense).reason, RejectReason::kWrongSize);
  EXPECT_EQ(RoundAggregator::Check(protocol::Blob(50, 1), 10, dense).reason,
            RejectReason::kBadBlob);
  protocol::Blob truncated(good.begin(), good.end() - 3);
  EXPECT_EQ(RoundAggregator::Check(truncated, 10, dense).reason, RejectReason::kBadBlob);
}

TEST(FoldFixedPoint, RoundsTiesAwayFromZeroLikeLlroundAtTheEdges) {
  // weight * value lands on 0.5 - 2^-54 and on odd integers in [2^52, 2^53),
  // where adding 0.5 before truncating would round the wrong way.
  const std::vector<float> one = {1.0f, -1.0f};
  for (double weight : {0.49999999999999994, 0x1p52 + 1, 0x1p52 + 3, 2.5, 0x1p51 + 0.5}) {
    std::vector<int64_t> acc(2, 0);
    ASSERT_TRUE(FoldFixedPoint(one, weight, acc, 0).ok());
    EXPECT_EQ(acc, (std::vector<int64_t>{std::llround(weight), std::llround(-weight)})) << weight;
  }
}

// Deltas of a trained model's size class, with exact ties at 2^-24 units.
std::vector<float> DeltasWithTies(std::size_t n, uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<float> dist(0.0f, 0.02f);
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = i % 4 == 0 ? static_cast<float>(std::ldexp(static_cast<int>(gen() % 999) - 499.5, -24))
                      : dist(gen);
  }
  return v;
}

TEST(RoundAggregatorVerify, FoldFromBlobEqualsFoldOfDecodedValuesBitForBit) {
  const std::size_t n = 20011;
  for (const char* spec :
       {"fp32", "int8", "fp16", "int8:block=256", "topk:0.1+int8", "fp32+zstd"}) {
    auto blob = codec::Encode(codec::ParseSpec(spec).value(), DeltasWithTies(n, 3), nullptr, 1);
    ASSERT_TRUE(blob.ok()) << spec;
    std::vector<float> dense;
    ASSERT_EQ(RoundAggregator::Check(*blob, n, dense).reason, RejectReason::kNone) << spec;
    std::optional<codec::VerifiedBlob> verified;
    ASSERT_EQ(RoundAggregator::Verify(*blob, n, verified).reason, RejectReason::kNone) << spec;
    for (double samples : {1.0, 3.0, 600.0, 60001.0}) {
      std::vector<int64_t> old_path(n, 11), new_path(n, 11);
      ASSERT_TRUE(FoldFixedPoint(dense, samples, old_path, 24).ok());
      ASSERT_TRUE(verified->AccumulateFixedPoint(samples, new_path, 24).ok());
      ASSERT_EQ(old_path, new_path) << spec << " samples " << samples;
    }
  }
}

// The bound the strategy checks sample count x values against is finite and
// holds for every codec, also those without a closed-form bound.
TEST(RoundAggregatorVerify, AbsBoundIsFiniteAndBoundsEveryValue) {
  const std::size_t n = 4099;
  for (const char* spec : {"fp32", "fp16", "int8", "int4", "qsgd", "topk:0.1+int8", "randk:0.2",
                           "fp32+zstd", "topk:0.05+fp16+zstd"}) {
    auto parsed = codec::ParseSpec(spec);
    ASSERT_TRUE(parsed.ok()) << spec;
    auto blob = codec::Encode(*parsed, DeltasWithTies(n, 5), nullptr, 2);
    ASSERT_TRUE(blob.ok()) << spec;
    std::vector<float> dense;
    ASSERT_EQ(RoundAggregator::Check(*blob, n, dense).reason, RejectReason::kNone) << spec;
    std::optional<codec::VerifiedBlob> verified;
    ASSERT_EQ(RoundAggregator::Verify(*blob, n, verified).reason, RejectReason::kNone) << spec;
    float top = 0;
    for (float v : dense) top = std::max(top, std::fabs(v));
    EXPECT_TRUE(std::isfinite(verified->abs_bound())) << spec;
    EXPECT_GE(verified->abs_bound(), top) << spec;
  }
}

// Through the pool and strand as the engine uses it: one client claiming an
// absurd sample count is refused as too_large; the round aggregates the rest.
TEST(RoundAggregatorSubmit, AbsurdSampleCountIsThatUpdatesRefusalNotTheRounds) {
  boost::asio::thread_pool pool(2);
  RoundAggregator aggregator(pool, MakeStrategy(StrategyConfig{}).value(), {2, 2}, nullptr);
  const std::size_t n = aggregator.num_params();
  auto fp32 = codec::ParseSpec("fp32").value();
  auto blob = [&](float v) { return codec::Encode(fp32, std::vector<float>(n, v), nullptr, 0); };
  std::promise<std::vector<CheckResult>> checked;
  std::vector<CheckResult> results(3);
  std::atomic<int> left = 3;
  auto done = [&](int i) {
    return [&, i](CheckResult r) {
      results[i] = std::move(r);
      if (--left == 0) checked.set_value(results);
    };
  };
  aggregator.Begin(3);
  aggregator.Submit("a", 10, blob(0.5f).value(), done(0));
  aggregator.Submit("absurd", uint64_t{1} << 50, blob(0.25f).value(), done(1));
  aggregator.Submit("b", 30, blob(1.5f).value(), done(2));
  const std::vector<CheckResult> got = checked.get_future().get();
  EXPECT_EQ(got[0].reason, RejectReason::kNone);
  EXPECT_EQ(got[1].reason, RejectReason::kTooLarge);
  EXPECT_NE(got[1].detail.find("num_samples 1125899906842624"), std::string::npos) << got[1].detail;
  EXPECT_EQ(got[2].reason, RejectReason::kNone);
  std::promise<Result<AggregateResult>> finished;
  aggregator.Finish(std::vector<float>(n, 0.0f),
                    [&](Result<AggregateResult> r) { finished.set_value(std::move(r)); });
  Result<AggregateResult> result = finished.get_future().get();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->changed);
  for (float w : result->model) EXPECT_FLOAT_EQ(w, 1.25f);  // (10 * 0.5 + 30 * 1.5) / 40
  pool.join();
}

TEST(RoundAggregatorVerify, GivesTheReasonsCheckGives) {
  std::optional<codec::VerifiedBlob> verified;
  auto fp32 = codec::ParseSpec("fp32").value();
  auto good = codec::Encode(fp32, std::vector<float>(10, 0.1f), nullptr, 0).value();
  EXPECT_EQ(RoundAggregator::Verify(good, 11, verified).reason, RejectReason::kWrongSize);
  EXPECT_FALSE(verified.has_value());
  EXPECT_EQ(RoundAggregator::Verify(protocol::Blob(50, 1), 10, verified).reason,
            RejectReason::kBadBlob);
  protocol::Blob truncated(good.begin(), good.end() - 3);
  EXPECT_EQ(RoundAggregator::Verify(truncated, 10, verified).reason, RejectReason::kBadBlob);
  protocol::Blob flipped = good;
  flipped[codec::HeaderSize("fp32") + 5] ^= 0x10;  // damage under the checksum
  EXPECT_EQ(RoundAggregator::Verify(flipped, 10, verified).reason, RejectReason::kBadBlob);
  EXPECT_EQ(RoundAggregator::Verify(good, 10, verified).reason, RejectReason::kNone);
  EXPECT_TRUE(verified.has_value());
}

TEST(RoundAggregatorVerify, NamesTheNonFiniteElementOnBothPaths) {
  auto fp32 = codec::ParseSpec("fp32").value();
  auto blob = codec::Encode(fp32, std::vector<float>(10, 0.1f), nullptr, 0).value();
  const std::size_t at = codec::HeaderSize("fp32") + 4 * 6;
  blob[at] = 0, blob[at + 1] = 0, blob[at + 2] = 0x80, blob[at + 3] = 0xff;  // -inf
  codec::SealChecksum(blob);
  std::optional<codec::VerifiedBlob> verified;
  CheckResult folded = RoundAggregator::Verify(blob, 10, verified);
  EXPECT_EQ(folded.reason, RejectReason::kNotFinite);
  EXPECT_NE(folded.detail.find("at 6"), std::string::npos) << folded.detail;
  std::vector<float> dense;
  CheckResult decoded = RoundAggregator::Check(blob, 10, dense);
  EXPECT_EQ(decoded.reason, RejectReason::kNotFinite);
  EXPECT_NE(decoded.detail.find("at 6"), std::string::npos) << decoded.detail;
}

}  // namespace
}  // namespace fedq::coordinator
