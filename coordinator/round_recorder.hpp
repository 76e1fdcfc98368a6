// RoundRecorder: where the round engine hands a finished round for storage,
// asynchronously; the storage adapter (store_recorder.hpp) implements it on
// the StoreWorker's thread. Completions run on an executor of the
// implementation's choosing: the engine posts back to its own strand.
// Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "coordinator/round_state.hpp"

namespace fedq::coordinator {

// One round attempt as it ended, committed or failed.
struct RoundReport {
  std::string run_id;
  int64_t round = 0;
  int attempt = 0;  // 0 first try; failed attempts count up
  int64_t started_unix_ms = 0;
  int64_t finished_unix_ms = 0;
  std::vector<ParticipantRecord> participants;  // key order
  // Updates refused from clients that had no task in this attempt.
  std::vector<ParticipantRecord> strays;
  std::size_t bytes_up = 0;
  std::size_t bytes_down = 0;
  std::optional<double> test_accuracy;
  std::optional<double> test_loss;
  std::string failure;  // why a failed round failed; empty when committed
};

struct CommitRequest {
  RoundReport record;
  std::vector<float> model;             // the new global parameters
  std::vector<uint8_t> strategy_state;  // Strategy::SaveState()
};

class RoundRecorder {
 public:
  using Done = std::function<void(Status)>;
  virtual ~RoundRecorder() = default;
  // The round and everything it produced, in ONE transaction.
  virtual void Commit(CommitRequest request, Done done) = 0;
  // A round that missed its quorum; the model is unchanged.
  virtual void RecordFailed(RoundReport record, Done done) = 0;
};

}  // namespace fedq::coordinator
