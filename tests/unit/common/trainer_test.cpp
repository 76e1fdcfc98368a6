#include "common/trainer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#include "unit/common/test_util.hpp"

namespace fedq {
namespace {

Mlp MakeMlp(const std::vector<int>& sizes, uint64_t seed) {
  Result<Mlp> mlp = Mlp::Create(sizes, seed);
  EXPECT_TRUE(mlp.ok()) << mlp.status().ToString();
  return std::move(mlp).value();
}

TEST(TrainerTest, SgdSeparatesTwoBlobs) {
  const Dataset data = testing::SeparableDataset(200, 4);
  Mlp mlp = MakeMlp({2, 8, 2}, 1);
  TrainConfig config;
  config.epochs = 20;
  config.batch_size = 16;
  config.learning_rate = 0.1f;
  config.momentum = 0.9f;
  Trainer trainer(config);
  Result<TrainStats> stats = trainer.Train(mlp, data);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->samples, 200u * 20);
  Result<EvalMetrics> eval = Evaluate(mlp, data);
  ASSERT_TRUE(eval.ok());
  EXPECT_EQ(eval->accuracy, 1.0);
  EXPECT_LT(eval->loss, 0.05);
}

TEST(TrainerTest, SameSeedTrainsBitIdenticalModels) {
  const Dataset data = testing::RandomDataset(100, 6, 3, 8);
  TrainConfig config;
  config.epochs = 3;
  config.batch_size = 7;  // a short last batch too
  config.momentum = 0.9f;
  config.weight_decay = 1e-3f;
  config.seed = 5;
  Mlp a = MakeMlp({6, 10, 3}, 2);
  Mlp b = MakeMlp({6, 10, 3}, 2);
  ASSERT_TRUE(Trainer(config).Train(a, data).ok());
  ASSERT_TRUE(Trainer(config).Train(b, data).ok());
  EXPECT_EQ(std::memcmp(a.params().data(), b.params().data(), a.params().size_bytes()), 0);
  Mlp c = MakeMlp({6, 10, 3}, 2);
  config.seed = 6;  // another shuffling order
  ASSERT_TRUE(Trainer(config).Train(c, data).ok());
  EXPECT_NE(std::memcmp(a.params().data(), c.params().data(), a.params().size_bytes()), 0);
}

// One full-batch step of plain SGD from the same start, with and without an
// extra term: the difference of the results is -lr * (that term's gradient).
std::vector<float> OneStep(const TrainConfig& config, const Mlp& start, const Dataset& data,
                           std::span<const float> global) {
  Mlp mlp = start;
  Result<TrainStats> stats = Trainer(config).Train(mlp, data, {}, global);
  EXPECT_TRUE(stats.ok()) << stats.status().ToString();
  return {mlp.params().begin(), mlp.params().end()};
}

TEST(TrainerTest, FedProxAddsMuTimesDistanceToGlobal) {
  const Dataset data = testing::RandomDataset(16, 4, 3, 1);
  const Mlp start = MakeMlp({4, 5, 3}, 3);
  const Mlp global = MakeMlp({4, 5, 3}, 4);
  TrainConfig config;
  config.batch_size = 16;
  config.learning_rate = 0.5f;
  const std::vector<float> plain = OneStep(config, start, data, global.params());
  config.prox_mu = 0.1f;
  const std::vector<float> prox = OneStep(config, start, data, global.params());
  for (std::size_t i = 0; i < plain.size(); ++i) {
    const float expected = -0.5f * 0.1f * (start.params()[i] - global.params()[i]);
    EXPECT_NEAR(prox[i] - plain[i], expected, 1e-6f) << "parameter " << i;
  }
}

TEST(TrainerTest, FedProxNeedsTheGlobalModel) {
  const Dataset data = testing::RandomDataset(16, 4, 3, 1);
  Mlp mlp = MakeMlp({4, 5, 3}, 3);
  TrainConfig config;
  config.prox_mu = 0.1f;
  Result<TrainStats> stats = Trainer(config).Train(mlp, data);
  EXPECT_EQ(stats.status().code(), ErrorCode::kInvalidArgument);
}

TEST(TrainerTest, WeightDecayShrinksWeightsByLrTimesDecay) {
  const Dataset data = testing::RandomDataset(16, 4, 3, 1);
  const Mlp start = MakeMlp({4, 5, 3}, 3);
  TrainConfig config;
  config.batch_size = 16;
  config.learning_rate = 0.5f;
  const std::vector<float> plain = OneStep(config, start, data, {});
  config.weight_decay = 0.01f;
  const std::vector<float> decayed = OneStep(config, start, data, {});
  for (std::size_t i = 0; i < plain.size(); ++i) {
    EXPECT_NEAR(decayed[i] - plain[i], -0.5f * 0.01f * start.params()[i], 1e-6f);
  }
}

// Reference: PyTorch's SGD (buf = m * buf + g + wd * w; w -= lr * buf) over
// full-batch steps, written plainly from explicit gradients.
TEST(TrainerTest, MomentumAndWeightDecayFollowPytorchSgd) {
  const Dataset data = testing::RandomDataset(12, 4, 3, 9);
  const Mlp start = MakeMlp({4, 6, 3}, 2);
  TrainConfig config;
  config.epochs = 4;  // one full batch per epoch
  config.batch_size = 12;
  config.learning_rate = 0.2f;
  config.momentum = 0.9f;
  config.weight_decay = 0.01f;
  Mlp trained = start;
  ASSERT_TRUE(Trainer(config).Train(trained, data).ok());

  Mlp ref = start;
  std::vector<float> buf(ref.params().size(), 0.0f);
  MlpWorkspace ws;
  ws.Reserve(ref.layer_sizes(), 12);
  const ConstMatrixView x(data.features.data(), 4, 12);
  for (int step = 0; step < 4; ++step) {
    std::vector<float> grad(buf.size(), 0.0f);
    ws.Forward(ref, x);
    (void)ws.SoftmaxCrossEntropy(data.labels, true);
    ws.Backward(ref, x, grad);
    for (std::size_t i = 0; i < buf.size(); ++i) {
      buf[i] = 0.9f * buf[i] + grad[i] + 0.01f * ref.params()[i];
      ref.params()[i] -= 0.2f * buf[i];
    }
  }
  // The trainer sums the batch in shuffled order: equal up to rounding.
  for (std::size_t i = 0; i < buf.size(); ++i) {
    EXPECT_NEAR(trained.params()[i], ref.params()[i], 1e-5f) << "parameter " << i;
  }
}

TEST(TrainerTest, TrainsOnlyOnTheGivenIndices) {
  Dataset data = testing::RandomDataset(40, 4, 3, 3);
  // Rows 20..39 are poison: any use of them makes the model non-finite.
  for (int i = 20; i < 40; ++i)
    data.features.row(i).setConstant(std::numeric_limits<float>::quiet_NaN());
  std::vector<std::size_t> indices(20);
  std::iota(indices.begin(), indices.end(), std::size_t{0});
  Mlp mlp = MakeMlp({4, 5, 3}, 1);
  TrainConfig config;
  config.epochs = 2;
  config.batch_size = 8;
  Result<TrainStats> stats = Trainer(config).Train(mlp, data, indices);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->samples, 40u);
  EXPECT_TRUE(std::isfinite(stats->mean_loss));
  for (float p : mlp.params()) ASSERT_TRUE(std::isfinite(p));
}

