// The frame header and FrameDecoder: layout, limits checked before the body,
// and every kind of malformed frame refused with the right error.
#include <gtest/gtest.h>

#include "canonical_messages.hpp"
#include "protocol/frame_decoder.hpp"
#include "protocol/frame_header.hpp"
#include "protocol/message_codec.hpp"

namespace fedq::protocol {
namespace {

std::vector<uint8_t> HeaderBytes(FrameHeader h) {
  const auto a = EncodeHeader(h);
  return {a.begin(), a.end()};
}

TEST(FrameHeaderTest, IsLittleEndianFieldByField) {
  const auto bytes = HeaderBytes(FrameHeader{kMagic, 1, 4, 0x01020304, 0x0A0B0C0D});
  const std::vector<uint8_t> expected = {'F', 'E', 'D', 'Q', 1,    0,    4,    0,
                                         4,   3,   2,   1,   0x0D, 0x0C, 0x0B, 0x0A};
  EXPECT_EQ(bytes, expected);
  const FrameHeader back = ReadHeaderFields(bytes.data());
  EXPECT_EQ(back.json_length, 0x01020304u);
  EXPECT_EQ(back.binary_length, 0x0A0B0C0Du);
}

TEST(FrameDecoderTest, RoundTripsEveryMessageType) {
  const FrameDecoder decoder;
  for (const auto& [name, message] : testing::CanonicalMessages()) {
    const auto frame = EncodeFrame(message);
    auto decoded = decoder.DecodeFrame(frame);
    ASSERT_TRUE(decoded.ok()) << name << ": " << decoded.status().ToString();
    EXPECT_TRUE(*decoded == message) << name;
  }
}

// The two-part frame Channel writes is the contiguous frame, byte for byte,
// for every type and both versions; the binary part is moved, not copied.
TEST(OutgoingFrameTest, IsTheContiguousFrameInTwoParts) {
  for (uint16_t version : {uint16_t{1}, uint16_t{2}}) {
    for (const auto& [name, message] : testing::CanonicalMessages()) {
      const std::vector<uint8_t> expected = EncodeFrame(message, version);
      Message moved = message;
      const Blob* binary = BinaryPartOf(moved);
      const uint8_t* blob_data = binary && !binary->empty() ? binary->data() : nullptr;
      const OutgoingFrame frame = EncodeOutgoingFrame(std::move(moved), version);
      std::vector<uint8_t> joined = frame.head;
      joined.insert(joined.end(), frame.binary.begin(), frame.binary.end());
      EXPECT_EQ(joined, expected) << name << " v" << version;
      EXPECT_EQ(frame.size(), expected.size()) << name;
      if (blob_data != nullptr) EXPECT_EQ(frame.binary.data(), blob_data) << name;
    }
  }
}

TEST(FrameDecoderTest, RejectsBadMagic) {
  auto h = HeaderBytes(FrameHeader{0x12345678, 1, 1, 0, 0});
  auto r = FrameDecoder().ParseHeader(h);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCorrupt);
  EXPECT_EQ(WireErrorFor(r.status()), WireError::kBadFrame);
}

TEST(FrameDecoderTest, RejectsUnsupportedVersion) {
  auto r = FrameDecoder().ParseHeader(HeaderBytes(FrameHeader{kMagic, 2, 1, 0, 0}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(WireErrorFor(r.status()), WireError::kUnsupportedVersion);
}

TEST(FrameDecoderTest, RejectsUnknownAndReservedTypes) {
  for (uint16_t type : {0, 9, 32, 63, 64, 65535}) {
    auto r = FrameDecoder().ParseHeader(HeaderBytes(FrameHeader{kMagic, 1, type, 0, 0}));
    ASSERT_FALSE(r.ok()) << type;
    EXPECT_EQ(r.status().code(), ErrorCode::kCorrupt) << type;
  }
}

TEST(FrameDecoderTest, RejectsOversizeLengthsFromTheHeaderAlone) {
  const FrameDecoder decoder(FrameLimits{100, 1000});
  EXPECT_TRUE(decoder.ParseHeader(HeaderBytes(FrameHeader{kMagic, 1, 4, 100, 1000})).ok());
  auto json = decoder.ParseHeader(HeaderBytes(FrameHeader{kMagic, 1, 4, 101, 0}));
  auto binary = decoder.ParseHeader(HeaderBytes(FrameHeader{kMagic, 1, 4, 2, 0xFFFFFFFF}));
  ASSERT_FALSE(json.ok());
  ASSERT_FALSE(binary.ok());
  EXPECT_EQ(WireErrorFor(json.status()), WireError::kTooLarge);
  EXPECT_EQ(WireErrorFor(binary.status()), WireError::kTooLarge);
}

TEST(FrameDecoderTest, RejectsTruncatedAndOverlongFrames) {
  auto frame = EncodeFrame(Message{Ack{"r", 1}});
  for (size_t cut : {size_t{0}, size_t{5}, size_t{15}, frame.size() - 1}) {
    std::vector<uint8_t> part(frame.begin(), frame.begin() + cut);
    EXPECT_FALSE(FrameDecoder().DecodeFrame(part).ok()) << cut;
  }
  frame.push_back('x');
  EXPECT_FALSE(FrameDecoder().DecodeFrame(frame).ok());
}

TEST(FrameDecoderTest, RejectsBinaryPartOnAMessageWithoutOne) {
  const std::string json = R"({"sequence":1})";
  auto h = HeaderBytes(FrameHeader{kMagic, 1, 7, static_cast<uint32_t>(json.size()), 2});
  h.insert(h.end(), json.begin(), json.end());
  h.push_back(1);
  h.push_back(2);
  auto r = FrameDecoder().DecodeFrame(h);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(WireErrorFor(r.status()), WireError::kBadMessage);
}

TEST(FrameDecoderTest, HelloAlwaysGoesOutAsVersionOne) {
  const auto frame = EncodeFrame(Message{Hello{"x", {1, 2}, {}, 0}}, /*version=*/2);
  EXPECT_EQ(ReadHeaderFields(frame.data()).version, 1);
}

}  // namespace
}  // namespace fedq::protocol
