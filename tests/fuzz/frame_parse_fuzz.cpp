// libFuzzer target: arbitrary bytes as one frame through FrameDecoder, with
// small limits so the length checks are exercised. A frame that decodes must
// re-encode to a frame that decodes to the same message.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "protocol/frame_decoder.hpp"
#include "protocol/frame_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fedq::protocol;
  static const FrameDecoder decoder(FrameLimits{4096, 1 << 16});
  const std::span<const uint8_t> bytes(data, size);
  auto message = decoder.DecodeFrame(bytes);
  if (size >= kHeaderSize) (void)decoder.ParseHeader(bytes.first(kHeaderSize));
  if (!message.ok()) return 0;
  const std::vector<uint8_t> again = EncodeFrame(*message);
  auto round_trip = FrameDecoder(FrameLimits{1 << 20, 1 << 20}).DecodeFrame(again);
  if (!round_trip.ok() || !(*round_trip == *message)) std::abort();
  return 0;
}