TEST(TrainerTest, RejectsDataThatDoesNotFitTheModel) {
  Mlp mlp = MakeMlp({4, 5, 3}, 1);
  Trainer trainer(TrainConfig{});
  Dataset wrong_width = testing::RandomDataset(10, 5, 3, 1);
  EXPECT_EQ(trainer.Train(mlp, wrong_width).status().code(), ErrorCode::kInvalidArgument);
  Dataset bad_label = testing::RandomDataset(10, 4, 3, 1);
  bad_label.labels[3] = 3;
  EXPECT_EQ(trainer.Train(mlp, bad_label).status().code(), ErrorCode::kInvalidArgument);
  Dataset ok = testing::RandomDataset(10, 4, 3, 1);
  const std::vector<std::size_t> out_of_range = {0, 10};
  EXPECT_EQ(trainer.Train(mlp, ok, out_of_range).status().code(), ErrorCode::kInvalidArgument);
  TrainConfig bad;
  bad.momentum = 1.0f;
  EXPECT_EQ(Trainer(bad).Train(mlp, ok).status().code(), ErrorCode::kInvalidArgument);
}

TEST(TrainerTest, ReportsProgressAfterEveryBatchAndEpoch) {
  const Dataset data = testing::RandomDataset(10, 4, 3, 1);
  Mlp mlp = MakeMlp({4, 5, 3}, 1);
  TrainConfig config;
  config.epochs = 2;
  config.batch_size = 4;
  Trainer trainer(config);
  std::vector<std::size_t> done;
  std::vector<int> epochs;
  trainer.set_batch_callback([&](std::size_t d, std::size_t total) {
    done.push_back(d);
    EXPECT_EQ(total, 20u);
  });
  trainer.set_epoch_callback([&](int e, double loss) {
    epochs.push_back(e);
    EXPECT_TRUE(std::isfinite(loss));
  });
  ASSERT_TRUE(trainer.Train(mlp, data).ok());
  EXPECT_EQ(done, (std::vector<std::size_t>{4, 8, 10, 14, 18, 20}));
  EXPECT_EQ(epochs, (std::vector<int>{1, 2}));
}

