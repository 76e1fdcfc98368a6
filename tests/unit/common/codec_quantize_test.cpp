// Round-trip error budgets per value codec, and fast-vs-reference kernels.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "codec_test_util.hpp"
#include "common/codec/quantize_int8.hpp"

namespace fedq::codec {
namespace {

using testing::MustDecode;
using testing::MustEncode;
using testing::RandomVector;

// Largest |x| over the block of element i.
float BlockAbsMax(const std::vector<float>& x, std::size_t i, std::size_t block) {
  std::size_t start = i / block * block;
  float m = 0;
  for (std::size_t j = start; j < std::min(x.size(), start + block); ++j)
    m = std::max(m, std::fabs(x[j]));
  return m;
}

// Budget: round to nearest is within half a step; stochastic within one step.
void ExpectWithinSteps(std::string_view spec, float levels, float steps, std::size_t block) {
  std::vector<float> x = RandomVector(10007, 11);
  x[5] = 40.0f;  // one outlier block
  std::vector<float> y = MustDecode(MustEncode(spec, x));
  ASSERT_EQ(y.size(), x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    float step = BlockAbsMax(x, i, block) / levels;
    ASSERT_LE(std::fabs(y[i] - x[i]), steps * step * (1 + 1e-5f) + 1e-30f)
        << spec << " element " << i << " x=" << x[i] << " y=" << y[i];
  }
}

TEST(CodecQuantize, Int8NearestWithinHalfStepOfBlockScale) {
  ExpectWithinSteps("int8", 127, 0.5f, 256);
  ExpectWithinSteps("int8:block=33", 127, 0.5f, 33);
}
TEST(CodecQuantize, Int8StochasticWithinOneStep) {
  ExpectWithinSteps("int8:stochastic", 127, 1, 256);
}
TEST(CodecQuantize, Int4NearestWithinHalfStep) { ExpectWithinSteps("int4:block=64", 7, 0.5f, 64); }
TEST(CodecQuantize, Int4StochasticWithinOneStep) { ExpectWithinSteps("int4:stochastic", 7, 1, 64); }

TEST(CodecQuantize, Fp32IsExactAndFp16WithinHalfUlp) {
  std::vector<float> x = RandomVector(1000, 3, 100.0f);
  x[0] = 65504.0f;
  x[1] = -1e-7f;  // fp16 subnormal
  x[2] = 0.0f;
  EXPECT_EQ(MustDecode(MustEncode("fp32", x)), x);
  std::vector<float> y = MustDecode(MustEncode("fp16", x));
  for (std::size_t i = 0; i < x.size(); ++i) {
    float tol = std::max(std::fabs(x[i]) * 0x1p-11f, 0x1p-25f);
    ASSERT_LE(std::fabs(y[i] - x[i]), tol) << i << " " << x[i] << " " << y[i];
  }
  EXPECT_EQ(y[0], 65504.0f);
  EXPECT_EQ(MustDecode(MustEncode("fp16", {1.0f, -2.5f, 0.099975586f})),
            (std::vector<float>{1.0f, -2.5f, 0.099975586f}));
}

TEST(CodecQuantize, Fp16RejectsValuesBeyondItsRange) {
  Result<std::vector<uint8_t>> r =
      Encode(testing::Spec("fp16"), std::vector<float>{1, 70000}, nullptr, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("element 1"), std::string::npos) << r.status().message();
}

// Mean over many seeds of the decoded vector converges to the input.
void ExpectUnbiased(std::string_view spec, float levels, bool l2) {
  std::vector<float> x = RandomVector(64, 5);
  float scale_ref = 0;
  for (float v : x) scale_ref = l2 ? scale_ref + v * v : std::max(scale_ref, std::fabs(v));
  float step = (l2 ? std::sqrt(scale_ref) : scale_ref) / levels;
  constexpr int kTrials = 4000;
  std::vector<double> mean(x.size(), 0.0);
  for (int t = 0; t < kTrials; ++t) {
    std::vector<float> y = MustDecode(MustEncode(spec, x, 1000 + t));
    for (std::size_t i = 0; i < x.size(); ++i) mean[i] += y[i] / double{kTrials};
  }
  // Each trial errs by at most one step; the mean's standard error is
  // <= step / (2 sqrt(T)); 6 of them leave no room for flakiness.
  double tol = 6 * step / (2 * std::sqrt(double{kTrials}));
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(mean[i], x[i], tol) << spec << " " << i;
}

TEST(CodecQuantize, Int8StochasticIsUnbiased) {
  ExpectUnbiased("int8:block=64:stochastic", 127, false);
}
TEST(CodecQuantize, Int4StochasticIsUnbiased) {
  ExpectUnbiased("int4:block=64:stochastic", 7, false);
}
TEST(CodecQuantize, QsgdIsUnbiased) { ExpectUnbiased("qsgd:levels=4:block=64", 4, true); }

TEST(CodecQuantize, QsgdWithinOneLevelOfBlockNorm) {
  std::vector<float> x = RandomVector(1000, 8);
  std::vector<float> y = MustDecode(MustEncode("qsgd:levels=16:block=100", x));
  for (std::size_t b = 0; b < 10; ++b) {
    double sq = 0;
    for (std::size_t i = b * 100; i < b * 100 + 100; ++i) sq += double{x[i]} * x[i];
    float step = static_cast<float>(std::sqrt(sq) / 16);
    for (std::size_t i = b * 100; i < b * 100 + 100; ++i)
      ASSERT_LE(std::fabs(y[i] - x[i]), step * 1.0001f);
  }
}

TEST(CodecQuantize, SignSendsSignAndMeanMagnitude) {
  std::vector<float> x = {1, -2, 3, -6, 0.5f, -0.5f};
  std::vector<float> y = MustDecode(MustEncode("sign:block=4", x));
  EXPECT_EQ(y, (std::vector<float>{3, -3, 3, -3, 0.5f, -0.5f}));
}

TEST(CodecQuantize, Int8FastMatchesReference) {
  for (bool stochastic : {false, true}) {
    for (uint32_t block : {1u, 7u, 256u, 1000u}) {
      std::vector<float> x = RandomVector(5003, block + 99);
      x[17] = 0;
      std::fill(x.begin() + 1000, x.begin() + 1300, 0.0f);  // all-zero blocks
      std::size_t nb = (x.size() + block - 1) / block;
      std::vector<uint8_t> s1(nb * 4), s2(nb * 4);
      std::vector<int8_t> c1(x.size()), c2(x.size());
      ASSERT_EQ(int8::EncodeReference(x, block, stochastic, 9, s1.data(), c1.data()), x.size());
      ASSERT_EQ(int8::EncodeFast(x, block, stochastic, 9, s2.data(), c2.data()), x.size());
      EXPECT_EQ(s1, s2) << block;
      EXPECT_EQ(c1, c2) << block << " stochastic=" << stochastic;
      std::vector<float> a1(x.size(), 1.0f), a2(x.size(), 1.0f);
      int8::AccumulateReference(s1.data(), c1.data(), block, 0.25f, a1);
      int8::AccumulateFast(s1.data(), c1.data(), block, 0.25f, a2);
      for (std::size_t i = 0; i < x.size(); ++i)
        ASSERT_NEAR(a1[i], a2[i], 1e-6f * std::fabs(a1[i]) + 1e-7f);
    }
  }
}

TEST(CodecQuantize, Int8KernelsReportFirstNonFinite) {
  std::vector<float> x = RandomVector(700, 1);
  x[300] = std::numeric_limits<float>::infinity();
  x[650] = std::numeric_limits<float>::quiet_NaN();
  std::vector<uint8_t> s(12);
  std::vector<int8_t> c(700);
  EXPECT_EQ(int8::EncodeReference(x, 256, false, 0, s.data(), c.data()), 300u);
  EXPECT_EQ(int8::EncodeFast(x, 256, false, 0, s.data(), c.data()), 300u);
}

}  // namespace
}  // namespace fedq::codec
