// fedq-model quantize and eval as a user runs them: the binary, its exit
// codes and its messages.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/mlp.hpp"
#include "common/model_file.hpp"
#include "common/quant/q8_file.hpp"
#include "support/run_program.hpp"

namespace fedq {
namespace {

namespace fs = std::filesystem;

using testing::ProgramRun;

ProgramRun RunCommand(const std::string& args) { return testing::RunProgram("fedq-model", args); }

class FedqModelQuantizeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fedq_quantize_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    auto mlp = Mlp::Create({784, 32, 10}, 3);
    ASSERT_TRUE(mlp.ok());
    ASSERT_TRUE(SaveModel(*mlp, (dir_ / "m.fdqm").string()).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const char* name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(FedqModelQuantizeTest, WritesALoadableQuantizedModelFourTimesSmaller) {
  const ProgramRun run =
      RunCommand("quantize --model " + Path("m.fdqm") + " --out " + Path("m.q8") + " --json");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("\"activations\":\"dynamic\""), std::string::npos) << run.output;
  auto model = quant::LoadQuantizedModel(Path("m.q8"));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ(model->layer_sizes(), (std::vector<int>{784, 32, 10}));
  EXPECT_GT(double(fs::file_size(Path("m.fdqm"))) / double(fs::file_size(Path("m.q8"))), 3.8);
}

TEST_F(FedqModelQuantizeTest, EvalOfACorruptedQuantizedModelIsAClearErrorWithExitCode1) {
  ASSERT_EQ(RunCommand("quantize --model " + Path("m.fdqm") + " --out " + Path("m.q8")).exit_code,
            0);
  {
    std::fstream file(Path("m.q8"), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(1000);
    file.put('\x7f');
  }
  // The model is checked before the data set is read, so no data is needed.
  const ProgramRun run = RunCommand("eval --model " + Path("m.q8") + " --data " + Path("no-data"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("checksum mismatch"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find(Path("m.q8")), std::string::npos) << run.output;
}

TEST_F(FedqModelQuantizeTest, MissingFlagIsBadUsage) {
  EXPECT_EQ(RunCommand("quantize --model " + Path("m.fdqm")).exit_code, 2);
}

}  // namespace
}  // namespace fedq