TEST(EvaluateTest, ComputesAccuracyAndMeanCrossEntropy) {
  // No hidden layer, W = identity, b = 0: the logits are the features.
  const std::vector<float> params = {1, 0, 0, 1, 0, 0};
  Result<Mlp> mlp = Mlp::FromParams({2, 2}, params);
  ASSERT_TRUE(mlp.ok());
  Dataset data;
  data.features.resize(2, 2);
  data.features << 1, 0, 0, 1;
  data.labels = {0, 0};
  data.num_classes = 2;
  Result<EvalMetrics> eval = Evaluate(*mlp, data);
  ASSERT_TRUE(eval.ok());
  EXPECT_DOUBLE_EQ(eval->accuracy, 0.5);
  const double expected = (std::log(1 + std::exp(-1.0)) + std::log(1 + std::exp(1.0))) / 2;
  EXPECT_NEAR(eval->loss, expected, 1e-6);
}

TEST(EvaluateTest, HandlesMoreSamplesThanOneBatch) {
  const Dataset data = testing::RandomDataset(1100, 3, 2, 4);
  Mlp mlp = MakeMlp({3, 4, 2}, 1);
  Result<EvalMetrics> eval = Evaluate(mlp, data);
  ASSERT_TRUE(eval.ok());
  EXPECT_GT(eval->accuracy, 0.0);
  EXPECT_LT(eval->accuracy, 1.0);
  EXPECT_GT(eval->loss, 0.0);
}

}  // namespace
}  // namespace fedq

namespace fedq {
namespace {

TEST(TrainerTest, StopFlagEndsTrainingWithCancelled) {
  const Dataset data = testing::RandomDataset(40, 4, 3, 1);
  Mlp mlp = MakeMlp({4, 5, 3}, 1);
  TrainConfig config;
  config.epochs = 3;
  config.batch_size = 8;
  Trainer trainer(config);
  std::atomic<bool> stop{false};
  std::size_t batches = 0;
  trainer.set_stop_flag(&stop);
  trainer.set_batch_callback([&](std::size_t done, std::size_t) {
    ++batches;
    if (done >= 16) stop = true;
  });
  Result<TrainStats> stats = trainer.Train(mlp, data);
  EXPECT_EQ(stats.status().code(), ErrorCode::kCancelled);
  EXPECT_EQ(batches, 2u);
}

}  // namespace
}  // namespace fedq
