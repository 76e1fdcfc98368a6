// fedq-client predict as a device runs it: a quantized model, local samples
// (IDX with or without labels, or CSV), labels written one per line.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/idx_reader.hpp"
#include "common/mlp.hpp"
#include "common/quant/predict.hpp"
#include "common/quant/q8_file.hpp"
#include "common/quant/quantize.hpp"
#include "support/run_program.hpp"

namespace fedq {
namespace {

namespace fs = std::filesystem;

using testing::ProgramRun;

ProgramRun RunClient(const std::string& args) { return testing::RunProgram("fedq-client", args); }

void PutBigEndian32(std::ofstream& out, uint32_t v) {
  const char b[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
  out.write(b, 4);
}

constexpr int kSamples = 37;
constexpr int kSide = 3;  // 3x3 images: 9 features

class FedqClientPredictTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fedq_client_predict_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    auto mlp = Mlp::Create({kSide * kSide, 16, 4}, 7);
    ASSERT_TRUE(mlp.ok());
    auto q8 = quant::QuantizeMlp(mlp->layer_sizes(), mlp->params(), {});
    ASSERT_TRUE(q8.ok()) << q8.status().ToString();
    ASSERT_TRUE(quant::SaveQuantizedModel(*q8, Path("m.q8")).ok());
    WriteIdx();
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const char* name) const { return (dir_ / name).string(); }

  void WriteIdx() {
    std::ofstream images(Path("images.idx"), std::ios::binary);
    images.write("\0\0\x08\x03", 4);
    PutBigEndian32(images, kSamples);
    PutBigEndian32(images, kSide);
    PutBigEndian32(images, kSide);
    std::ofstream labels(Path("labels.idx"), std::ios::binary);
    labels.write("\0\0\x08\x01", 4);
    PutBigEndian32(labels, kSamples);
    std::ofstream csv(Path("data.csv"));
    for (int i = 0; i < kSamples; ++i) {
      csv << i % 4;
      for (int j = 0; j < kSide * kSide; ++j) {
        const int pixel = (i * 31 + j * 17) % 256;
        images.put(char(pixel));
        csv << ',' << pixel;
      }
      csv << '\n';
      labels.put(char(i % 4));
    }
  }

  std::vector<int32_t> ReadLabels(const std::string& path) {
    std::ifstream in(path);
    std::vector<int32_t> out;
    for (int32_t v; in >> v;) out.push_back(v);
    return out;
  }

  fs::path dir_;
};

TEST_F(FedqClientPredictTest, WritesTheLibrarysLabelsForUnlabeledIdxImages) {
  const ProgramRun run = RunClient("predict --model " + Path("m.q8") + " --images " +
                                   Path("images.idx") + " --out " + Path("out.txt") + " --json");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("\"samples\":37"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("accuracy"), std::string::npos) << "no labels, no accuracy";

  auto model = quant::LoadQuantizedModel(Path("m.q8"));
  auto data = LoadIdxImages(Path("images.idx"));
  ASSERT_TRUE(model.ok() && data.ok());
  auto expected = quant::PredictLabels(*model, *data);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(ReadLabels(Path("out.txt")), *expected);
}

TEST_F(FedqClientPredictTest, ReportsAccuracyWhenTheSamplesCarryLabels) {
  const ProgramRun idx =
      RunClient("predict --model " + Path("m.q8") + " --images " + Path("images.idx") +
                " --labels " + Path("labels.idx") + " --out " + Path("a.txt") + " --json");
  ASSERT_EQ(idx.exit_code, 0) << idx.output;
  EXPECT_NE(idx.output.find("\"accuracy\":"), std::string::npos) << idx.output;

  // The CSV holds the same pixels, so scaled by 1/255 it predicts the same labels.
  const ProgramRun csv =
      RunClient("predict --model " + Path("m.q8") + " --csv " + Path("data.csv") +
                " --csv-scale 0.00392156862745098 " + "--out " + Path("b.txt"));
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  EXPECT_EQ(ReadLabels(Path("a.txt")).size(), std::size_t{kSamples});
  EXPECT_EQ(ReadLabels(Path("b.txt")).size(), std::size_t{kSamples});
}

TEST_F(FedqClientPredictTest, BadUsageAndDamagedModelsAreClearErrors) {
  EXPECT_EQ(
      RunClient("predict --model " + Path("m.q8") + " --images " + Path("images.idx")).exit_code,
      2);
  const ProgramRun not_q8 = RunClient("predict --model " + Path("images.idx") + " --images " +
                                      Path("images.idx") + " --out " + Path("o.txt"));
  EXPECT_EQ(not_q8.exit_code, 2) << not_q8.output;
  EXPECT_NE(not_q8.output.find("is not a .q8 model"), std::string::npos) << not_q8.output;

  {
    std::fstream file(Path("m.q8"), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(60);
    file.put('\x55');
  }
  const ProgramRun damaged = RunClient("predict --model " + Path("m.q8") + " --images " +
                                       Path("images.idx") + " --out " + Path("o.txt"));
  EXPECT_EQ(damaged.exit_code, 1) << damaged.output;
  EXPECT_FALSE(fs::exists(Path("o.txt")));
}

}  // namespace
}  // namespace fedq
