// fedq-sim end to end on a small slice of Fashion-MNIST: a fixed seed gives
// the same result twice, the report is written with one CSV row per round,
// and the same database again resumes the run.
#include "sim/simulation.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace fedq::sim {
namespace {

const char* kFmnist = "/usr/share/datasets/fashion-mnist";

bool HaveFmnist() {
  return std::filesystem::exists(std::string(kFmnist) + "/train-images-idx3-ubyte.gz");
}

SimConfig Small(const std::filesystem::path& dir, const std::string& name, int rounds) {
  SimConfig c;
  c.clients = 4;
  c.per_round = 3;
  c.rounds = rounds;
  c.partition = "dirichlet:0.5";
  c.layers = {784, 32, 10};
  c.codec = "topk:0.1+int8";
  c.lr = 0.05;
  c.train_limit = 800;
  c.test_limit = 1000;
  c.threads = 2;
  c.seed = 7;
  c.db = (dir / (name + ".db")).string();
  c.report = (dir / name).string();
  return c;
}

class SimulationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveFmnist()) GTEST_SKIP() << "Fashion-MNIST not found under " << kFmnist;
    dir_ = std::filesystem::temp_directory_path() /
           ("fedq_sim_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
};

TEST_F(SimulationTest, SameSeedGivesTheSameResultTwice) {
  auto a = RunSimulation(Small(dir_, "a", 2));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = RunSimulation(Small(dir_, "b", 2));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_EQ(a->rounds.size(), 2u);
  ASSERT_EQ(b->rounds.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(a->rounds[i].test_accuracy, b->rounds[i].test_accuracy) << "round " << i + 1;
    EXPECT_EQ(a->rounds[i].test_loss, b->rounds[i].test_loss) << "round " << i + 1;
    EXPECT_EQ(a->rounds[i].uplink_bytes, b->rounds[i].uplink_bytes) << "round " << i + 1;
  }
  EXPECT_EQ(a->summary.final_test_accuracy, b->summary.final_test_accuracy);
  EXPECT_GT(a->summary.final_test_accuracy, 0.2);  // it learned something in 2 rounds
  EXPECT_GT(a->summary.uplink_bytes_fp32, 5 * a->summary.uplink_bytes);
}

TEST_F(SimulationTest, WritesTheReportWithOneCsvRowPerRound) {
  auto out = RunSimulation(Small(dir_, "r", 2));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const auto report = dir_ / "r";
  for (const char* f : {"rounds.csv", "summary.json", "index.html"}) {
    EXPECT_TRUE(std::filesystem::exists(report / f)) << f;
  }
  std::ifstream csv(report / "rounds.csv");
  std::string line;
  int lines = 0;
  while (std::getline(csv, line)) ++lines;
  EXPECT_EQ(lines, 1 + 2);  // header + one per round
}

TEST_F(SimulationTest, SameDatabaseResumesAfterTheLastCommittedRound) {
  auto first = RunSimulation(Small(dir_, "resume", 1));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->rounds.size(), 1u);
  auto second = RunSimulation(Small(dir_, "resume", 2));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_EQ(second->rounds.size(), 2u);
  EXPECT_EQ(second->rounds[0].test_accuracy, first->rounds[0].test_accuracy);
  EXPECT_EQ(second->rounds[1].round, 2);
}

}  // namespace
}  // namespace fedq::sim
