// One fixed example of every message type: the source of the hex test
// vectors in docs/protocol.md (vectors_test.cpp checks the two agree).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "protocol/messages.hpp"

namespace fedq::protocol::testing {

inline std::vector<std::pair<std::string, Message>> CanonicalMessages() {
  Task task;
  task.run_id = "r1";
  task.round = 7;
  task.model_codec = "fp32";
  task.model = {0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0};  // fp32 [1.0, -2.0]
  task.config = TrainingConfig{1, 32, 0.05, 0.9, 0.0001, 0.0, 42};
  task.uplink_codec = "topk:0.01|int8|zstd";
  task.deadline_ms = 60000;

  Update update;
  update.run_id = "r1";
  update.round = 7;
  update.num_samples = 600;
  update.metrics = TrainingMetrics{0.5, 1.25, {{"train_accuracy", 0.875}}};
  update.blob = {0xde, 0xad, 0xbe, 0xef};

  return {
      {"Hello", Hello{"0.1.0", {1}, {"fp32", "int8"}, 16777216}},
      {"Welcome", Welcome{"r1", 1, FrameLimits{65536, 16777216}, 10000}},
      {"Task", task},
      {"Update", update},
      {"Ack", Ack{"r1", 7}},
      {"Error", Error{WireError::kUnsupportedVersion, "no common protocol version", {1}}},
      {"Heartbeat", Heartbeat{3}},
      {"Bye", Bye{"shutdown"}},
  };
}

}  // namespace fedq::protocol::testing
