#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "common/quant/activation_quantizer.hpp"
#include "common/quant/quantize.hpp"
#include "quant_test_util.hpp"

namespace fedq::quant {
namespace {

TEST(QuantizePerChannelTest, DequantizedWeightsWithinHalfAScaleOfTheOriginal) {
  const int out = 37, in = 53;
  const auto params = testing::RandomParams({in, out}, 3);
  std::vector<int8_t> rows;
  std::vector<float> scales;
  QuantizePerChannel(std::span(params).first(std::size_t(out) * in), out, in, rows, scales);
  Eigen::Map<const Eigen::MatrixXf> w(params.data(), out, in);
  for (int j = 0; j < out; ++j) {
    // Symmetric per-channel: the largest |w| of the row maps to exactly 127.
    EXPECT_NEAR(scales[j] * 127.0f, w.row(j).cwiseAbs().maxCoeff(), 1e-6f);
    for (int k = 0; k < in; ++k) {
      const int8_t q = rows[std::size_t(j) * in + k];
      ASSERT_GE(q, -127);
      EXPECT_LE(std::fabs(q * scales[j] - w(j, k)), 0.5f * scales[j] * 1.0001f) << j << "," << k;
    }
  }
}

TEST(QuantizePerChannelTest, AllZeroRowGetsUnitScaleAndZeroWeights) {
  const std::vector<float> zeros(6, 0.0f);
  std::vector<int8_t> rows;
  std::vector<float> scales;
  QuantizePerChannel(zeros, 2, 3, rows, scales);
  EXPECT_EQ(scales, (std::vector<float>{1.0f, 1.0f}));
  EXPECT_EQ(rows, std::vector<int8_t>(6, 0));
}

TEST(ActivationQuantizerTest, RoundTripErrorWithinHalfAScaleAndPaddingZeroed) {
  const std::vector<float> x = {0.0f, -0.3f, 1.7f, -2.54f, 0.01f};
  const float scale = DynamicScale(x.data(), int(x.size()));
  EXPECT_FLOAT_EQ(scale, 2.54f / 127.0f);
  std::vector<int8_t> q(8, 99);
  QuantizeActivations(x.data(), int(x.size()), scale, q.data(), int(q.size()));
  for (std::size_t k = 0; k < x.size(); ++k) {
    EXPECT_LE(std::fabs(q[k] * scale - x[k]), 0.5f * scale * 1.0001f);
  }
  EXPECT_EQ(q[3], -127);
  EXPECT_EQ(q[5], 0);
  EXPECT_EQ(q[7], 0);
}

TEST(ActivationQuantizerTest, StaticScaleClampsOutOfRangeAndNanToTheBottom) {
  const std::vector<float> x = {10.0f, -10.0f, std::nanf("")};
  std::vector<int8_t> q(4);
  QuantizeActivations(x.data(), 3, 0.01f, q.data(), 4);
  EXPECT_EQ(q, (std::vector<int8_t>{127, -127, -127, 0}));
}

TEST(QuantizeMlpTest, CalibrationSetsEachLayerInputScaleFromTheLargestActivation) {
  const std::vector<int> sizes = {12, 9, 4};
  const auto params = testing::RandomParams(sizes, 5);
  const auto calib = testing::RandomInputs(50, 12, 6);
  auto ranges = CalibrateInputRanges(sizes, params, calib);
  ASSERT_TRUE(ranges.ok()) << ranges.status().ToString();
  ASSERT_EQ(ranges->size(), 2u);
  EXPECT_FLOAT_EQ((*ranges)[0], calib.cwiseAbs().maxCoeff());
  QuantizeOptions options{ActivationMode::kStatic, &calib};
  auto model = QuantizeMlp(sizes, params, options);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_FLOAT_EQ(model->layer(1).input_scale, (*ranges)[1] / 127.0f);
}

TEST(QuantizeMlpTest, RejectsWrongParameterCountNonFiniteAndMissingCalibration) {
  const std::vector<int> sizes = {4, 3};
  auto params = testing::RandomParams(sizes, 1);
  EXPECT_EQ(QuantizeMlp(sizes, std::span(params).first(5), {}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(QuantizeMlp(sizes, params, {ActivationMode::kStatic, nullptr}).status().code(),
            ErrorCode::kInvalidArgument);
  params[2] = std::numeric_limits<float>::infinity();
  EXPECT_EQ(QuantizeMlp(sizes, params, {}).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace fedq::quant

namespace fedq::quant {
namespace {

TEST(ActivationOpsTest, EveryKernelsOpsGiveBitIdenticalResults) {
  std::mt19937 rng(77);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  const ActivationOps& portable = ActivationOpsFor(Int8Kernel::kPortable);
  for (auto kernel : {Int8Kernel::kAvx2, Int8Kernel::kAvx512Vnni}) {
    if (!KernelSupported(kernel)) continue;
    const ActivationOps& ops = ActivationOpsFor(kernel);
    for (int n : {1, 7, 16, 33, 200, 784}) {
      std::vector<float> x(n);
      for (auto& v : x) v = normal(rng);
      const float scale = portable.dynamic_scale(x.data(), n);
      ASSERT_EQ(scale, ops.dynamic_scale(x.data(), n)) << n;
      const int padded = (n + 3) / 4 * 4;
      std::vector<int8_t> a(padded, 5), b(padded, 9);
      portable.quantize(x.data(), n, scale * 0.7f, a.data(), padded);
      ops.quantize(x.data(), n, scale * 0.7f, b.data(), padded);
      ASSERT_EQ(a, b) << n;
      std::vector<int32_t> acc(n);
      for (auto& v : acc) v = static_cast<int32_t>(normal(rng) * 1e5f);
      std::vector<float> ws(n), bias(n), ya(n), yb(n);
      for (int j = 0; j < n; ++j) ws[j] = std::fabs(normal(rng)) * 1e-3f, bias[j] = normal(rng);
      for (bool relu : {false, true}) {
        portable.rescale(acc.data(), n, 0.013f, ws.data(), bias.data(), relu, ya.data());
        ops.rescale(acc.data(), n, 0.013f, ws.data(), bias.data(), relu, yb.data());
        ASSERT_EQ(ya, yb) << n << " relu " << relu;
      }
    }
  }
}

}  // namespace
}  // namespace fedq::quant
