#include "coordinator/aggregate_math.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace fedq::coordinator {
namespace {

std::vector<std::span<const float>> AsRows(const std::vector<std::vector<float>>& m) {
  return {m.begin(), m.end()};
}

TEST(AggregateMathTest, WeightedMeanUsesWeights) {
  std::vector<std::vector<float>> m = {{1, 2}, {5, -2}};
  auto rows = AsRows(m);
  std::vector<double> w = {1, 3};
  std::vector<float> out(2);
  ASSERT_TRUE(WeightedMean(rows, w, out).ok());
  EXPECT_FLOAT_EQ(out[0], 4.0f);
  EXPECT_FLOAT_EQ(out[1], -1.0f);
}

TEST(AggregateMathTest, MedianOddAndEvenWithTies) {
  std::vector<std::vector<float>> odd = {{1, 5}, {3, 5}, {2, 7}};
  std::vector<float> out(2);
  auto rows = AsRows(odd);
  ASSERT_TRUE(CoordinateMedian(rows, out).ok());
  EXPECT_EQ(out, (std::vector<float>{2, 5}));

  std::vector<std::vector<float>> even = {{1, 4}, {2, 1}, {2, 3}, {9, 3}};
  rows = AsRows(even);
  ASSERT_TRUE(CoordinateMedian(rows, out).ok());
  EXPECT_EQ(out, (std::vector<float>{2, 3}));  // tied middles give the tied value

  std::vector<std::vector<float>> mixed = {{1}, {2}, {4}, {10}};
  std::vector<float> one(1);
  rows = AsRows(mixed);
  ASSERT_TRUE(CoordinateMedian(rows, one).ok());
  EXPECT_FLOAT_EQ(one[0], 3.0f);
}

TEST(AggregateMathTest, TrimmedMeanDropsBothEndsWithTies) {
  std::vector<std::vector<float>> m = {{1, 0}, {2, 10}, {2, 5}, {9, 5}};
  auto rows = AsRows(m);
  std::vector<float> out(2);
  ASSERT_EQ(TrimCount(4, 0.25), 1u);
  ASSERT_TRUE(CoordinateTrimmedMean(rows, 1, out).ok());
  EXPECT_EQ(out, (std::vector<float>{2, 5}));
  EXPECT_FALSE(CoordinateTrimmedMean(rows, 2, out).ok());
  EXPECT_EQ(TrimCount(5, 0.2), 1u);
  EXPECT_EQ(TrimCount(9, 0.1), 0u);
}

TEST(AggregateMathTest, KrumScoresSumNearestSquaredDistances) {
  std::vector<std::vector<float>> m = {{0, 0}, {1, 0}, {0, 1}, {0.5, 0.5}, {100, 100}};
  auto rows = AsRows(m);
  auto scores = KrumScores(rows, 1);  // n - f - 2 = 2 neighbours
  ASSERT_TRUE(scores.ok());
  EXPECT_DOUBLE_EQ((*scores)[0], 1.5);  // 0.5 + 1
  EXPECT_DOUBLE_EQ((*scores)[3], 1.0);  // 0.5 + 0.5
  EXPECT_GT((*scores)[4], 10000.0);
  EXPECT_EQ(LowestScores(*scores, 2), (std::vector<std::size_t>{3, 0}));
  EXPECT_FALSE(KrumScores(rows, 2).ok());  // 5 < 2*2+3
}

TEST(AggregateMathTest, RejectsRaggedRows) {
  std::vector<std::vector<float>> m = {{1, 2}, {3}};
  auto rows = AsRows(m);
  std::vector<float> out(2);
  EXPECT_EQ(CoordinateMedian(rows, out).code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace fedq::coordinator
