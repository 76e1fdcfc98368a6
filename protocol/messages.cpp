#include "protocol/messages.hpp"

namespace fedq::protocol {

std::string_view MessageTypeName(MessageType type) {
  switch (type) {
    case MessageType::kHello:
      return "Hello";
    case MessageType::kWelcome:
      return "Welcome";
    case MessageType::kTask:
      return "Task";
    case MessageType::kUpdate:
      return "Update";
    case MessageType::kAck:
      return "Ack";
    case MessageType::kError:
      return "Error";
    case MessageType::kHeartbeat:
      return "Heartbeat";
    case MessageType::kBye:
      return "Bye";
  }
  return "Unknown";
}

bool IsKnownMessageType(uint16_t type) {
  return type >= static_cast<uint16_t>(MessageType::kHello) &&
         type <= static_cast<uint16_t>(MessageType::kBye);
}

MessageType TypeOf(const Message& message) {
  // The variant's alternatives are in wire order, starting at kHello = 1.
  return static_cast<MessageType>(message.index() + 1);
}

}  // namespace fedq::protocol
