#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "common/quant/int8_gemm.hpp"

namespace fedq::quant {
namespace {

struct Shape {
  int n, out, in;
};

std::vector<int8_t> RandomInt8(std::size_t count, std::mt19937& rng) {
  std::uniform_int_distribution<int> dist(-127, 127);
  std::vector<int8_t> v(count);
  for (auto& x : v) x = static_cast<int8_t>(dist(rng));
  return v;
}

// The plain triple loop every kernel must agree with.
std::vector<int32_t> ReferenceGemm(const std::vector<int8_t>& a, const std::vector<int8_t>& w,
                                   const Shape& s) {
  std::vector<int32_t> c(static_cast<std::size_t>(s.n) * s.out, 0);
  for (int i = 0; i < s.n; ++i) {
    for (int j = 0; j < s.out; ++j) {
      int32_t sum = 0;
      for (int k = 0; k < s.in; ++k) sum += a[i * s.in + k] * w[j * s.in + k];
      c[i * s.out + j] = sum;
    }
  }
  return c;
}

// Runs `kernel` on row-major A (n x in), handling the padding contract.
std::vector<int32_t> RunKernel(Int8Kernel kernel, const std::vector<int8_t>& a,
                               const PackedWeights& w, const Shape& s,
                               InputSign sign = InputSign::kAny) {
  std::vector<int8_t> padded(static_cast<std::size_t>(s.n) * w.padded_in(), 0);
  for (int i = 0; i < s.n; ++i) {
    std::copy_n(a.begin() + i * s.in, s.in, padded.begin() + i * w.padded_in());
  }
  std::vector<int32_t> c(static_cast<std::size_t>(s.n) * w.padded_out(), -1);
  Int8Gemm(kernel, padded.data(), s.n, w.padded_in(), w, c.data(), w.padded_out(), sign);
  std::vector<int32_t> out(static_cast<std::size_t>(s.n) * s.out);
  for (int i = 0; i < s.n; ++i) {
    for (int j = 0; j < s.out; ++j) out[i * s.out + j] = c[i * w.padded_out() + j];
    for (int j = s.out; j < w.padded_out(); ++j) {
      EXPECT_EQ(c[i * w.padded_out() + j], 0) << "padding output " << j;
    }
  }
  return out;
}

const Shape kShapes[] = {{1, 1, 1},  {1, 10, 784},  {3, 17, 5},      {5, 33, 67},   {7, 65, 131},
                         {4, 16, 4}, {9, 200, 200}, {256, 200, 784}, {13, 3, 1001}, {2, 80, 63}};

class Int8GemmTest : public ::testing::TestWithParam<Int8Kernel> {};

TEST_P(Int8GemmTest, MatchesReferenceOnRandomShapesIncludingOddSizes) {
  const Int8Kernel kernel = GetParam();
  if (!KernelSupported(kernel)) GTEST_SKIP() << KernelName(kernel) << " not supported on this CPU";
  std::mt19937 rng(42);
  for (const Shape& s : kShapes) {
    const auto a = RandomInt8(static_cast<std::size_t>(s.n) * s.in, rng);
    const auto wrows = RandomInt8(static_cast<std::size_t>(s.out) * s.in, rng);
    const PackedWeights w(wrows, s.out, s.in);
    EXPECT_EQ(RunKernel(kernel, a, w, s), ReferenceGemm(a, wrows, s))
        << "n=" << s.n << " out=" << s.out << " in=" << s.in;
  }
}

TEST_P(Int8GemmTest, ExactAtTheExtremesOfTheRange) {
  const Int8Kernel kernel = GetParam();
  if (!KernelSupported(kernel)) GTEST_SKIP() << KernelName(kernel) << " not supported on this CPU";
  const Shape s{3, 19, 999};
  std::vector<int8_t> a(static_cast<std::size_t>(s.n) * s.in);
  std::vector<int8_t> wrows(static_cast<std::size_t>(s.out) * s.in);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = (i % 3 == 0) ? -127 : 127;
  for (std::size_t i = 0; i < wrows.size(); ++i) wrows[i] = (i % 2 == 0) ? 127 : -127;
  const PackedWeights w(wrows, s.out, s.in);
  EXPECT_EQ(RunKernel(kernel, a, w, s), ReferenceGemm(a, wrows, s));
}

TEST_P(Int8GemmTest, NonNegativeInputsWithZeroRunsMatchReference) {
  const Int8Kernel kernel = GetParam();
  if (!KernelSupported(kernel)) GTEST_SKIP() << KernelName(kernel) << " not supported on this CPU";
  std::mt19937 rng(9);
  std::uniform_int_distribution<int> value(0, 127);
  std::bernoulli_distribution zero(0.7);
  for (const Shape& s : kShapes) {
    // Image-like rows: long zero runs (skipped by the VNNI kernel) between values.
    std::vector<int8_t> a(static_cast<std::size_t>(s.n) * s.in);
    for (std::size_t i = 0; i < a.size(); ++i) {
      a[i] = (i % 17 < 9 || zero(rng)) ? 0 : static_cast<int8_t>(value(rng));
    }
    const auto wrows = RandomInt8(static_cast<std::size_t>(s.out) * s.in, rng);
    const PackedWeights w(wrows, s.out, s.in);
    EXPECT_EQ(RunKernel(kernel, a, w, s, InputSign::kNonNegative), ReferenceGemm(a, wrows, s))
        << "n=" << s.n << " out=" << s.out << " in=" << s.in;
  }
}

TEST(Int8GemmDispatchTest, PortableAndBestKernelGiveIdenticalResults) {
  std::mt19937 rng(7);
  const Shape s{37, 200, 784};
  const auto a = RandomInt8(static_cast<std::size_t>(s.n) * s.in, rng);
  const auto wrows = RandomInt8(static_cast<std::size_t>(s.out) * s.in, rng);
  const PackedWeights w(wrows, s.out, s.in);
  EXPECT_EQ(RunKernel(Int8Kernel::kPortable, a, w, s), RunKernel(BestKernel(), a, w, s))
      << "best kernel: " << KernelName(BestKernel());
}

INSTANTIATE_TEST_SUITE_P(AllKernels, Int8GemmTest,
                         ::testing::Values(Int8Kernel::kPortable, Int8Kernel::kAvx2,
                                           Int8Kernel::kAvx512Vnni),
                         [](const auto& info) { return std::string(KernelName(info.param)); });

}  // namespace
}  // namespace fedq::quant
