// The float baseline's accuracy budget on real data: 784-200-200-10, 10
// epochs, batch 32, lr 0.01, momentum 0.9, seed 1 must reach >= 0.875 test
// accuracy (PyTorch reaches 0.884 with the same settings). Labelled slow.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/idx_reader.hpp"
#include "common/trainer.hpp"

namespace fedq {
namespace {

TEST(BaselineAccuracyTest, ReachesTheBudgetOnFashionMnist) {
  const std::string dir = "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::exists(dir + "/train-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "Fashion-MNIST is not installed at " << dir;
  }
  Result<Dataset> train = LoadFashionMnist(dir, Split::kTrain);
  Result<Dataset> test = LoadFashionMnist(dir, Split::kTest);
  ASSERT_TRUE(train.ok() && test.ok());
  Result<Mlp> mlp = Mlp::Create({784, 200, 200, 10}, 1);
  ASSERT_TRUE(mlp.ok());
  TrainConfig config;
  config.epochs = 10;
  config.batch_size = 32;
  config.learning_rate = 0.01f;
  config.momentum = 0.9f;
  config.seed = 1;
  Result<TrainStats> stats = Trainer(config).Train(*mlp, *train);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  Result<EvalMetrics> eval = Evaluate(*mlp, *test);
  ASSERT_TRUE(eval.ok());
  EXPECT_GE(eval->accuracy, 0.875);
}

}  // namespace
}  // namespace fedq
