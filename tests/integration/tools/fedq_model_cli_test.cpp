// fedq-model as a user runs it: exit codes, --json last line, errors that
// name the bad flag or file. Runs the built program from FEDQ_BINARY_DIR.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "common/mlp.hpp"
#include "common/model_file.hpp"

namespace fedq {
namespace {

const char* kData = "/usr/share/datasets/fashion-mnist";

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("fedq_model_cli_" + std::to_string(getpid()) + "_" + name))
      .string();
}

RunResult RunFedqModel(const std::string& args) {
  const std::string err_path = TempPath("stderr.txt");
  const std::string cmd =
      std::string(FEDQ_BINARY_DIR) + "/bin/fedq-model " + args + " 2>" + err_path;
  RunResult r;
  std::FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_path);
  r.err.assign(std::istreambuf_iterator<char>(err), {});
  std::filesystem::remove(err_path);
  return r;
}

nlohmann::json LastJsonLine(const std::string& out) {
  std::string s = out;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return nlohmann::json::parse(s.substr(s.find_last_of('\n') + 1), nullptr, false);
}

TEST(FedqModelCliTest, HelpAndVersionExitZero) {
  RunResult help = RunFedqModel("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("train"), std::string::npos);
  RunResult version = RunFedqModel("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("fedq-model"), std::string::npos);
}

TEST(FedqModelCliTest, UnknownFlagExitsTwoAndNamesIt) {
  RunResult r = RunFedqModel("train --data /nonexistent --frobnicate 3");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE((r.out + r.err).find("--frobnicate"), std::string::npos) << r.out << r.err;
}

TEST(FedqModelCliTest, BadLayerListExitsTwoAndNamesTheFlag) {
  RunResult r = RunFedqModel("train --data /nonexistent --layers 784,x,10");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--layers"), std::string::npos) << r.err;
}

TEST(FedqModelCliTest, CorruptModelFileExitsOneWithAClearError) {
  const std::string path = TempPath("corrupt.fdqm");
  Result<Mlp> mlp = Mlp::Create({4, 3, 2}, 1);
  ASSERT_TRUE(mlp.ok());
  std::vector<uint8_t> bytes = SerializeModel(*mlp);
  bytes[40] ^= 0x10;  // inside the parameters
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  RunResult r = RunFedqModel("eval --model " + path + " --data " + kData);
  std::filesystem::remove(path);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("checksum"), std::string::npos) << r.err;
}

TEST(FedqModelCliTest, TrainsSavesAndEvaluatesOnFashionMnist) {
  if (!std::filesystem::exists(std::string(kData) + "/train-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "Fashion-MNIST is not installed at " << kData
                 << " (Debian package dataset-fashion-mnist)";
  }
  const std::string model = TempPath("small.fdqm");
  // A small net and one epoch: this checks the program, not the accuracy budget.
  RunResult train =
      RunFedqModel("--log-level warn train --data " + std::string(kData) +
                   " --layers 784,32,10 --epochs 1 --lr 0.05 --out " + model + " --json");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const nlohmann::json t = LastJsonLine(train.out);
  ASSERT_TRUE(t.is_object()) << train.out;
  EXPECT_GT(t["test_accuracy"].get<double>(), 0.75);
  EXPECT_GT(t["samples_per_second"].get<double>(), 0.0);
  EXPECT_TRUE(t.contains("test_loss") && t.contains("train_seconds"));

  RunResult eval = RunFedqModel("eval --model " + model + " --data " + kData + " --json");
  std::filesystem::remove(model);
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  const nlohmann::json e = LastJsonLine(eval.out);
  EXPECT_DOUBLE_EQ(e["test_accuracy"].get<double>(), t["test_accuracy"].get<double>());
}

}  // namespace
}  // namespace fedq
