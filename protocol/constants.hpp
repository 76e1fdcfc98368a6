// Wire constants of the fedq protocol: the prose lives in docs/protocol.md,
// the numbers live here and nowhere else. Plain constants; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fedq::protocol {

// "FEDQ" as the four bytes 46 45 44 51 on the wire (read as a little-endian u32).
inline constexpr uint32_t kMagic = 0x51444546u;
inline constexpr size_t kHeaderSize = 16;

// Protocol versions this build speaks, oldest first; the highest is preferred.
inline constexpr uint16_t kProtocolVersion = 1;
inline constexpr std::array<uint16_t, 1> kSupportedVersions = {1};

// Message type numbers (header bytes 6..7). 32..63 are reserved for the
// secure-aggregation messages of a later version; 64.. are never assigned.
enum class MessageType : uint16_t {
  kHello = 1,
  kWelcome = 2,
  kTask = 3,
  kUpdate = 4,
  kAck = 5,
  kError = 6,
  kHeartbeat = 7,
  kBye = 8,
};
inline constexpr uint16_t kFirstSecAggType = 32;
inline constexpr uint16_t kLastSecAggType = 63;

std::string_view MessageTypeName(MessageType type);
bool IsKnownMessageType(uint16_t type);

// Error codes carried by the Error message (not fedq::ErrorCode: these are
// part of the wire contract and never renumbered).
enum class WireError : uint32_t {
  kBadFrame = 1,            // magic, version or lengths wrong
  kBadMessage = 2,          // JSON unparsable, missing field, wrong type
  kUnsupportedVersion = 3,  // no common protocol version
  kTooLarge = 4,            // a length beyond the receiver's limit
  kUnexpectedMessage = 5,   // valid message at the wrong time
  kTimeout = 6,             // the peer was too slow
  kRejected = 7,            // the request was refused (stale round, wrong run)
  kShuttingDown = 8,        // the coordinator is stopping
  kInternal = 9,            // a bug on the sender's side
};

// Limits checked against the header BEFORE a byte of the body is allocated.
// Defaults fit the 784-200-200-10 MLP (~0.8 MB fp32) with room to spare.
struct FrameLimits {
  uint32_t max_json_bytes = 64 * 1024;
  uint32_t max_binary_bytes = 16 * 1024 * 1024;
};

// Deepest JSON nesting accepted; the metadata is at most three levels deep.
inline constexpr int kMaxJsonDepth = 16;

}  // namespace fedq::protocol
