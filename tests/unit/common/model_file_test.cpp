#include "common/model_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

namespace fedq {
namespace {

Mlp SmallMlp() {
  Result<Mlp> mlp = Mlp::Create({6, 5, 3}, 17);
  EXPECT_TRUE(mlp.ok());
  mlp->bias(0).setLinSpaced(-1.0f, 1.0f);
  return std::move(mlp).value();
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("fedq_model_file_test_" + std::to_string(getpid()) + "_" + name))
      .string();
}

TEST(ModelFileTest, SerializeAndParseRoundTripExactly) {
  const Mlp mlp = SmallMlp();
  const std::vector<uint8_t> bytes = SerializeModel(mlp);
  // magic, version, count, 3 sizes, param count, 53 params, checksum
  EXPECT_EQ(bytes.size(), 4u + 4 + 4 + 12 + 8 + 4 * 53 + 4);
  EXPECT_EQ(bytes[0], 'F');
  EXPECT_EQ(bytes[4], 1);   // version, little-endian
  EXPECT_EQ(bytes[12], 6);  // first layer size, little-endian
  Result<Mlp> parsed = ParseModel(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->layer_sizes(), mlp.layer_sizes());
  ASSERT_EQ(parsed->params().size(), mlp.params().size());
  EXPECT_EQ(std::memcmp(parsed->params().data(), mlp.params().data(), mlp.params().size_bytes()),
            0);
}

TEST(ModelFileTest, SaveAndLoadRoundTrip) {
  const Mlp mlp = SmallMlp();
  const std::string path = TempPath("roundtrip.fdqm");
  ASSERT_TRUE(SaveModel(mlp, path).ok());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  Result<Mlp> loaded = LoadModel(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(std::memcmp(loaded->params().data(), mlp.params().data(), mlp.params().size_bytes()),
            0);
}

TEST(ModelFileTest, EveryTruncationIsACorruptError) {
  const std::vector<uint8_t> bytes = SerializeModel(SmallMlp());
  for (std::size_t len = 0; len < bytes.size(); ++len) {
    Result<Mlp> r = ParseModel(std::span(bytes).first(len));
    ASSERT_FALSE(r.ok()) << "accepted a file cut to " << len << " bytes";
    EXPECT_EQ(r.status().code(), ErrorCode::kCorrupt);
  }
}

TEST(ModelFileTest, EverySingleBitFlipIsDetected) {
  const std::vector<uint8_t> bytes = SerializeModel(SmallMlp());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> bad = bytes;
      bad[i] ^= static_cast<uint8_t>(1u << bit);
      Result<Mlp> r = ParseModel(bad);
      ASSERT_FALSE(r.ok()) << "accepted a flip of bit " << bit << " of byte " << i;
      EXPECT_EQ(r.status().code(), ErrorCode::kCorrupt);
    }
  }
}

TEST(ModelFileTest, NamesTheProblem) {
  std::vector<uint8_t> bytes = SerializeModel(SmallMlp());
  std::vector<uint8_t> trailing = bytes;
  trailing.push_back(0);
  EXPECT_NE(ParseModel(trailing).status().message().find("trailing"), std::string::npos);
  std::vector<uint8_t> flipped = bytes;
  flipped[40] ^= 1;  // inside the parameters
  EXPECT_NE(ParseModel(flipped).status().message().find("checksum"), std::string::npos);
  std::vector<uint8_t> magic = bytes;
  magic[0] = 'X';
  EXPECT_NE(ParseModel(magic).status().message().find("magic"), std::string::npos);
  EXPECT_NE(ParseModel(std::span(bytes).first(100)).status().message().find("truncated"),
            std::string::npos);
}

TEST(ModelFileTest, TruncatedFileOnDiskIsAClearError) {
  const std::vector<uint8_t> bytes = SerializeModel(SmallMlp());
  const std::string path = TempPath("truncated.fdqm");
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size() / 2));
  }
  Result<Mlp> r = LoadModel(path);
  std::filesystem::remove(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status().message();
}

TEST(ModelFileTest, MissingFileAndUnwritableDirectory) {
  EXPECT_EQ(LoadModel(TempPath("does-not-exist.fdqm")).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(SaveModel(SmallMlp(), "/nonexistent-dir/x/model.fdqm").code(), ErrorCode::kIo);
}

}  // namespace
}  // namespace fedq
