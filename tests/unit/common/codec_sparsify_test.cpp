// Top-k, random-k, the index section and error feedback.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "codec_test_util.hpp"
#include "common/codec/sparsify.hpp"

namespace fedq::codec {
namespace {

using testing::MustDecode;
using testing::MustEncode;
using testing::RandomVector;

TEST(CodecSparsify, TopKKeepsExactlyTheKLargestMagnitudes) {
  for (std::size_t n : {1u, 2u, 100u, 9999u, 70000u}) {
    std::vector<float> x = RandomVector(n, n);
    for (std::size_t k : {std::size_t{1}, n / 3, n}) {
      if (k == 0) continue;
      EXPECT_EQ(TopKIndices(x, k), TopKIndicesReference(x, k)) << n << " " << k;
    }
  }
}

TEST(CodecSparsify, TopKSampledPathIsExactOnAdversarialInputs) {
  const std::size_t n = 200000;
  std::vector<std::vector<float>> inputs;
  inputs.push_back(RandomVector(n, 1));
  std::vector<float> ramp(n);  // the sample sees only a stride of it
  for (std::size_t i = 0; i < n; ++i)
    ramp[i] = static_cast<float>(i % 1000) * ((i & 1) ? -1.f : 1.f);
  inputs.push_back(ramp);
  inputs.push_back(std::vector<float>(n, 0.5f));  // all ties
  std::vector<float> spikes(n, 0.0f);             // big values off the sample grid
  for (std::size_t i = 7; i < n; i += 97) spikes[i] = static_cast<float>(i);
  inputs.push_back(spikes);
  for (const std::vector<float>& x : inputs) {
    for (std::size_t k : {100u, 2000u}) {
      ASSERT_EQ(TopKIndices(x, k), TopKIndicesReference(x, k)) << k;
    }
  }
}

TEST(CodecSparsify, TopKBreaksTiesTowardLowIndices) {
  std::vector<float> x = {1, -3, 3, 2, 3, -3, 0};
  EXPECT_EQ(TopKIndices(x, 2), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(TopKIndices(x, 5), (std::vector<uint32_t>{1, 2, 3, 4, 5}));
  std::vector<float> zeros(10, 0.0f);
  EXPECT_EQ(TopKIndices(zeros, 3), (std::vector<uint32_t>{0, 1, 2}));
}

TEST(CodecSparsify, TopKBlobDecodesToTheKLargestOnly) {
  std::vector<float> x = RandomVector(5000, 4);
  std::vector<float> y = MustDecode(MustEncode("topk:0.01", x));
  std::vector<uint32_t> expect = TopKIndicesReference(x, 50);
  std::size_t nonzero = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    bool kept = std::binary_search(expect.begin(), expect.end(), static_cast<uint32_t>(i));
    EXPECT_EQ(y[i], kept ? x[i] : 0.0f) << i;
    nonzero += y[i] != 0;
  }
  EXPECT_EQ(nonzero, 50u);
}

TEST(CodecSparsify, RandomKIsSeededDistinctAndSorted) {
  std::vector<uint32_t> a = RandomKIndices(1000, 100, 42);
  EXPECT_EQ(a, RandomKIndices(1000, 100, 42));
  EXPECT_NE(a, RandomKIndices(1000, 100, 43));
  ASSERT_EQ(a.size(), 100u);
  EXPECT_TRUE(std::adjacent_find(a.begin(), a.end(), std::greater_equal<>()) == a.end());
  EXPECT_LT(a.back(), 1000u);
  EXPECT_EQ(RandomKIndices(10, 10, 1).size(), 10u);
}

TEST(CodecSparsify, RandomKCoversIndicesUniformly) {
  std::vector<int> hits(100, 0);
  for (uint64_t seed = 0; seed < 2000; ++seed) {
    for (uint32_t i : RandomKIndices(100, 10, seed)) ++hits[i];
  }
  for (int h : hits) EXPECT_NEAR(h, 200, 60);  // binomial(2000, 0.1): sd 13.4
}

TEST(CodecSparsify, IndexSectionRoundTripsAndBoundHolds) {
  std::vector<uint32_t> idx = {0, 1, 127, 128, 300, 20000, 3000000};
  std::vector<uint8_t> body(IndexBytes(idx));
  WriteIndices(idx, body.data());
  Result<std::vector<uint32_t>> back = ReadIndices(body, idx.size(), 3000001);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, idx);
  EXPECT_FALSE(ReadIndices(body, idx.size(), 3000000).ok());  // last index out of range
  EXPECT_FALSE(ReadIndices(body, idx.size() + 1, 3000001).ok());
  EXPECT_FALSE(ReadIndices(std::span(body).first(body.size() - 1), idx.size(), 3000001).ok());
  // The bound is reached by the worst spacing and never exceeded.
  for (std::size_t n : {10u, 1000u, 199210u}) {
    for (std::size_t k : {std::size_t{1}, n / 100 + 1, n / 2, n}) {
      std::vector<uint32_t> spread(k);
      for (std::size_t j = 0; j < k; ++j) spread[j] = static_cast<uint32_t>(n - k + j);
      EXPECT_LE(IndexBytes(spread), MaxIndexBytes(n, k));
      std::vector<uint32_t> even(k);
      for (std::size_t j = 0; j < k; ++j) even[j] = static_cast<uint32_t>(j * (n / k));
      EXPECT_LE(IndexBytes(even), MaxIndexBytes(n, k)) << n << " " << k;
    }
  }
  EXPECT_EQ(MaxIndexBytes(1000, 5), 5u + 5u);  // 5 gaps of >= 128 fit in 995
}

// residual + input == sent + new_residual, element by element.
void ExpectFeedbackIdentity(std::string_view spec) {
  std::vector<float> x1 = RandomVector(3000, 1), x2 = RandomVector(3000, 2);
  ErrorFeedback ef;
  MustEncode(spec, x1, 1, &ef);
  ASSERT_EQ(ef.size(), x1.size());
  std::vector<float> before(ef.residual().begin(), ef.residual().end());
  std::vector<float> sent = MustDecode(MustEncode(spec, x2, 2, &ef));
  for (std::size_t i = 0; i < x2.size(); ++i) {
    float lhs = before[i] + x2[i];
    float rhs = sent[i] + ef.residual()[i];
    ASSERT_NEAR(lhs, rhs, 1e-6f * (std::fabs(lhs) + 1)) << spec << " " << i;
  }
}

TEST(CodecErrorFeedback, IdentityHoldsForEveryCodec) {
  for (std::string_view s : testing::AllSpecs()) ExpectFeedbackIdentity(s);
}

TEST(CodecErrorFeedback, TopKResidualCarriesWhatWasNotSent) {
  std::vector<float> x = {1, 5, -2, 0.5f};
  ErrorFeedback ef;
  MustEncode("topk:0.25", x, 0, &ef);
  EXPECT_EQ(std::vector<float>(ef.residual().begin(), ef.residual().end()),
            (std::vector<float>{1, 0, -2, 0.5f}));
  // Next round, the residual makes element 2 the largest.
  std::vector<float> y = MustDecode(MustEncode("topk:0.25", {0, 0, -1, 0}, 0, &ef));
  EXPECT_EQ(y, (std::vector<float>{0, 0, -3, 0}));
}

TEST(CodecErrorFeedback, SerializesAndRejectsDamage) {
  ErrorFeedback ef;
  MustEncode("topk:0.1+int8", RandomVector(500, 3), 0, &ef);
  std::vector<uint8_t> bytes = ef.Serialize();
  Result<ErrorFeedback> back = ErrorFeedback::Parse(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(std::equal(back->residual().begin(), back->residual().end(), ef.residual().begin()));
  for (std::size_t i = 0; i < bytes.size(); i += 7) {
    std::vector<uint8_t> bad = bytes;
    bad[i] ^= 0x10;
    EXPECT_FALSE(ErrorFeedback::Parse(bad).ok()) << i;
  }
  EXPECT_FALSE(ErrorFeedback::Parse(std::span(bytes).first(bytes.size() - 4)).ok());
}

TEST(CodecErrorFeedback, FailedEncodeLeavesResidualUntouched) {
  ErrorFeedback ef;
  EXPECT_FALSE(Encode(testing::Spec("fp16"), std::vector<float>{1.0f, 1e6f}, &ef, 0).ok());
  EXPECT_EQ(ef.size(), 0u);
}

TEST(CodecErrorFeedback, MismatchedSizeIsAnErrorAndLeavesResidual) {
  ErrorFeedback ef(10);
  ef.mutable_residual()[3] = 1.5f;
  Result<std::vector<uint8_t>> r = Encode(testing::Spec("int8"), RandomVector(11, 1), &ef, 0);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(ef.residual()[3], 1.5f);
}

}  // namespace
}  // namespace fedq::codec
