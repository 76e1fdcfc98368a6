// Message bodies: strict field checking with clear errors, forward-compatible
// extras, and version negotiation.
#include <gtest/gtest.h>

#include "protocol/message_codec.hpp"
#include "protocol/version_negotiation.hpp"

namespace fedq::protocol {
namespace {

Status DecodeStatus(MessageType type, std::string_view json) {
  return DecodeMessage(type, json, {}).status();
}

TEST(MessageCodecTest, NamesTheMissingField) {
  const Status s = DecodeStatus(MessageType::kAck, R"({"run_id":"r"})");
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("missing field \"round\""), std::string::npos) << s.message();
}

TEST(MessageCodecTest, NamesTheMistypedField) {
  const Status s = DecodeStatus(MessageType::kAck, R"({"run_id":5,"round":1})");
  EXPECT_NE(s.message().find("\"run_id\" is not a string"), std::string::npos) << s.message();
}

TEST(MessageCodecTest, RefusesNegativeAndFractionalCounts) {
  EXPECT_FALSE(DecodeStatus(MessageType::kAck, R"({"run_id":"r","round":-1})").ok());
  EXPECT_FALSE(DecodeStatus(MessageType::kAck, R"({"run_id":"r","round":1.5})").ok());
  EXPECT_FALSE(DecodeStatus(MessageType::kHeartbeat, R"({"sequence":18446744073709551616})").ok());
}

TEST(MessageCodecTest, RefusesNonObjectsUnparsableAndDeepJson) {
  EXPECT_FALSE(DecodeStatus(MessageType::kBye, R"(["reason"])").ok());
  EXPECT_FALSE(DecodeStatus(MessageType::kBye, R"({"reason":"x")").ok());
  EXPECT_FALSE(DecodeStatus(MessageType::kBye, "").ok());
  std::string deep =
      R"({"reason":"x","a":)" + std::string(5000, '[') + std::string(5000, ']') + "}";
  const Status s = DecodeStatus(MessageType::kBye, deep);
  EXPECT_NE(s.message().find("nested too deeply"), std::string::npos) << s.message();
}

TEST(MessageCodecTest, RefusesOutOfRangeNarrowFields) {
  const std::string welcome =
      R"({"run_id":"r","protocol_version":70000,"limits":{"max_json_bytes":1,"max_binary_bytes":1},"heartbeat_interval_ms":0})";
  EXPECT_FALSE(DecodeStatus(MessageType::kWelcome, welcome).ok());
  EXPECT_FALSE(
      DecodeStatus(
          MessageType::kHello,
          R"({"software_version":"1","protocol_versions":[1,65536],"codecs":[],"max_frame_bytes":1})")
          .ok());
}

TEST(MessageCodecTest, IgnoresUnknownFieldsAndKeepsExtraMetrics) {
  const std::string json =
      R"({"run_id":"r","round":2,"num_samples":10,"future_field":{"x":1},)"
      R"("metrics":{"train_loss":0.25,"train_seconds":3,"train_accuracy":0.5,"note":"text"}})";
  auto m = DecodeMessage(MessageType::kUpdate, json, Blob{9});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const auto& u = std::get<Update>(*m);
  EXPECT_EQ(u.metrics.train_seconds, 3.0);
  EXPECT_EQ(u.metrics.extra, (std::map<std::string, double>{{"train_accuracy", 0.5}}));
  EXPECT_EQ(u.blob, Blob{9});
}

TEST(MessageCodecTest, EncodesStringsThatAreNotUtf8WithoutThrowing) {
  Error e{WireError::kBadMessage, std::string("bad \xff\xfe bytes"), {}};
  const std::string json = EncodeMetadata(e);
  EXPECT_TRUE(DecodeMessage(MessageType::kError, json, {}).ok()) << json;
}

TEST(MessageCodecTest, ErrorCarriesSupportedVersionsOnlyWhenSet) {
  EXPECT_EQ(EncodeMetadata(Error{WireError::kRejected, "stale", {}}),
            R"({"code":7,"message":"stale"})");
}

TEST(VersionNegotiationTest, ChoosesTheHighestCommonVersion) {
  EXPECT_EQ(ChooseVersion({1}), 1);
  EXPECT_EQ(ChooseVersion({5, 1, 3}), 1);
  EXPECT_FALSE(ChooseVersion({}).has_value());
  EXPECT_FALSE(ChooseVersion({2, 3}).has_value());
}

TEST(VersionNegotiationTest, ErrorListsTheSupportedVersions) {
  const Error e = UnsupportedVersionError({2, 3});
  EXPECT_EQ(e.code, WireError::kUnsupportedVersion);
  EXPECT_EQ(e.supported_versions, std::vector<uint16_t>({1}));
  EXPECT_EQ(e.message,
            "no common protocol version: client offers [2, 3], coordinator supports [1]");
}

}  // namespace
}  // namespace fedq::protocol
