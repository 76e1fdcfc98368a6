// libFuzzer target: the message body parser alone. Byte 0 picks the message
// type, byte 1 how much of the rest is binary part; the rest is JSON text.
// A message that decodes must survive encode -> decode unchanged.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocol/message_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fedq::protocol;
  if (size < 2) return 0;
  const auto type = static_cast<MessageType>(1 + data[0] % 8);
  const size_t binary_size = std::min<size_t>(data[1], size - 2);
  const std::string_view json(reinterpret_cast<const char*>(data + 2), size - 2 - binary_size);
  Blob binary(data + size - binary_size, data + size);
  auto message = DecodeMessage(type, json, binary);
  if (!message.ok()) return 0;
  const std::string text = EncodeMetadata(*message);
  const Blob* part = BinaryPartOf(*message);
  auto again = DecodeMessage(type, text, part ? *part : Blob{});
  if (!again.ok() || !(*again == *message)) std::abort();
  return 0;
}
