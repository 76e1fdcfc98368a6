#include "protocol/frame_header.hpp"

#include <string>

#include "protocol/message_codec.hpp"

namespace fedq::protocol {
namespace {

void PutU16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}

void PutU32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint16_t GetU16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

uint32_t GetU32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

std::array<uint8_t, kHeaderSize> EncodeHeader(const FrameHeader& header) {
  std::array<uint8_t, kHeaderSize> out{};
  PutU32(out.data() + 0, header.magic);
  PutU16(out.data() + 4, header.version);
  PutU16(out.data() + 6, header.type);
  PutU32(out.data() + 8, header.json_length);
  PutU32(out.data() + 12, header.binary_length);
  return out;
}

FrameHeader ReadHeaderFields(const uint8_t* bytes16) {
  FrameHeader h;
  h.magic = GetU32(bytes16 + 0);
  h.version = GetU16(bytes16 + 4);
  h.type = GetU16(bytes16 + 6);
  h.json_length = GetU32(bytes16 + 8);
  h.binary_length = GetU32(bytes16 + 12);
  return h;
}

namespace {

std::vector<uint8_t> EncodeHead(const Message& message, uint16_t version, size_t binary_size,
                                size_t reserve) {
  const std::string json = EncodeMetadata(message);
  FrameHeader header;
  header.version = std::holds_alternative<Hello>(message) ? 1 : version;
  header.type = static_cast<uint16_t>(TypeOf(message));
  header.json_length = static_cast<uint32_t>(json.size());
  header.binary_length = static_cast<uint32_t>(binary_size);

  std::vector<uint8_t> frame;
  frame.reserve(kHeaderSize + json.size() + reserve);
  const auto head = EncodeHeader(header);
  frame.insert(frame.end(), head.begin(), head.end());
  frame.insert(frame.end(), json.begin(), json.end());
  return frame;
}

}  // namespace

std::vector<uint8_t> EncodeFrame(const Message& message, uint16_t version) {
  const Blob* binary = BinaryPartOf(message);
  const size_t binary_size = binary ? binary->size() : 0;
  std::vector<uint8_t> frame = EncodeHead(message, version, binary_size, binary_size);
  if (binary) frame.insert(frame.end(), binary->begin(), binary->end());
  return frame;
}

OutgoingFrame EncodeOutgoingFrame(Message message, uint16_t version) {
  OutgoingFrame frame;
  if (Blob* binary = MutableBinaryPartOf(message)) frame.binary = std::move(*binary);
  frame.head = EncodeHead(message, version, frame.binary.size(), 0);
  return frame;
}

OutgoingFrame RawOutgoingFrame(std::vector<uint8_t> bytes) { return {std::move(bytes), {}}; }

}  // namespace fedq::protocol
