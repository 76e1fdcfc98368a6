// Protocol version negotiation (docs/protocol.md, "Versions"): the server
// picks the highest version both sides speak, or answers with an Error that
// lists what it supports. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "protocol/messages.hpp"

namespace fedq::protocol {

// The highest of `offered` this build supports, if any.
std::optional<uint16_t> ChooseVersion(const std::vector<uint16_t>& offered);

// The Error (kUnsupportedVersion) for a client that offered `offered`.
Error UnsupportedVersionError(const std::vector<uint16_t>& offered);

}  // namespace fedq::protocol
