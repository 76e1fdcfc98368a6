#include "common/csv_loader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace fedq {
namespace {

Status ParseError(std::string_view text, const CsvOptions& options = {}) {
  auto ds = ParseCsv(text, options);
  EXPECT_FALSE(ds.ok()) << text;
  return ds.ok() ? Status::Ok() : ds.status();
}

TEST(CsvLoaderTest, ParsesLabelThenFeatures) {
  auto ds = ParseCsv("1,0.5,0.25\n0,1,2\n3, 4 ,5e-1\n", {});
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ(ds->size(), 3u);
  EXPECT_EQ(ds->dim(), 2u);
  EXPECT_EQ(ds->labels, (std::vector<int32_t>{1, 0, 3}));
  EXPECT_EQ(ds->num_classes, 4);
  EXPECT_FLOAT_EQ(ds->features(0, 1), 0.25f);
  EXPECT_FLOAT_EQ(ds->features(2, 0), 4.0f);
  EXPECT_FLOAT_EQ(ds->features(2, 1), 0.5f);
}

TEST(CsvLoaderTest, SkipsHeaderBlankLinesAndCarriageReturns) {
  CsvOptions options;
  options.has_header = true;
  auto ds = ParseCsv("label,a,b\r\n2,1,2\r\n\r\n\n1,3,4", options);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ(ds->size(), 2u);
  EXPECT_FLOAT_EQ(ds->features(1, 1), 4.0f);
}

TEST(CsvLoaderTest, AppliesScaleDelimiterAndFixedClassCount) {
  CsvOptions options;
  options.delimiter = ';';
  options.feature_scale = 1.0f / 255.0f;
  options.num_classes = 10;
  auto ds = ParseCsv("0;255;51\n", options);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_FLOAT_EQ(ds->features(0, 0), 1.0f);
  EXPECT_FLOAT_EQ(ds->features(0, 1), 0.2f);
  EXPECT_EQ(ds->num_classes, 10);
}

TEST(CsvLoaderTest, BadFieldNamesLineAndColumn) {
  Status s = ParseError("1,2,3\n0,1,x\n");
  EXPECT_EQ(s.code(), ErrorCode::kCorrupt);
  EXPECT_NE(s.message().find("line 2, column 3: \"x\""), std::string::npos) << s.message();
  s = ParseError("1,2,3\n\n0,,1\n");
  EXPECT_NE(s.message().find("line 3, column 2"), std::string::npos) << s.message();
  s = ParseError("1,nan\n");
  EXPECT_NE(s.message().find("column 2"), std::string::npos) << s.message();
  s = ParseError("1,1e99\n");  // out of float range
  EXPECT_NE(s.message().find("column 2"), std::string::npos) << s.message();
}

TEST(CsvLoaderTest, BadLabelNamesLine) {
  for (const char* text : {"-1,0\n", "1.5,0\n", "cat,0\n", "70000,0\n"}) {
    Status s = ParseError(text);
    EXPECT_NE(s.message().find("line 1, column 1"), std::string::npos) << s.message();
  }
  CsvOptions options;
  options.num_classes = 3;
  EXPECT_NE(ParseError("0,1\n3,1\n", options).message().find("label 3"), std::string::npos);
}

TEST(CsvLoaderTest, RejectsRaggedRows) {
  Status s = ParseError("1,2,3\n0,1\n");
  EXPECT_NE(s.message().find("line 2: 2 columns, expected 3"), std::string::npos) << s.message();
  s = ParseError("1,2\n0,1,2\n");
  EXPECT_NE(s.message().find("line 2: 3 columns, expected 2"), std::string::npos) << s.message();
}

TEST(CsvLoaderTest, RejectsEmptyInputAndLabelOnlyRows) {
  EXPECT_NE(ParseError("").message().find("no data rows"), std::string::npos);
  CsvOptions header;
  header.has_header = true;
  EXPECT_NE(ParseError("label,x\n", header).message().find("no data rows"), std::string::npos);
  EXPECT_NE(ParseError("3\n").message().find("no features"), std::string::npos);
}

TEST(CsvLoaderTest, LoadsFileAndNamesItInErrors) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("fedq_csv_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string good = (dir / "good.csv").string();
  const std::string bad = (dir / "bad.csv").string();
  std::ofstream(good) << "1,0.5\n0,0.25\n";
  std::ofstream(bad) << "1,0.5\n0,zz\n";
  auto ds = LoadCsv(good, {});
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ(ds->size(), 2u);
  auto err = LoadCsv(bad, {});
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.status().message().find("bad.csv: line 2, column 2"), std::string::npos)
      << err.status().message();
  EXPECT_EQ(LoadCsv((dir / "missing.csv").string(), {}).status().code(), ErrorCode::kIo);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fedq
