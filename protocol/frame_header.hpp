// The fixed 16-byte frame header and the frame encoder (docs/protocol.md,
// "Framing"). Written field by field in little-endian; pure functions,
// thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "protocol/constants.hpp"
#include "protocol/messages.hpp"

namespace fedq::protocol {

struct FrameHeader {
  uint32_t magic = kMagic;
  uint16_t version = kProtocolVersion;
  uint16_t type = 0;
  uint32_t json_length = 0;
  uint32_t binary_length = 0;

  uint64_t body_length() const { return uint64_t{json_length} + binary_length; }
};

std::array<uint8_t, kHeaderSize> EncodeHeader(const FrameHeader& header);
// No validation: FrameDecoder::ParseHeader checks the fields against limits.
FrameHeader ReadHeaderFields(const uint8_t* bytes16);

// header + JSON metadata + binary part. A Hello always goes out with header
// version 1 (its layout is frozen so any server can read it); every other
// message carries `version`, the one negotiated for the connection.
std::vector<uint8_t> EncodeFrame(const Message& message, uint16_t version = kProtocolVersion);

// A frame as it is written: the header and JSON metadata in `head`, then the
// binary part in its own buffer, so a model or update of hundreds of KB goes
// to the TLS layer from where it lies instead of being copied into a frame.
struct OutgoingFrame {
  std::vector<uint8_t> head;
  Blob binary;

  size_t size() const { return head.size() + binary.size(); }
};

// As EncodeFrame; the binary part is moved out of `message`.
OutgoingFrame EncodeOutgoingFrame(Message message, uint16_t version = kProtocolVersion);
// Bytes already framed (tests that send crafted frames).
OutgoingFrame RawOutgoingFrame(std::vector<uint8_t> bytes);

}  // namespace fedq::protocol
