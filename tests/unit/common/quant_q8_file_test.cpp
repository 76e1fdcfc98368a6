#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/quant/q8_file.hpp"
#include "common/quant/quantize.hpp"
#include "quant_test_util.hpp"

namespace fedq::quant {
namespace {

QuantizedMlp SmallModel(ActivationMode mode) {
  const std::vector<int> sizes = {7, 5, 3};
  const auto params = testing::RandomParams(sizes, 11);
  const auto calib = testing::RandomInputs(20, 7, 12);
  auto model = QuantizeMlp(sizes, params, {mode, &calib});
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return std::move(model).value();
}

void ExpectSameModel(const QuantizedMlp& a, const QuantizedMlp& b) {
  ASSERT_EQ(a.layer_sizes(), b.layer_sizes());
  EXPECT_EQ(a.activation_mode(), b.activation_mode());
  for (std::size_t l = 0; l < a.num_layers(); ++l) {
    EXPECT_EQ(a.layer(l).weights, b.layer(l).weights);
    EXPECT_EQ(a.layer(l).weight_scales, b.layer(l).weight_scales);
    EXPECT_EQ(a.layer(l).bias, b.layer(l).bias);
    EXPECT_EQ(a.layer(l).input_scale, b.layer(l).input_scale);
  }
}

TEST(Q8FileTest, EncodeDecodeRoundTripsBothActivationModes) {
  for (auto mode : {ActivationMode::kDynamic, ActivationMode::kStatic}) {
    const QuantizedMlp model = SmallModel(mode);
    const auto bytes = EncodeQuantizedModel(model);
    // Header 16 + sizes 12 + per layer (4 + 8 * out + in * out) + crc 4.
    EXPECT_EQ(bytes.size(), 16u + 12u + (4 + 40 + 35) + (4 + 24 + 15) + 4u);
    auto decoded = DecodeQuantizedModel(bytes);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    ExpectSameModel(model, *decoded);
  }
}

TEST(Q8FileTest, HeaderIsLittleEndianFieldByField) {
  const auto bytes = EncodeQuantizedModel(SmallModel(ActivationMode::kStatic));
  const std::vector<uint8_t> head(bytes.begin(), bytes.begin() + 28);
  EXPECT_EQ(head, (std::vector<uint8_t>{'F', 'D', 'Q', '8', 1, 0, 0, 0, 1, 0, 0, 0, 3, 0,
                                        0,   0,   7,   0,   0, 0, 5, 0, 0, 0, 3, 0, 0, 0}));
}

TEST(Q8FileTest, EveryFlippedByteIsAClearCorruptError) {
  const auto bytes = EncodeQuantizedModel(SmallModel(ActivationMode::kDynamic));
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto damaged = bytes;
    damaged[i] ^= 0x5a;
    const auto result = DecodeQuantizedModel(damaged);
    ASSERT_FALSE(result.ok()) << "byte " << i;
    EXPECT_EQ(result.status().code(), ErrorCode::kCorrupt) << result.status().ToString();
  }
}

TEST(Q8FileTest, TruncatedOrExtendedFileIsRejectedBeforeAllocating) {
  const auto bytes = EncodeQuantizedModel(SmallModel(ActivationMode::kDynamic));
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const auto result = DecodeQuantizedModel(std::span(bytes).first(n));
    ASSERT_FALSE(result.ok()) << "length " << n;
    EXPECT_EQ(result.status().code(), ErrorCode::kCorrupt);
  }
  auto longer = bytes;
  longer.push_back(0);
  EXPECT_EQ(DecodeQuantizedModel(longer).status().code(), ErrorCode::kCorrupt);
}

TEST(Q8FileTest, HugeLayerSizesInTheHeaderAreRejectedWithoutAllocation) {
  auto bytes = EncodeQuantizedModel(SmallModel(ActivationMode::kDynamic));
  bytes[16] = 0xff;  // first layer size -> 0x000000ff..., still small: try the top byte too
  bytes[19] = 0x7f;
  const auto result = DecodeQuantizedModel(bytes);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("out of range"), std::string::npos)
      << result.status().ToString();
}

TEST(Q8FileTest, SaveLoadAndCorruptFileOnDiskNamesThePath) {
  const auto dir = std::filesystem::temp_directory_path() / "fedq_q8_file_test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "model.q8").string();
  const QuantizedMlp model = SmallModel(ActivationMode::kStatic);
  ASSERT_TRUE(SaveQuantizedModel(model, path).ok());
  EXPECT_TRUE(IsQuantizedModelFile(path));
  auto loaded = LoadQuantizedModel(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ExpectSameModel(model, *loaded);
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(40);
    file.put('\x42');
  }
  const auto bad = LoadQuantizedModel(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(bad.status().message().find(path), std::string::npos);
  EXPECT_NE(bad.status().message().find("checksum"), std::string::npos);
  EXPECT_EQ(LoadQuantizedModel((dir / "missing.q8").string()).status().code(), ErrorCode::kIo);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fedq::quant
