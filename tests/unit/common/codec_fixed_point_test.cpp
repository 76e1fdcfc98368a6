// Fixed-point folding from blobs: the fused fp32/fp16/int8 kernels and the
// generic path give the integers of std::llround(weight * 2^f * value), ties
// away from zero, bit for bit; VerifiedBlob checks once and folds the same.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "codec_test_util.hpp"
#include "common/codec/blob_format.hpp"
#include "common/codec/fixed_point_fold.hpp"
#include "common/codec/verified_blob.hpp"

namespace fedq::codec {
namespace {

using testing::MustDecode;
using testing::MustEncode;
using testing::RandomVector;

// The definition the kernels must meet, one libm call per element.
std::vector<int64_t> ReferenceFold(const std::vector<float>& decoded, double weight, int frac_bits,
                                   std::vector<int64_t> acc) {
  const double unit = std::ldexp(weight, frac_bits);
  for (std::size_t i = 0; i < acc.size(); ++i) acc[i] += std::llround(unit * decoded[i]);
  return acc;
}

// Normal values plus exact ties: at 2^-f units, (m + 0.5) * 2^-f / weight
// lands halfway between two integers after scaling.
std::vector<float> ValuesWithTies(std::size_t n, uint64_t seed, int frac_bits) {
  std::vector<float> v = RandomVector(n, seed, 0.05f);
  std::mt19937_64 gen(seed);
  for (std::size_t i = 0; i < n; i += 3) {
    const auto m = static_cast<int>(gen() % 2001) - 1000;
    v[i] = static_cast<float>(std::ldexp(m + 0.5, -frac_bits));
  }
  return v;
}

TEST(RoundHalfAway, MatchesLlroundOnTiesAndEdges) {
  const std::vector<double> xs = {0.0,
                                  0.5,
                                  -0.5,
                                  1.5,
                                  -1.5,
                                  2.5,
                                  -2.5,
                                  0.49999999999999994,
                                  -0.49999999999999994,
                                  0x1p52 + 1,
                                  -(0x1p52 + 1),
                                  0x1p52 + 3,
                                  0x1p51 + 0.5,
                                  -(0x1p51 + 0.5),
                                  0x1p61 + 1024,
                                  1e-300,
                                  4503599627370495.5};
  for (double x : xs) EXPECT_EQ(RoundHalfAway(x), std::llround(x)) << x;
  std::mt19937_64 gen(5);
  std::uniform_real_distribution<double> dist(-1e6, 1e6);
  for (int i = 0; i < 100000; ++i) {
    const double x = dist(gen);
    ASSERT_EQ(RoundHalfAway(x), std::llround(x)) << x;
  }
}

TEST(CodecFixedPoint, EverySpecMatchesTheReferenceBitForBit) {
  for (std::string_view s : testing::AllSpecs()) {
    std::vector<uint8_t> blob = MustEncode(s, ValuesWithTies(3001, 11, 24));
    std::vector<float> decoded = MustDecode(blob);
    for (double weight : {1.0, 3.0, 517.0, 0.1}) {
      std::vector<int64_t> acc(decoded.size(), -3);
      ASSERT_TRUE(AccumulateFixedPoint(blob, weight, acc, 24).ok()) << s;
      ASSERT_EQ(acc, ReferenceFold(decoded, weight, 24, std::vector<int64_t>(acc.size(), -3)))
          << s << " weight " << weight;
    }
  }
}

TEST(CodecFixedPoint, DenseKernelsRoundTiesAwayFromZero) {
  // Units of 1/2 make every k + 0.25 an exact tie after scaling by 2.
  std::vector<float> v;
  for (int k = -40; k <= 40; ++k) v.push_back(static_cast<float>(k) + 0.25f);
  for (std::string_view s : {"fp32", "fp16", "fp32+zstd"}) {
    std::vector<uint8_t> blob = MustEncode(s, v);
    std::vector<int64_t> acc(v.size(), 0);
    ASSERT_TRUE(AccumulateFixedPoint(blob, 1.0, acc, 1).ok()) << s;
    for (std::size_t i = 0; i < v.size(); ++i) {
      ASSERT_EQ(acc[i], std::llround(2.0 * v[i])) << s << " " << v[i];
    }
  }
}

TEST(CodecFixedPoint, LargeTermsTakeTheExactPathAndStillMatch) {
  // weight * 2^f * |v| beyond 2^51 leaves the fused kernels' range but not 2^62.
  std::vector<float> v = ValuesWithTies(1000, 13, 10);
  v[17] = 3000.0f;
  for (std::string_view s : {"fp32", "int8", "fp16"}) {
    std::vector<uint8_t> blob = MustEncode(s, v);
    std::vector<float> decoded = MustDecode(blob);
    const double weight = 0x1p20 + 1;  // |term| near 2^55.6 at 24 bits
    std::vector<int64_t> acc(v.size(), 9);
    ASSERT_TRUE(AccumulateFixedPoint(blob, weight, acc, 24).ok()) << s;
    EXPECT_EQ(acc, ReferenceFold(decoded, weight, 24, std::vector<int64_t>(v.size(), 9))) << s;
  }
}

TEST(CodecFixedPoint, EveryFiniteHalfFoldsExactly) {
  std::vector<float> halves;
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
    if (exp == 31) continue;
    double mag = exp == 0 ? std::ldexp(mant, -24) : std::ldexp(1024 + mant, int(exp) - 25);
    halves.push_back(static_cast<float>((h & 0x8000) ? -mag : mag));
  }
  std::vector<uint8_t> blob = MustEncode("fp16", halves);
  ASSERT_EQ(MustDecode(blob), halves);
  std::vector<int64_t> acc(halves.size(), 0);
  ASSERT_TRUE(AccumulateFixedPoint(blob, 1.0, acc, 24).ok());
  for (std::size_t i = 0; i < halves.size(); ++i) {
    ASSERT_EQ(acc[i], static_cast<int64_t>(std::ldexp(halves[i], 24))) << halves[i];
  }
}

TEST(CodecFixedPoint, OverflowAddsNothingOnEveryPath) {
  for (std::string_view s : {"fp32", "int8", "fp16", "topk:0.5+int8", "int4"}) {
    std::vector<float> v = RandomVector(300, 2);
    v[123] = 30000.0f;
    std::vector<uint8_t> blob = MustEncode(s, v);
    std::vector<int64_t> acc(v.size(), 4);
    EXPECT_EQ(AccumulateFixedPoint(blob, 0x1p24, acc, 24).code(), ErrorCode::kOutOfRange) << s;
    EXPECT_EQ(acc, std::vector<int64_t>(v.size(), 4)) << s;
  }
}

TEST(VerifiedBlob, FoldsAndDecodesLikeTheSpanFunctions) {
  for (std::string_view s : testing::AllSpecs()) {
    std::vector<uint8_t> blob = MustEncode(s, ValuesWithTies(2000, 17, 24));
    Result<VerifiedBlob> v = VerifiedBlob::Make(blob, 2000);
    ASSERT_TRUE(v.ok()) << s << ": " << v.status().ToString();
    EXPECT_EQ(v->count(), 2000u);
    EXPECT_EQ(v->Decode(), MustDecode(blob)) << s;
    std::vector<int64_t> ours(2000, 1), theirs(2000, 1);
    ASSERT_TRUE(v->AccumulateFixedPoint(37.0, ours, 24).ok()) << s;
    ASSERT_TRUE(AccumulateFixedPoint(blob, 37.0, theirs, 24).ok()) << s;
    EXPECT_EQ(ours, theirs) << s;
    VerifiedBlob moved = std::move(v).value();  // the payload view survives a move
    std::vector<int64_t> again(2000, 1);
    ASSERT_TRUE(moved.AccumulateFixedPoint(37.0, again, 24).ok()) << s;
    EXPECT_EQ(again, theirs) << s;
  }
}

TEST(VerifiedBlob, NamesWrongCountDamageAndTheNonFiniteElement) {
  std::vector<uint8_t> blob = MustEncode("fp32", RandomVector(50, 3));
  Result<VerifiedBlob> wrong = VerifiedBlob::Make(blob, 51);
  EXPECT_EQ(wrong.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(wrong.status().message().find("50 elements"), std::string::npos);

  std::vector<uint8_t> flipped = blob;
  flipped[flipped.size() / 2] ^= 4;
  EXPECT_EQ(VerifiedBlob::Make(flipped, 50).status().code(), ErrorCode::kCorrupt);
  EXPECT_EQ(VerifiedBlob::Make(std::vector<uint8_t>(60, 7), 50).status().code(),
            ErrorCode::kCorrupt);

  std::vector<uint8_t> nan = blob;  // a NaN at element 7, checksum resealed
  const std::size_t at = HeaderSize("fp32") + 4 * 7;
  nan[at + 2] = 0xc0;
  nan[at + 3] = 0x7f;
  SealChecksum(nan);
  Result<VerifiedBlob> bad = VerifiedBlob::Make(nan, 50);
  EXPECT_EQ(bad.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(bad.status().message().find("NaN or infinity at 7"), std::string::npos)
      << bad.status().message();
}

TEST(VerifiedBlob, NamesTheNonFiniteHalf) {
  std::vector<uint8_t> blob = MustEncode("fp16", RandomVector(50, 3));
  const std::size_t at = HeaderSize("fp16") + 2 * 9;
  blob[at] = 0x00;
  blob[at + 1] = 0xfc;  // -inf
  SealChecksum(blob);
  Result<VerifiedBlob> bad = VerifiedBlob::Make(blob, 50);
  EXPECT_EQ(bad.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(bad.status().message().find("NaN or infinity at 9"), std::string::npos)
      << bad.status().message();
}

TEST(VerifiedBlob, RefusesBadFoldArgumentsLeavingTheSumAlone) {
  std::vector<uint8_t> blob = MustEncode("int8", RandomVector(64, 3));
  VerifiedBlob v = VerifiedBlob::Make(blob, 64).value();
  std::vector<int64_t> acc(64, 2), small(63, 2);
  EXPECT_FALSE(v.AccumulateFixedPoint(1.0, small, 24).ok());
  EXPECT_FALSE(v.AccumulateFixedPoint(std::nan(""), acc, 24).ok());
  EXPECT_FALSE(v.AccumulateFixedPoint(1.0, acc, 63).ok());
  EXPECT_EQ(acc, std::vector<int64_t>(64, 2));
}

}  // namespace
}  // namespace fedq::codec
