#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/quant/int8_inference.hpp"
#include "common/quant/predict.hpp"
#include "common/quant/quantize.hpp"
#include "quant_test_util.hpp"

namespace fedq::quant {
namespace {

const std::vector<int> kSizes = {61, 33, 17, 10};

RowMajorMatrixXf Int8Logits(const QuantizedMlp& model, const RowMajorMatrixXf& x, Int8Kernel k,
                            int batch) {
  Int8Inference inference(model, k);
  const int classes = model.layer_sizes().back();
  RowMajorMatrixXf out(x.rows(), classes);
  for (int start = 0; start < x.rows(); start += batch) {
    const int n = std::min<int>(batch, int(x.rows()) - start);
    const float* logits =
        inference.Forward(x.data() + std::ptrdiff_t(start) * x.cols(), n, int(x.cols()));
    std::copy_n(logits, std::size_t(n) * classes, out.data() + std::ptrdiff_t(start) * classes);
  }
  return out;
}

class Int8InferenceTest : public ::testing::TestWithParam<ActivationMode> {
 protected:
  QuantizedMlp Quantize() {
    calib_ = testing::RandomInputs(200, kSizes[0], 21);
    auto model = QuantizeMlp(kSizes, params_, {GetParam(), &calib_});
    EXPECT_TRUE(model.ok()) << model.status().ToString();
    return std::move(model).value();
  }
  std::vector<float> params_ = testing::RandomParams(kSizes, 20);
  RowMajorMatrixXf calib_;
};

TEST_P(Int8InferenceTest, LogitsCloseToTheFloatModel) {
  const QuantizedMlp model = Quantize();
  const auto x = testing::RandomInputs(64, kSizes[0], 22);
  const RowMajorMatrixXf expected = testing::FloatForward(kSizes, params_, x);
  const RowMajorMatrixXf got = Int8Logits(model, x, BestKernel(), 64);
  // Named budget: int8 weights and activations, 3 layers: a few percent of
  // the logits' spread.
  const float spread = expected.cwiseAbs().maxCoeff();
  EXPECT_LT((got - expected).cwiseAbs().maxCoeff(), 0.05f * spread);
}

TEST_P(Int8InferenceTest, EveryKernelAndBatchSizeGivesIdenticalLogits) {
  const QuantizedMlp model = Quantize();
  const auto x = testing::RandomInputs(37, kSizes[0], 23);
  const RowMajorMatrixXf reference = Int8Logits(model, x, Int8Kernel::kPortable, 37);
  for (auto k : {Int8Kernel::kPortable, Int8Kernel::kAvx2, Int8Kernel::kAvx512Vnni}) {
    if (!KernelSupported(k)) continue;
    for (int batch : {1, 5, 37}) {
      const RowMajorMatrixXf got = Int8Logits(model, x, k, batch);
      EXPECT_TRUE(got == reference) << KernelName(k) << " batch " << batch;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, Int8InferenceTest,
                         ::testing::Values(ActivationMode::kDynamic, ActivationMode::kStatic),
                         [](const auto& info) {
                           return info.param == ActivationMode::kDynamic ? "Dynamic" : "Static";
                         });

TEST(PredictTest, LabelsAreTheArgmaxAndAreWrittenOnePerLine) {
  auto model = QuantizeMlp(kSizes, testing::RandomParams(kSizes, 30), {});
  ASSERT_TRUE(model.ok());
  Dataset data;
  data.features = testing::RandomInputs(300, kSizes[0], 31);
  data.num_classes = 10;
  auto labels = PredictLabels(*model, data, 64);
  ASSERT_TRUE(labels.ok()) << labels.status().ToString();
  ASSERT_EQ(labels->size(), 300u);
  const RowMajorMatrixXf logits = Int8Logits(*model, data.features, BestKernel(), 256);
  for (int i = 0; i < 300; ++i) {
    Eigen::Index best;
    logits.row(i).maxCoeff(&best);
    EXPECT_EQ((*labels)[i], best);
  }
  data.labels = *labels;
  EXPECT_DOUBLE_EQ(Accuracy(*labels, data), 1.0);

  const auto path = std::filesystem::temp_directory_path() / "fedq_predict_test_labels.txt";
  ASSERT_TRUE(WriteLabels(std::span(*labels).first(3), path.string()).ok());
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_EQ(text.str(), std::to_string((*labels)[0]) + "\n" + std::to_string((*labels)[1]) + "\n" +
                            std::to_string((*labels)[2]) + "\n");
  std::filesystem::remove(path);
}

TEST(PredictTest, RejectsDataOfTheWrongWidth) {
  auto model = QuantizeMlp(kSizes, testing::RandomParams(kSizes, 30), {});
  ASSERT_TRUE(model.ok());
  Dataset data;
  data.features = testing::RandomInputs(3, kSizes[0] + 1, 31);
  EXPECT_EQ(PredictLabels(*model, data).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace fedq::quant
