// The quantized model's test accuracy against the float model it came from,
// on Fashion-MNIST: a float MLP trained briefly (1 epoch on 12,000 images),
// quantized both ways, within 0.5 points.
#include <gtest/gtest.h>

#include <filesystem>
#include <numeric>

#include "common/idx_reader.hpp"
#include "common/mlp.hpp"
#include "common/quant/predict.hpp"
#include "common/quant/quantize.hpp"
#include "common/trainer.hpp"

namespace fedq::quant {
namespace {

constexpr const char* kFashionMnist = "/usr/share/datasets/fashion-mnist";
constexpr double kMaxDropPoints = 0.5;

class QuantAccuracyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(std::string(kFashionMnist) + "/t10k-images-idx3-ubyte.gz")) return;
    auto train = LoadFashionMnist(kFashionMnist, Split::kTrain);
    auto test = LoadFashionMnist(kFashionMnist, Split::kTest);
    ASSERT_TRUE(train.ok() && test.ok());
    auto mlp = Mlp::Create({784, 200, 200, 10}, 7);
    ASSERT_TRUE(mlp.ok());
    std::vector<std::size_t> subset(12000);
    std::iota(subset.begin(), subset.end(), 0);
    Trainer trainer(
        TrainConfig{.epochs = 1, .batch_size = 32, .learning_rate = 0.01f, .momentum = 0.9f});
    ASSERT_TRUE(trainer.Train(*mlp, *train, subset).ok());
    calibration_ = new RowMajorMatrixXf(train->features.topRows(256));
    test_ = new Dataset(std::move(test).value());
    mlp_ = new Mlp(std::move(mlp).value());
  }
  static void TearDownTestSuite() {
    delete mlp_;
    delete test_;
    delete calibration_;
  }
  void SetUp() override {
    if (mlp_ == nullptr) GTEST_SKIP() << "Fashion-MNIST not found under " << kFashionMnist;
  }

  static std::vector<int32_t> Int8Labels(ActivationMode mode, Int8Kernel kernel) {
    auto model = QuantizeMlp(mlp_->layer_sizes(), mlp_->params(), {mode, calibration_});
    EXPECT_TRUE(model.ok()) << model.status().ToString();
    auto labels = PredictLabels(*model, *test_, kDefaultBatch, kernel);
    EXPECT_TRUE(labels.ok()) << labels.status().ToString();
    return labels.ok() ? *labels : std::vector<int32_t>{};
  }
  static double Int8Accuracy(ActivationMode mode) {
    const double accuracy = Accuracy(Int8Labels(mode, BestKernel()), *test_);
    std::printf("int8 (%s activations) test accuracy %.4f\n",
                mode == ActivationMode::kStatic ? "static" : "dynamic", accuracy);
    return accuracy;
  }

  static inline Mlp* mlp_ = nullptr;
  static inline Dataset* test_ = nullptr;
  static inline RowMajorMatrixXf* calibration_ = nullptr;
};

TEST_F(QuantAccuracyTest, DynamicInt8WithinHalfAPointOfFloat) {
  auto float_metrics = Evaluate(*mlp_, *test_);
  ASSERT_TRUE(float_metrics.ok());
  ASSERT_GT(float_metrics->accuracy, 0.75) << "the float model did not train";
  std::printf("float test accuracy %.4f\n", float_metrics->accuracy);
  const double int8 = Int8Accuracy(ActivationMode::kDynamic);
  EXPECT_LE(100.0 * (float_metrics->accuracy - int8), kMaxDropPoints)
      << "float " << float_metrics->accuracy << ", int8 " << int8;
}

TEST_F(QuantAccuracyTest, CalibratedStaticInt8WithinHalfAPointOfFloat) {
  auto float_metrics = Evaluate(*mlp_, *test_);
  ASSERT_TRUE(float_metrics.ok());
  const double int8 = Int8Accuracy(ActivationMode::kStatic);
  EXPECT_LE(100.0 * (float_metrics->accuracy - int8), kMaxDropPoints)
      << "float " << float_metrics->accuracy << ", int8 " << int8;
}

TEST_F(QuantAccuracyTest, PortableKernelPredictsTheSameLabelsAsTheFastest) {
  EXPECT_EQ(Int8Labels(ActivationMode::kDynamic, Int8Kernel::kPortable),
            Int8Labels(ActivationMode::kDynamic, BestKernel()));
}

}  // namespace
}  // namespace fedq::quant
