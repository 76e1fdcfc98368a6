// The fedq protocol messages as plain value structs, and the Message variant.
// Encoding and decoding live in message_codec.hpp; the JSON field names are
// specified in docs/protocol.md. Plain values: copy them between threads freely.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "protocol/constants.hpp"

namespace fedq::protocol {

using Blob = std::vector<uint8_t>;

// Sent first by the client.
struct Hello {
  std::string software_version;             // e.g. "0.1.0"
  std::vector<uint16_t> protocol_versions;  // every version the client speaks
  std::vector<std::string> codecs;          // uplink codec specs it can produce
  uint64_t max_frame_bytes = 0;             // largest frame it accepts
  bool operator==(const Hello&) const = default;
};

// The coordinator's answer to an acceptable Hello.
struct Welcome {
  std::string run_id;
  uint16_t protocol_version = kProtocolVersion;  // chosen for this connection
  FrameLimits limits;                            // what the coordinator accepts
  uint64_t heartbeat_interval_ms = 0;            // 0: no heartbeats
  bool operator==(const Welcome& o) const {
    return run_id == o.run_id && protocol_version == o.protocol_version &&
           limits.max_json_bytes == o.limits.max_json_bytes &&
           limits.max_binary_bytes == o.limits.max_binary_bytes &&
           heartbeat_interval_ms == o.heartbeat_interval_ms;
  }
};

struct TrainingConfig {
  uint32_t epochs = 1;
  uint32_t batch_size = 32;
  double learning_rate = 0.01;
  double momentum = 0.0;
  double weight_decay = 0.0;
  double prox_mu = 0.0;  // FedProx; 0 is plain FedAvg
  uint64_t seed = 0;
  bool operator==(const TrainingConfig&) const = default;
};

// One round's work for one client.
struct Task {
  std::string run_id;
  uint64_t round = 0;
  std::string model_codec = "fp32";  // how `model` is encoded
  Blob model;                        // the global model (binary part)
  TrainingConfig config;
  std::string uplink_codec;  // codec spec the Update must use
  uint64_t deadline_ms = 0;  // time from receipt to send the Update
  bool operator==(const Task&) const = default;
};

struct TrainingMetrics {
  double train_loss = 0.0;
  double train_seconds = 0.0;
  std::map<std::string, double> extra;  // any further numeric metrics
  bool operator==(const TrainingMetrics&) const = default;
};

// A client's result for one Task.
struct Update {
  std::string run_id;
  uint64_t round = 0;
  uint64_t num_samples = 0;
  TrainingMetrics metrics;
  Blob blob;  // the update blob, docs/update-blob.md (binary part)
  bool operator==(const Update&) const = default;
};

// The coordinator took the Update of (run_id, round).
struct Ack {
  std::string run_id;
  uint64_t round = 0;
  bool operator==(const Ack&) const = default;
};

// Sent before a close; `supported_versions` is set for kUnsupportedVersion.
struct Error {
  WireError code = WireError::kInternal;
  std::string message;
  std::vector<uint16_t> supported_versions;
  bool operator==(const Error&) const = default;
};

struct Heartbeat {
  uint64_t sequence = 0;
  bool operator==(const Heartbeat&) const = default;
};

// Orderly goodbye from either side.
struct Bye {
  std::string reason;
  bool operator==(const Bye&) const = default;
};

// Secure-aggregation messages (types 32..63) join this variant in a later
// protocol version.
using Message = std::variant<Hello, Welcome, Task, Update, Ack, Error, Heartbeat, Bye>;

MessageType TypeOf(const Message& message);

}  // namespace fedq::protocol
