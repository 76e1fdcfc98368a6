// ClientLink: what the round engine may do to a connected client, without
// knowing sessions, sockets or TLS. A Session implements it; the engine holds
// shared_ptrs and calls it from its strand. Implementations are thread-safe:
// each call only queues work on the session's own executor.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "protocol/frame_header.hpp"
#include "protocol/messages.hpp"

namespace fedq::coordinator {

class ClientLink {
 public:
  virtual ~ClientLink() = default;

  // "name#fingerprint": the engine's identity of the client. Sorting by it
  // is stable across runs of a simulation (names are), and it is unique
  // (fingerprints are).
  virtual const std::string& key() const = 0;
  virtual const std::string& name() const = 0;
  virtual const std::string& fingerprint() const = 0;
  virtual int64_t client_id() const = 0;  // the registry's id

  // Queue a message for sending; dropped if the session is closing. A
  // frame is a message encoded once for many clients (the round's Task).
  using Frame = std::shared_ptr<const protocol::OutgoingFrame>;
  virtual void SendFrame(Frame frame) = 0;
  virtual void Send(protocol::Message message) = 0;
  // Says Bye with `reason`, then closes. Idempotent.
  virtual void Close(std::string reason) = 0;
};

inline std::string ClientKey(const std::string& name, const std::string& fingerprint) {
  return name + "#" + fingerprint;
}

}  // namespace fedq::coordinator
