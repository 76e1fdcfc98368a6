#include "common/random_draws.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

namespace fedq {
namespace {

TEST(RandomDrawsTest, UniformBelowStaysInRangeAndHitsEveryValue) {
  std::mt19937_64 rng(1);
  std::vector<int> hits(7, 0);
  for (int i = 0; i < 7000; ++i) {
    const uint64_t x = UniformBelow(rng, 7);
    ASSERT_LT(x, 7u);
    ++hits[x];
  }
  for (int h : hits) EXPECT_GT(h, 800);
}

TEST(RandomDrawsTest, StandardNormalHasMeanZeroVarianceOne) {
  std::mt19937_64 rng(2);
  const int n = 200000;
  double sum = 0.0, sq = 0.0;
  for (int i = 0; i < n; ++i) {
    const double x = StandardNormal(rng);
    sum += x;
    sq += x * x;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sq / n, 1.0, 0.02);
}

// Gamma(k, 1) has mean k and variance k.
TEST(RandomDrawsTest, GammaDrawsMatchMeanAndVariance) {
  for (double shape : {0.05, 0.3, 1.0, 2.5, 40.0}) {
    std::mt19937_64 rng(3);
    const int n = 200000;
    double sum = 0.0, sq = 0.0;
    for (int i = 0; i < n; ++i) {
      const double g = std::exp(LogGammaDraw(rng, shape));
      sum += g;
      sq += g * g;
    }
    const double mean = sum / n;
    const double var = sq / n - mean * mean;
    EXPECT_NEAR(mean, shape, 0.02 * shape + 0.002) << "shape " << shape;
    EXPECT_NEAR(var, shape, 0.06 * shape + 0.002) << "shape " << shape;
  }
}

TEST(RandomDrawsTest, DirichletSumsToOneEvenForTinyAlpha) {
  std::mt19937_64 rng(4);
  for (double alpha : {1e-4, 0.1, 1.0, 50.0}) {
    const auto p = DirichletDraw(rng, 100, alpha);
    ASSERT_EQ(p.size(), 100u);
    for (double x : p) EXPECT_GE(x, 0.0);
    EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 1.0, 1e-12) << alpha;
  }
}

TEST(RandomDrawsTest, ShuffleIsAPermutationAndSeeded) {
  std::vector<std::size_t> a(50), b(50);
  std::iota(a.begin(), a.end(), std::size_t{0});
  b = a;
  std::mt19937_64 r1(5), r2(5);
  ShuffleIndices(r1, a);
  ShuffleIndices(r2, b);
  EXPECT_EQ(a, b);
  auto sorted = a;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) EXPECT_EQ(sorted[i], i);
}

}  // namespace
}  // namespace fedq
