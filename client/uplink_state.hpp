// UplinkState: a client's side of update compression. It owns the
// error-feedback residual of the run it takes part in (memory, and the state
// file when one is configured), decodes the Task's global model, and encodes
// deltas. Encode may run on a pool thread while the agent waits; Commit runs
// after the Update was sent. Not thread-safe: one agent, one call at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "common/codec/codec.hpp"
#include "common/status.hpp"
#include "protocol/messages.hpp"

namespace fedq::client {

struct GlobalModel {
  std::vector<int> layers;
  std::vector<float> params;
};

// The Task's model: a model file (carries its layers) or a codec blob
// (fp32/fp16/... of the parameters, layers from `fallback_layers`).
Result<GlobalModel> DecodeGlobalModel(const protocol::Task& task,
                                      const std::vector<int>& fallback_layers);

struct EncodedUpdate {
  std::vector<uint8_t> blob;
  codec::ErrorFeedback next_residual;
  std::string run_id;
  std::string spec;
  int64_t round = 0;
};

class UplinkState {
 public:
  explicit UplinkState(std::filesystem::path state_file = {})
      : state_file_(std::move(state_file)) {}

  // Reads the state file, if any. A corrupt or foreign file is reported and
  // the residual starts at zero (the error is returned for the log only).
  Status Load();

  // delta + residual (when it belongs to the same run and pipeline) through
  // the pipeline `spec_text`. Leaves the held residual untouched. A round
  // seen before (its attempt failed, or the coordinator restarted before
  // committing it) starts from the residual held before that round, so what
  // the lost update carried is not counted as sent.
  Result<EncodedUpdate> Encode(const std::string& run_id, int64_t round,
                               const std::string& spec_text, std::span<const float> delta,
                               uint64_t seed) const;

  // The update went out: its residual becomes the held one (and is written
  // to the state file, atomically).
  Status Commit(EncodedUpdate update);

  const codec::ErrorFeedback& residual() const { return residual_; }

 private:
  std::filesystem::path state_file_;
  std::string run_id_;
  std::string spec_;
  int64_t last_round_ = -1;
  codec::ErrorFeedback residual_;  // after last_round_
  codec::ErrorFeedback previous_;  // before last_round_
};

}  // namespace fedq::client
