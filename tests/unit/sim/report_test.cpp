#include "sim/report.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fedq::sim {
namespace {

std::vector<RoundRecord> ThreeRounds() {
  return {{1, 0.5, 1.2, 1.5, 1000, 8000, 3, 0.25},
          {2, std::nan(""), std::nan(""), 1.1, 900, 8000, 3, 0.2},
          {3, 0.75, 0.7, 0.9, 1100, 8000, 2, 0.3}};
}

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ReportTest, SummarizeAddsBytesAndKeepsLastEvaluatedAccuracy) {
  RunSummary s = Summarize(ThreeRounds(), 400);
  EXPECT_EQ(s.rounds, 3);
  EXPECT_EQ(s.uplink_bytes, 3000u);
  EXPECT_EQ(s.downlink_bytes, 24000u);
  EXPECT_EQ(s.uplink_bytes_fp32, 400u * 8);
  EXPECT_DOUBLE_EQ(s.final_test_accuracy, 0.75);
  EXPECT_DOUBLE_EQ(s.final_test_loss, 0.7);
}

TEST(ReportTest, CsvHasHeaderAndOneRowPerRoundWithEmptyCellForNaN) {
  std::string csv = RoundsCsv(ThreeRounds());
  std::istringstream in(csv);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].rfind("round,test_accuracy,test_loss", 0), 0u);
  EXPECT_EQ(lines[1], "1,0.5,1.2,1.5,1000,8000,3,0.25");
  EXPECT_EQ(lines[2], "2,,,1.1,900,8000,3,0.2");
}

TEST(ReportTest, HtmlIsSelfContainedAndEscapesScriptClose) {
  RunSummary s = Summarize(ThreeRounds(), 400);
  s.run_name = "evil</script><script>alert(1)";
  std::string html = ReportHtml(s, ThreeRounds());
  EXPECT_EQ(html.find("</script><script>alert"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));  // SVG namespace only
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_NE(html.find("acc_bytes"), std::string::npos);
  EXPECT_NE(html.find("\"uplink_bytes\":1100"), std::string::npos);
}

TEST(ReportTest, WritesThreeFilesAndSummaryParses) {
  auto dir =
      std::filesystem::temp_directory_path() /
      ("fedq_report_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::remove_all(dir);
  RunSummary s = Summarize(ThreeRounds(), 400);
  s.wall_seconds = 1.5;
  ASSERT_TRUE(WriteReport(dir / "nested", s, ThreeRounds()).ok());
  for (const char* f : {"rounds.csv", "summary.json", "index.html"}) {
    EXPECT_TRUE(std::filesystem::exists(dir / "nested" / f)) << f;
  }
  auto j = nlohmann::json::parse(ReadAll(dir / "nested" / "summary.json"), nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_DOUBLE_EQ(j["final_test_accuracy"].get<double>(), 0.75);
  EXPECT_EQ(j["rounds"].get<int>(), 3);
  EXPECT_EQ(j["uplink_bytes_fp32"].get<uint64_t>(), 3200u);
  EXPECT_FALSE(std::filesystem::exists(dir / "nested" / "rounds.csv.tmp"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fedq::sim
