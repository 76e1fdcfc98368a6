#include "common/mlp.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "common/mlp_workspace.hpp"
#include "unit/common/test_util.hpp"

namespace fedq {
namespace {

TEST(MlpTest, LaysOutEachLayerAsWeightsThenBias) {
  const std::vector<int> sizes = {3, 4, 2};
  EXPECT_EQ(Mlp::ParamCount(sizes), 3u * 4 + 4 + 4 * 2 + 2);
  Result<Mlp> mlp = Mlp::Create(sizes, 1);
  ASSERT_TRUE(mlp.ok()) << mlp.status().ToString();
  EXPECT_EQ(mlp->num_layers(), 2u);
  EXPECT_EQ(mlp->params().size(), 26u);
  float* base = mlp->params().data();
  EXPECT_EQ(mlp->weight(0).data(), base);
  EXPECT_EQ(mlp->weight(0).rows(), 4);
  EXPECT_EQ(mlp->weight(0).cols(), 3);
  EXPECT_EQ(mlp->bias(0).data(), base + 12);
  EXPECT_EQ(mlp->weight(1).data(), base + 16);
  EXPECT_EQ(mlp->bias(1).data(), base + 24);
  // Column-major: W(r, c) is at c * rows + r.
  mlp->weight(1)(1, 2) = 42.0f;
  EXPECT_EQ(base[16 + 2 * 2 + 1], 42.0f);
  EXPECT_TRUE(mlp->bias(0).isZero());
}

TEST(MlpTest, HeInitializationHasTheExpectedScale) {
  Result<Mlp> mlp = Mlp::Create({400, 300, 10}, 7);
  ASSERT_TRUE(mlp.ok());
  const auto w = mlp->weight(0);
  const double mean = w.mean();
  const double var = (w.array() - mean).square().mean();
  EXPECT_NEAR(mean, 0.0, 0.005);
  EXPECT_NEAR(var, 2.0 / 400, 0.05 * 2.0 / 400);
}

TEST(MlpTest, SameSeedGivesBitIdenticalWeights) {
  Result<Mlp> a = Mlp::Create({20, 16, 5}, 99);
  Result<Mlp> b = Mlp::Create({20, 16, 5}, 99);
  Result<Mlp> c = Mlp::Create({20, 16, 5}, 100);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(std::memcmp(a->params().data(), b->params().data(), a->params().size_bytes()), 0);
  EXPECT_NE(std::memcmp(a->params().data(), c->params().data(), a->params().size_bytes()), 0);
}

TEST(MlpTest, CopiesAndMovesOwnTheirBuffer) {
  Result<Mlp> orig = Mlp::Create({3, 4, 2}, 1);
  ASSERT_TRUE(orig.ok());
  Mlp copy = *orig;
  EXPECT_EQ(copy.weight(1).data(), copy.params().data() + 16);
  copy.weight(0)(0, 0) = 123.0f;
  EXPECT_NE(orig->weight(0)(0, 0), 123.0f);
  Mlp moved = std::move(copy);
  EXPECT_EQ(moved.weight(0).data(), moved.params().data());
  EXPECT_EQ(moved.weight(0)(0, 0), 123.0f);
}

TEST(MlpTest, RejectsBadLayerSizesAndParamCounts) {
  EXPECT_EQ(Mlp::Create({5}, 1).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Mlp::Create({5, 0, 2}, 1).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Mlp::Create({5, -3}, 1).status().code(), ErrorCode::kInvalidArgument);
  std::vector<float> params(Mlp::ParamCount({3, 2}) + 1, 0.0f);
  EXPECT_EQ(Mlp::FromParams({3, 2}, params).status().code(), ErrorCode::kInvalidArgument);
  params.pop_back();
  EXPECT_TRUE(Mlp::FromParams({3, 2}, params).ok());
}

// Mean cross-entropy of `mlp` on the batch, for finite differences.
double BatchLossOf(const Mlp& mlp, MlpWorkspace& ws, const ConstMatrixView& x,
                   std::span<const int32_t> y) {
  ws.Forward(mlp, x);
  return ws.SoftmaxCrossEntropy(y, false).loss_sum / static_cast<double>(y.size());
}

TEST(MlpTest, BackwardMatchesFiniteDifferences) {
  const std::vector<int> sizes = {5, 7, 6, 4};
  Result<Mlp> created = Mlp::Create(sizes, 3);
  ASSERT_TRUE(created.ok());
  Mlp mlp = *created;
  // Non-zero biases so that they are exercised too.
  for (std::size_t l = 0; l < mlp.num_layers(); ++l) mlp.bias(l).setConstant(0.05f);
  const Dataset data = testing::RandomDataset(6, 5, 4, 11);
  // The row-major n x d features are the column-major d x n batch.
  const ConstMatrixView x(data.features.data(), 5, 6);
  MlpWorkspace ws;
  ws.Reserve(sizes, 6);
  ws.Forward(mlp, x);
  (void)ws.SoftmaxCrossEntropy(data.labels, true);
  std::vector<float> grad(mlp.params().size(), 0.0f);
  ws.Backward(mlp, x, grad);

  const float eps = 1e-3f;
  int checked = 0;
  for (std::size_t i = 0; i < grad.size(); ++i) {
    float& p = mlp.params()[i];
    const float saved = p;
    p = saved + eps;
    const double up = BatchLossOf(mlp, ws, x, data.labels);
    p = saved - eps;
    const double down = BatchLossOf(mlp, ws, x, data.labels);
    p = saved;
    const double numeric = (up - down) / (2.0 * eps);
    EXPECT_NEAR(grad[i], numeric, 2e-3 + 2e-2 * std::abs(numeric)) << "parameter " << i;
    checked += std::abs(numeric) > 1e-4 ? 1 : 0;
  }
  EXPECT_GT(checked, static_cast<int>(grad.size()) / 2) << "most gradients should be non-zero";
}

TEST(MlpTest, BackwardAccumulatesIntoTheGradient) {
  const std::vector<int> sizes = {4, 3, 2};
  Result<Mlp> mlp = Mlp::Create(sizes, 5);
  ASSERT_TRUE(mlp.ok());
  const Dataset data = testing::RandomDataset(3, 4, 2, 2);
  const ConstMatrixView x(data.features.data(), 4, 3);
  MlpWorkspace ws;
  ws.Reserve(sizes, 8);
  ws.Forward(*mlp, x);
  (void)ws.SoftmaxCrossEntropy(data.labels, true);
  std::vector<float> once(mlp->params().size(), 0.0f);
  ws.Backward(*mlp, x, once);
  std::vector<float> twice(once.size(), 1.0f);
  ws.Backward(*mlp, x, twice);
  for (std::size_t i = 0; i < once.size(); ++i) EXPECT_FLOAT_EQ(twice[i], 1.0f + once[i]);
}

}  // namespace
}  // namespace fedq
