#include "coordinator/fixed_point_accumulator.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "common/codec/codec.hpp"
#include "coordinator/fake_clock.hpp"

namespace fedq::coordinator {
namespace {

TEST(FixedPointAccumulatorTest, WeightedMeanWithinResolution) {
  FixedPointAccumulator acc;
  acc.Reset(3);
  std::vector<float> a = {0.1f, -0.2f, 1e-3f};
  std::vector<float> b = {0.3f, 0.4f, -1e-3f};
  ASSERT_TRUE(acc.AddDense(a, 3).ok());
  ASSERT_TRUE(acc.AddDense(b, 1).ok());
  std::vector<float> mean(3);
  ASSERT_TRUE(acc.MeanInto(mean).ok());
  const double tol = std::ldexp(1.0, -FixedPointAccumulator::kDefaultFracBits);
  EXPECT_NEAR(mean[0], (3 * 0.1 + 0.3) / 4, tol + 1e-8);
  EXPECT_NEAR(mean[1], (3 * -0.2 + 0.4) / 4, tol + 1e-8);
  EXPECT_NEAR(mean[2], (3 * 1e-3 - 1e-3) / 4, tol + 1e-8);
}

TEST(FixedPointAccumulatorTest, RefusedUpdateAddsNothing) {
  FixedPointAccumulator acc;
  acc.Reset(2);
  std::vector<float> ok = {1, 2};
  ASSERT_TRUE(acc.AddDense(ok, 1).ok());
  std::vector<float> bad = {5, NAN};
  EXPECT_EQ(acc.AddDense(bad, 1).code(), ErrorCode::kOutOfRange);
  std::vector<float> huge = {1, 3e38f};
  EXPECT_EQ(acc.AddDense(huge, 1e6).code(), ErrorCode::kOutOfRange);
  std::vector<float> wrong_size = {1};
  EXPECT_EQ(acc.AddDense(wrong_size, 1).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(acc.AddDense(ok, 0).code(), ErrorCode::kInvalidArgument);
  std::vector<float> mean(2);
  ASSERT_TRUE(acc.MeanInto(mean).ok());
  EXPECT_EQ(mean, ok);
  EXPECT_EQ(acc.total_weight(), 1);
}

TEST(FixedPointAccumulatorTest, DetectsSumOverflow) {
  FixedPointAccumulator acc(40);
  acc.Reset(1);
  std::vector<float> v = {1e6f};  // 1e6 * 2^40 * 4 ~ 4.4e18, just over the per-term cap
  Status s = Status::Ok();
  for (int i = 0; i < 10 && s.ok(); ++i) s = acc.AddDense(v, 3);
  EXPECT_EQ(s.code(), ErrorCode::kOutOfRange);
}

// AddDense and the codec's fold from a blob add the same integers, ties
// included (both round half away from zero).
TEST(FixedPointAccumulatorTest, AddDenseRoundsTiesAsTheCodecFold) {
  const int frac = FixedPointAccumulator::kDefaultFracBits;
  // k + 0.5 units of 2^-24, both signs, even and odd k.
  std::vector<float> ties;
  for (int k : {0, 1, 2, 3, 10, 11}) {
    ties.push_back(static_cast<float>(std::ldexp(k + 0.5, -frac)));
    ties.push_back(static_cast<float>(std::ldexp(-(k + 0.5), -frac)));
  }
  FixedPointAccumulator acc;
  acc.Reset(ties.size());
  ASSERT_TRUE(acc.AddDense(ties, 1).ok());
  auto blob = codec::Encode(codec::ParseSpec("fp32").value(), ties, nullptr, 0).value();
  std::vector<std::int64_t> folded(ties.size(), 0);
  ASSERT_TRUE(codec::AccumulateFixedPoint(blob, 1, folded, frac).ok());
  EXPECT_EQ(std::vector<std::int64_t>(acc.raw().begin(), acc.raw().end()), folded);
  EXPECT_EQ(acc.raw()[2], 2);   // 1.5 -> 2
  EXPECT_EQ(acc.raw()[4], 3);   // 2.5 -> 3, not 2
  EXPECT_EQ(acc.raw()[5], -3);  // -2.5 -> -3
}

TEST(FixedPointAccumulatorTest, EmptyMeanIsRefused) {
  FixedPointAccumulator acc;
  acc.Reset(1);
  std::vector<float> mean(1);
  EXPECT_EQ(acc.MeanInto(mean).code(), ErrorCode::kFailedPrecondition);
}

TEST(FakeClockTest, MovesOnlyWhenAdvanced) {
  FakeClock clock(1000);
  auto t0 = clock.Now();
  EXPECT_EQ(clock.UnixMillis(), 1000);
  clock.Advance(std::chrono::milliseconds(250));
  EXPECT_EQ(clock.Now() - t0, std::chrono::milliseconds(250));
  EXPECT_EQ(clock.UnixMillis(), 1250);
}

}  // namespace
}  // namespace fedq::coordinator
