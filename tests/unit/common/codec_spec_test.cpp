#include <gtest/gtest.h>

#include "codec_test_util.hpp"
#include "common/codec/codec_traits.hpp"
#include "common/codec/pipeline_spec.hpp"

namespace fedq::codec {
namespace {

TEST(CodecSpec, ParsesDocumentedExamples) {
  for (std::string_view s : testing::AllSpecs()) {
    Result<PipelineSpec> spec = ParseSpec(s);
    ASSERT_TRUE(spec.ok()) << s << ": " << spec.status().ToString();
  }
}

TEST(CodecSpec, ToStringIsCanonicalAndRoundTrips) {
  for (std::string_view s : testing::AllSpecs()) {
    PipelineSpec spec = testing::Spec(s);
    Result<PipelineSpec> again = ParseSpec(spec.ToString());
    ASSERT_TRUE(again.ok()) << spec.ToString();
    EXPECT_EQ(*again, spec) << s;
    EXPECT_EQ(again->ToString(), spec.ToString());
  }
  EXPECT_EQ(testing::Spec("int8").ToString(), "int8:block=256");
  EXPECT_EQ(testing::Spec("topk:0.01+int8+zstd").ToString(),
            "topk:0.01+int8:block=256+zstd:level=3");
  EXPECT_EQ(testing::Spec("qsgd").ToString(), "qsgd:block=256:levels=16");
}

TEST(CodecSpec, ParsesParameters) {
  PipelineSpec s = testing::Spec("randk:0.05+int4:block=32:stochastic+zstd:level=7");
  EXPECT_EQ(s.sparsifier, SparsifierKind::kRandK);
  EXPECT_DOUBLE_EQ(s.fraction, 0.05);
  EXPECT_EQ(s.quantizer, QuantizerKind::kInt4);
  EXPECT_EQ(s.block, 32u);
  EXPECT_TRUE(s.stochastic);
  EXPECT_TRUE(s.zstd);
  EXPECT_EQ(s.zstd_level, 7);
}

void ExpectBad(std::string_view spec, std::string_view names) {
  Result<PipelineSpec> r = ParseSpec(spec);
  ASSERT_FALSE(r.ok()) << spec;
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find(names), std::string::npos)
      << spec << " -> " << r.status().message();
}

TEST(CodecSpec, RejectsBadSpecNamingThePart) {
  ExpectBad("", "empty");
  ExpectBad("int9", "int9");
  ExpectBad("int8:block=0", "block=0");
  ExpectBad("int8:block=abc", "abc");
  ExpectBad("int8:blocks=4", "blocks=4");
  ExpectBad("fp32:stochastic", "stochastic");
  ExpectBad("topk:1.5+int8", "1.5");
  ExpectBad("topk:0+int8", "topk:0");
  ExpectBad("topk+int8", "topk");
  ExpectBad("int8+topk:0.1", "topk:0.1");
  ExpectBad("int8+int4", "int4");
  ExpectBad("zstd+int8", "int8");
  ExpectBad("int8++zstd", "empty stage");
  ExpectBad("qsgd:levels=500", "500");
  ExpectBad("sign:stochastic", "stochastic");
  ExpectBad("zstd:level=99", "99");
}

TEST(CodecSpec, ValueCountRoundsFractionAndClamps) {
  EXPECT_EQ(ValueCount(testing::Spec("topk:0.01+int8"), 199210), 1992u);
  EXPECT_EQ(ValueCount(testing::Spec("topk:0.01+int8"), 10), 1u);
  EXPECT_EQ(ValueCount(testing::Spec("topk:1"), 10), 10u);
  EXPECT_EQ(ValueCount(testing::Spec("topk:0.5"), 0), 0u);
  EXPECT_EQ(ValueCount(testing::Spec("int8"), 12345), 12345u);
}

TEST(CodecTraits, TableCoversEveryStageOnce) {
  for (const StageTraits& t : AllStages()) {
    EXPECT_EQ(FindStage(t.name), &t);
    EXPECT_FALSE(t.summary.empty());
  }
  EXPECT_EQ(CodeBits(testing::Spec("qsgd:levels=16")), 6u);
  EXPECT_EQ(CodeBits(testing::Spec("qsgd:levels=1")), 2u);
  EXPECT_EQ(CodeBits(testing::Spec("int4")), 4u);
  EXPECT_EQ(CodeBits(testing::Spec("sign")), 1u);
}

}  // namespace
}  // namespace fedq::codec
