#include "coordinator/round_aggregator.hpp"

#include <gtest/gtest.h>

#include <cmath>

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

}  // namespace
}  // namespace fedq::coordinator
