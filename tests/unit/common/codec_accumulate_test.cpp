// Decode-and-accumulate into float and fixed-point accumulators.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "codec_test_util.hpp"

namespace fedq::codec {
namespace {

using testing::MustDecode;
using testing::MustEncode;
using testing::RandomVector;

TEST(CodecAccumulate, AddsWeightedDecodedValues) {
  for (std::string_view s : testing::AllSpecs()) {
    std::vector<uint8_t> blob = MustEncode(s, RandomVector(2000, 3));
    std::vector<float> dec = MustDecode(blob);
    std::vector<float> acc = RandomVector(2000, 4);
    std::vector<float> start = acc;
    ASSERT_TRUE(Accumulate(blob, 0.3f, acc).ok()) << s;
    for (std::size_t i = 0; i < acc.size(); ++i) {
      ASSERT_NEAR(acc[i], start[i] + 0.3f * dec[i], 1e-5f * (1 + std::fabs(acc[i]))) << s << i;
    }
  }
}

TEST(CodecAccumulate, BadBlobLeavesAccumulatorUnchanged) {
  std::vector<uint8_t> blob = MustEncode("topk:0.1+int8", RandomVector(500, 3));
  std::vector<float> acc(500, 1.0f);
  std::vector<uint8_t> bad = blob;
  bad[bad.size() / 2] ^= 1;
  EXPECT_EQ(Accumulate(bad, 1.0f, acc).code(), ErrorCode::kCorrupt);
  std::vector<float> wrong(499, 1.0f);
  EXPECT_EQ(Accumulate(blob, 1.0f, wrong).code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(Accumulate(blob, std::nanf(""), acc).ok());
  EXPECT_TRUE(std::all_of(acc.begin(), acc.end(), [](float v) { return v == 1.0f; }));
  std::vector<int64_t> fixed(500, 7);
  EXPECT_FALSE(AccumulateFixedPoint(bad, 1.0, fixed, 20).ok());
  EXPECT_FALSE(AccumulateFixedPoint(blob, 1.0, fixed, 63).ok());
  EXPECT_FALSE(AccumulateFixedPoint(blob, 1e30, fixed, 40).ok());  // terms beyond 2^62
  EXPECT_TRUE(std::all_of(fixed.begin(), fixed.end(), [](int64_t v) { return v == 7; }));
}

TEST(CodecAccumulate, FixedPointSumIsIndependentOfOrder) {
  std::vector<std::vector<uint8_t>> blobs;
  for (int c = 0; c < 6; ++c) {
    blobs.push_back(MustEncode(c % 2 ? "int8" : "topk:0.2+int4", RandomVector(777, c, 0.01f), c));
  }
  auto sum = [&](const std::vector<int>& order) {
    std::vector<int64_t> acc(777, 0);
    for (int c : order) EXPECT_TRUE(AccumulateFixedPoint(blobs[c], 10.0 + c, acc, 40).ok());
    return acc;
  };
  std::vector<int> order = {0, 1, 2, 3, 4, 5};
  std::vector<int64_t> first = sum(order);
  for (int i = 0; i < 10; ++i) {
    std::next_permutation(order.begin(), order.end());
    EXPECT_EQ(sum(order), first);
  }
  // Back to floats: the weighted mean, within the fixed-point resolution.
  std::vector<float> mean(777);
  double total_weight = 6 * 10.0 + 15;
  FixedPointToFloat(first, 40, total_weight, mean);
  std::vector<double> expect(777, 0.0);
  for (int c = 0; c < 6; ++c) {
    std::vector<float> d = MustDecode(blobs[c]);
    for (std::size_t i = 0; i < d.size(); ++i) expect[i] += (10.0 + c) * d[i] / total_weight;
  }
  for (std::size_t i = 0; i < mean.size(); ++i) ASSERT_NEAR(mean[i], expect[i], 1e-6);
}

TEST(CodecAccumulate, FixedPointRoundsEachTermToNearest) {
  std::vector<uint8_t> blob = MustEncode("fp32", {0.75f, -0.75f, 0.2f});
  std::vector<int64_t> acc(3, 0);
  ASSERT_TRUE(AccumulateFixedPoint(blob, 1.0, acc, 1).ok());  // units of 0.5
  EXPECT_EQ(acc, (std::vector<int64_t>{2, -2, 0}));           // 1.5 -> 2 (away from zero), 0.4 -> 0
}

}  // namespace
}  // namespace fedq::codec
