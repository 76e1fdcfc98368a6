// RoundState: the bookkeeping of one round attempt — who was given a task,
// who answered, what was accepted or rejected and why. Pure data and rules,
// no I/O, no clock: the RoundEngine owns one and calls it from its strand
// only. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace fedq::coordinator {

// Why an update was not used; the strings are stored and exported as metric
// labels, so they are stable.
enum class RejectReason {
  kNone,
  kNoTask,  // this client has no task in this round
  kWrongRun,
  kWrongRound,
  kDuplicate,   // a second update for the same task
  kLate,        // after the deadline closed the round
  kBadBlob,     // does not decode
  kWrongSize,   // element count differs from the model
  kNotFinite,   // NaN or Inf
  kBadSamples,  // sample count 0 or absurd
  kTooLarge,    // sample count x values beyond what the round's sum can hold
};
const char* RejectReasonName(RejectReason reason);

enum class ParticipantState {
  kWaiting,   // task sent, no update yet
  kChecking,  // update received, being decoded and accumulated
  kAccepted,
  kRejected,
  kDisconnected,  // left before answering
  kTimedOut,      // no answer by the deadline
};
const char* ParticipantStateName(ParticipantState state);

struct ParticipantRecord {
  std::string key;  // name#fingerprint: stable across runs of a simulation
  std::string name;
  std::string fingerprint;
  int64_t client_id = 0;  // the registry's id (Store::UpsertClient)
  ParticipantState state = ParticipantState::kWaiting;
  RejectReason reason = RejectReason::kNone;
  std::string detail;  // human-readable cause of a rejection
  uint64_t samples = 0;
  std::size_t bytes_up = 0;
  double train_loss = 0;
  double duration_s = 0;  // task sent -> update received
};

class RoundState {
 public:
  RoundState(std::string run_id, int64_t round, int attempt,
             std::vector<ParticipantRecord> selected);

  const std::string& run_id() const { return run_id_; }
  int64_t round() const { return round_; }
  int attempt() const { return attempt_; }

  // Envelope check of an arriving update from `client_id`. On kNone the
  // participant moves to kChecking and the update may be decoded.
  RejectReason Admit(const std::string& key, const std::string& run_id, int64_t round);
  void Accept(const std::string& key, uint64_t samples, std::size_t bytes, double loss,
              double seconds);
  void Reject(const std::string& key, RejectReason reason, std::string detail, std::size_t bytes);
  void Disconnected(const std::string& key);
  // The deadline passed: every participant still waiting times out.
  void CloseAtDeadline();

  bool IsParticipant(const std::string& key) const { return records_.count(key) != 0; }
  // No participant still waiting for its update (checks may be in flight).
  bool AllAnswered() const;
  // Nothing in kChecking: the accumulator is final.
  bool ChecksDone() const;
  int accepted() const;
  uint64_t accepted_samples() const;
  std::size_t bytes_up() const;
  std::vector<ParticipantRecord> records() const;  // in key order

 private:
  std::string run_id_;
  int64_t round_;
  int attempt_;
  std::map<std::string, ParticipantRecord> records_;
};

}  // namespace fedq::coordinator
