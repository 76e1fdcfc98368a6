// Message <-> (JSON metadata, binary part): the body of a frame. Pure
// functions, thread-safe. Field names and types: docs/protocol.md.
#pragma once

#include <string>
#include <string_view>

#include "common/status.hpp"
#include "protocol/messages.hpp"

namespace fedq::protocol {

// Compact JSON with keys in sorted order, so the encoding is deterministic.
std::string EncodeMetadata(const Message& message);

// The binary part of the message (Task's model, Update's blob), or nullptr.
const Blob* BinaryPartOf(const Message& message);
Blob* MutableBinaryPartOf(Message& message);

// Errors: kInvalidArgument for unparsable JSON, a missing or mistyped field,
// or a binary part on a message that has none; kCorrupt for an unknown type.
Result<Message> DecodeMessage(MessageType type, std::string_view json, Blob binary);

}  // namespace fedq::protocol
