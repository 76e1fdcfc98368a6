// Blob sizes, edge-case inputs, Inspect, and the downlink (whole model).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "codec_test_util.hpp"
#include "common/codec/blob_layout.hpp"
#include "common/codec/crc32c.hpp"

namespace fedq::codec {
namespace {

using testing::MustDecode;
using testing::MustEncode;
using testing::RandomVector;

TEST(CodecCrc32c, MatchesKnownVectorOnBothPaths) {
  const std::string s = "123456789";
  std::span<const uint8_t> b(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  EXPECT_EQ(Crc32c(b), 0xE3069283u);
  EXPECT_EQ(Crc32cPortable(b), 0xE3069283u);
  std::vector<uint8_t> big(100003);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 31 + 7);
  for (std::size_t len : {0u, 1u, 7u, 8u, 9u, 63u, 1000u, 3071u, 3072u, 3073u, 5000u, 100003u}) {
    EXPECT_EQ(Crc32c(std::span(big).first(len)), Crc32cPortable(std::span(big).first(len)));
  }
}

TEST(CodecBlob, SizeEqualsPredictionOrStaysUnderBound) {
  for (std::string_view s : testing::AllSpecs()) {
    PipelineSpec spec = testing::Spec(s);
    for (std::size_t n : {0u, 1u, 2u, 255u, 256u, 257u, 10001u}) {
      std::vector<uint8_t> blob = MustEncode(s, RandomVector(n, n));
      if (PredictedSizeIsExact(spec)) {
        EXPECT_EQ(blob.size(), PredictedBlobSize(spec, n)) << s << " n=" << n;
      } else {
        EXPECT_LE(blob.size(), PredictedBlobSize(spec, n)) << s << " n=" << n;
      }
    }
  }
}

TEST(CodecBlob, PredictedRatiosMatchTheLayout) {
  const std::size_t n = 199210;
  // int8 block 256: 1 byte per value + 4 bytes per 256 values + header.
  std::size_t header = layout::kFixedHeaderSize + std::string("int8:block=256").size() + 4;
  EXPECT_EQ(PredictedBlobSize(testing::Spec("int8"), n), header + n + 4 * ((n + 255) / 256));
  EXPECT_GT(PredictedRatio(testing::Spec("int8"), n), 3.9);
  EXPECT_GT(PredictedRatio(testing::Spec("topk:0.01+int8"), n), 50.0);
  EXPECT_NEAR(PredictedRatio(testing::Spec("fp32"), n), 1.0, 1e-3);
}

TEST(CodecBlob, RoundTripsAllZeroAndSingleElement) {
  for (std::string_view s : testing::AllSpecs()) {
    std::vector<float> zeros(1000, 0.0f);
    EXPECT_EQ(MustDecode(MustEncode(s, zeros)), zeros) << s;
    std::vector<float> one = {-0.75f};
    std::vector<float> y = MustDecode(MustEncode(s, one));
    ASSERT_EQ(y.size(), 1u) << s;
    EXPECT_NEAR(y[0], -0.75f, 0.75f / 7 + 1e-6f) << s;  // int4's half step is the widest
    std::vector<float> empty;
    EXPECT_TRUE(MustDecode(MustEncode(s, empty)).empty()) << s;
  }
}

TEST(CodecBlob, EncoderRejectsNanAndInfNamingTheElement) {
  for (std::string_view s : testing::AllSpecs()) {
    for (float bad :
         {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
          -std::numeric_limits<float>::infinity()}) {
      std::vector<float> x = RandomVector(600, 1);
      x[517] = bad;
      ErrorFeedback ef;
      Result<std::vector<uint8_t>> r = Encode(testing::Spec(s), x, &ef, 0);
      ASSERT_FALSE(r.ok()) << s;
      EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << s;
      EXPECT_NE(r.status().message().find("element 517"), std::string::npos)
          << r.status().message();
      EXPECT_EQ(ef.size(), 0u) << "residual must stay untouched on error";
      EXPECT_FALSE(Encode(testing::Spec(s), x, nullptr, 0).ok()) << s;
    }
  }
}

TEST(CodecBlob, HugeValuesStayFiniteOrAreRefused) {
  std::vector<float> x = RandomVector(1000, 2);
  x[10] = 3e38f;
  x[11] = -3.4e38f;
  x[700] = 1e-38f;  // subnormal neighbours
  for (std::string_view s : testing::AllSpecs()) {
    Result<std::vector<uint8_t>> blob = Encode(testing::Spec(s), x, nullptr, 1);
    if (!blob.ok()) {  // fp16 cannot hold them; qsgd's block norm overflows float
      EXPECT_EQ(blob.status().code(), ErrorCode::kOutOfRange) << s << blob.status().ToString();
      continue;
    }
    std::vector<float> y = MustDecode(*blob);
    for (float v : y) ASSERT_TRUE(std::isfinite(v)) << s;
  }
  std::vector<float> y = MustDecode(MustEncode("int8", x));
  EXPECT_NEAR(y[11], -3.4e38f, 3.4e38f / 254);
}

TEST(CodecBlob, InspectReportsHeaderFields) {
  std::vector<uint8_t> blob = MustEncode("randk:0.05+int8", RandomVector(1000, 1), 12345);
  Result<BlobInfo> info = Inspect(blob);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->spec_text, "randk:0.05+int8:block=256");
  EXPECT_EQ(info->count, 1000u);
  EXPECT_EQ(info->seed, 12345u);
  EXPECT_EQ(info->values, 50u);
  EXPECT_EQ(info->blob_bytes, blob.size());
  EXPECT_NEAR(info->ratio_vs_fp32, 4000.0 / blob.size(), 1e-9);
}

TEST(CodecBlob, CarriesAWholeModelDownlink) {
  std::vector<float> model = RandomVector(199210, 9, 0.05f);
  EXPECT_EQ(MustDecode(MustEncode("fp32", model)), model);
  std::vector<float> half = MustDecode(MustEncode("fp16", model));
  for (std::size_t i = 0; i < model.size(); ++i) {
    ASSERT_NEAR(half[i], model[i], std::fabs(model[i]) * 0x1p-11f + 0x1p-25f);
  }
}

TEST(CodecBlob, SameSeedSameBlob) {
  std::vector<float> x = RandomVector(3000, 1);
  for (std::string_view s : testing::AllSpecs())
    EXPECT_EQ(MustEncode(s, x, 5), MustEncode(s, x, 5)) << s;
}

}  // namespace
}  // namespace fedq::codec
