#include "protocol/frame_decoder.hpp"

#include <algorithm>
#include <string>

#include "protocol/message_codec.hpp"

namespace fedq::protocol {

FrameDecoder::FrameDecoder(FrameLimits limits) : limits_(limits) {}

Result<FrameHeader> FrameDecoder::ParseHeader(std::span<const uint8_t> bytes) const {
  if (bytes.size() != kHeaderSize) {
    return Corrupt("frame header is " + std::to_string(bytes.size()) + " bytes, expected 16");
  }
  const FrameHeader h = ReadHeaderFields(bytes.data());
  if (h.magic != kMagic) return Corrupt("bad magic in frame header");
  const bool supported = std::find(kSupportedVersions.begin(), kSupportedVersions.end(),
                                   h.version) != kSupportedVersions.end();
  if (!supported) {
    return FailedPrecondition("unsupported protocol version " + std::to_string(h.version));
  }
  if (!IsKnownMessageType(h.type)) {
    return Corrupt("unknown message type " + std::to_string(h.type));
  }
  if (h.json_length > limits_.max_json_bytes) {
    return OutOfRange("JSON part of " + std::to_string(h.json_length) + " bytes exceeds limit " +
                      std::to_string(limits_.max_json_bytes));
  }
  if (h.binary_length > limits_.max_binary_bytes) {
    return OutOfRange("binary part of " + std::to_string(h.binary_length) +
                      " bytes exceeds limit " + std::to_string(limits_.max_binary_bytes));
  }
  return h;
}

Result<Message> FrameDecoder::DecodeBody(const FrameHeader& header, std::string_view json,
                                         Blob binary) const {
  if (json.size() != header.json_length || binary.size() != header.binary_length) {
    return Internal("frame body does not match its header");
  }
  return DecodeMessage(static_cast<MessageType>(header.type), json, std::move(binary));
}

Result<Message> FrameDecoder::DecodeFrame(std::span<const uint8_t> frame) const {
  if (frame.size() < kHeaderSize) return Corrupt("truncated frame header");
  FEDQ_ASSIGN_OR_RETURN(const FrameHeader header, ParseHeader(frame.first(kHeaderSize)));
  const std::span<const uint8_t> body = frame.subspan(kHeaderSize);
  if (body.size() != header.body_length()) {
    return Corrupt("frame body is " + std::to_string(body.size()) + " bytes, header says " +
                   std::to_string(header.body_length()));
  }
  const std::string_view json(reinterpret_cast<const char*>(body.data()), header.json_length);
  Blob binary(body.begin() + header.json_length, body.end());
  return DecodeBody(header, json, std::move(binary));
}

WireError WireErrorFor(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kOutOfRange:
      return WireError::kTooLarge;
    case ErrorCode::kFailedPrecondition:
      return WireError::kUnsupportedVersion;
    case ErrorCode::kInvalidArgument:
      return WireError::kBadMessage;
    case ErrorCode::kTimeout:
      return WireError::kTimeout;
    case ErrorCode::kCorrupt:
      return WireError::kBadFrame;
    default:
      return WireError::kInternal;
  }
}

}  // namespace fedq::protocol
