#include "coordinator/round_aggregator.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "common/codec/blob_format.hpp"
#include "common/codec/codec.hpp"

namespace fedq::coordinator {
namespace {

TEST(FoldFixedPoint, MatchesTheCodecsFixedPointAccumulate) {
  std::vector<float> values = {0.5f, -0.5f, 1e-3f, -2.75f, 3.0e-8f, 0.0f, 123.456f};
  auto blob = codec::Encode(codec::ParseSpec("fp32").value(), values, nullptr, 0).value();
  std::vector<int64_t> ours(values.size(), 7), theirs(values.size(), 7);
  ASSERT_TRUE(FoldFixedPoint(values, 3.0, ours, 24).ok());
  ASSERT_TRUE(codec::AccumulateFixedPoint(blob, 3.0, theirs, 24).ok());
  EXPECT_EQ(ours, theirs);
}

TEST(FoldFixedPoint, AddsNothingWhenATermOverflows) {
  std::vector<float> values = {1.0f, 3e38f};
  std::vector<int64_t> acc = {5, 5};
  EXPECT_FALSE(FoldFixedPoint(values, 1.0, acc, 24).ok());
  EXPECT_EQ(acc, (std::vector<int64_t>{5, 5}));
}

TEST(RoundAggregatorCheck, RefusesWrongSizeGarbageAndNonFinite) {
  std::vector<float> dense;
  auto fp32 = codec::ParseSpec("fp32").value();
  auto good = codec::Encode(fp32, std::vector<float>(10, 0.1f), nullptr, 0).value();
  EXPECT_EQ(RoundAggregator::Check(good, 10, dense).reason, RejectReason::kNone);
  EXPECT_EQ(dense.size(), 10u);
  EXPECT_EQ(RoundAggregator::Check(good, 11, dense).reason, RejectReason::kWrongSize);
  EXPECT_EQ(RoundAggregator::Check(protocol::Blob(50, 1), 10, dense).reason,
            RejectReason::kBadBlob);
  protocol::Blob truncated(good.begin(), good.end() - 3);
  EXPECT_EQ(RoundAggregator::Check(truncated, 10, dense).reason, RejectReason::kBadBlob);
}

TEST(FoldFixedPoint, RoundsTiesAwayFromZeroLikeLlroundAtTheEdges) {
  // weight * value lands on 0.5 - 2^-54 and on odd integers in [2^52, 2^53),
  // where adding 0.5 before truncating would round the wrong way.
  const std::vector<float> one = {1.0f, -1.0f};
  for (double weight : {0.49999999999999994, 0x1p52 + 1, 0x1p52 + 3, 2.5, 0x1p51 + 0.5}) {
    std::vector<int64_t> acc(2, 0);
    ASSERT_TRUE(FoldFixedPoint(one, weight, acc, 0).ok());
    EXPECT_EQ(acc, (std::vector<int64_t>{std::llround(weight), std::llround(-weight)})) << weight;
  }
}

// Deltas of a trained model's size class, with exact ties at 2^-24 units.
std::vector<float> DeltasWithTies(std::size_t n, uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<float> dist(0.0f, 0.02f);
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = i % 4 == 0 ? static_cast<float>(std::ldexp(static_cast<int>(gen() % 999) - 499.5, -24))
                      : dist(gen);
  }
  return v;
}

TEST(RoundAggregatorVerify, FoldFromBlobEqualsFoldOfDecodedValuesBitForBit) {
  const std::size_t n = 20011;
  for (const char* spec :
       {"fp32", "int8", "fp16", "int8:block=256", "topk:0.1+int8", "fp32+zstd"}) {
    auto blob = codec::Encode(codec::ParseSpec(spec).value(), DeltasWithTies(n, 3), nullptr, 1);
    ASSERT_TRUE(blob.ok()) << spec;
    std::vector<float> dense;
    ASSERT_EQ(RoundAggregator::Check(*blob, n, dense).reason, RejectReason::kNone) << spec;
    std::optional<codec::VerifiedBlob> verified;
    ASSERT_EQ(RoundAggregator::Verify(*blob, n, verified).reason, RejectReason::kNone) << spec;
    for (double samples : {1.0, 3.0, 600.0, 60001.0}) {
      std::vector<int64_t> old_path(n, 11), new_path(n, 11);
      ASSERT_TRUE(FoldFixedPoint(dense, samples, old_path, 24).ok());
      ASSERT_TRUE(verified->AccumulateFixedPoint(samples, new_path, 24).ok());
      ASSERT_EQ(old_path, new_path) << spec << " samples " << samples;
    }
  }
}

TEST(RoundAggregatorVerify, GivesTheReasonsCheckGives) {
  std::optional<codec::VerifiedBlob> verified;
  auto fp32 = codec::ParseSpec("fp32").value();
  auto good = codec::Encode(fp32, std::vector<float>(10, 0.1f), nullptr, 0).value();
  EXPECT_EQ(RoundAggregator::Verify(good, 11, verified).reason, RejectReason::kWrongSize);
  EXPECT_FALSE(verified.has_value());
  EXPECT_EQ(RoundAggregator::Verify(protocol::Blob(50, 1), 10, verified).reason,
            RejectReason::kBadBlob);
  protocol::Blob truncated(good.begin(), good.end() - 3);
  EXPECT_EQ(RoundAggregator::Verify(truncated, 10, verified).reason, RejectReason::kBadBlob);
  protocol::Blob flipped = good;
  flipped[codec::HeaderSize("fp32") + 5] ^= 0x10;  // damage under the checksum
  EXPECT_EQ(RoundAggregator::Verify(flipped, 10, verified).reason, RejectReason::kBadBlob);
  EXPECT_EQ(RoundAggregator::Verify(good, 10, verified).reason, RejectReason::kNone);
  EXPECT_TRUE(verified.has_value());
}

TEST(RoundAggregatorVerify, NamesTheNonFiniteElementOnBothPaths) {
  auto fp32 = codec::ParseSpec("fp32").value();
  auto blob = codec::Encode(fp32, std::vector<float>(10, 0.1f), nullptr, 0).value();
  const std::size_t at = codec::HeaderSize("fp32") + 4 * 6;
  blob[at] = 0, blob[at + 1] = 0, blob[at + 2] = 0x80, blob[at + 3] = 0xff;  // -inf
  codec::SealChecksum(blob);
  std::optional<codec::VerifiedBlob> verified;
  CheckResult folded = RoundAggregator::Verify(blob, 10, verified);
  EXPECT_EQ(folded.reason, RejectReason::kNotFinite);
  EXPECT_NE(folded.detail.find("at 6"), std::string::npos) << folded.detail;
  std::vector<float> dense;
  CheckResult decoded = RoundAggregator::Check(blob, 10, dense);
  EXPECT_EQ(decoded.reason, RejectReason::kNotFinite);
  EXPECT_NE(decoded.detail.find("at 6"), std::string::npos) << decoded.detail;
}

}  // namespace
}  // namespace fedq::coordinator
