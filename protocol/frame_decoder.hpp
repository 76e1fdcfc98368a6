// FrameDecoder: the pure (no I/O) parser of fedq frames. The channel reads the
// 16-byte header, asks ParseHeader whether the lengths are acceptable, and
// only then allocates and reads the body for DecodeBody. Immutable after
// construction: safe to share between threads.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "protocol/constants.hpp"
#include "protocol/frame_header.hpp"
#include "protocol/messages.hpp"

namespace fedq::protocol {

class FrameDecoder {
 public:
  explicit FrameDecoder(FrameLimits limits = {});

  // Checks magic, version, type and both lengths against the limits.
  // Errors: kCorrupt (bad magic, unknown type), kFailedPrecondition
  // (unsupported version), kOutOfRange (a length beyond its limit).
  // REQUIRES: header.size() == kHeaderSize.
  Result<FrameHeader> ParseHeader(std::span<const uint8_t> header) const;

  // Decodes the body of a frame whose header ParseHeader accepted.
  // Errors: kInvalidArgument (JSON unparsable, field missing or mistyped).
  Result<Message> DecodeBody(const FrameHeader& header, std::string_view json, Blob binary) const;

  // Header and body in one buffer that holds exactly one frame (tests, fuzzing).
  Result<Message> DecodeFrame(std::span<const uint8_t> frame) const;

  const FrameLimits& limits() const { return limits_; }

 private:
  FrameLimits limits_;
};

// The Error code a receiver sends back for a decoding failure.
WireError WireErrorFor(const Status& status);

}  // namespace fedq::protocol
