#include "coordinator/round_state.hpp"

namespace fedq::coordinator {

const char* RejectReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::kNone:
      return "none";
    case RejectReason::kNoTask:
      return "no_task";
    case RejectReason::kWrongRun:
      return "wrong_run";
    case RejectReason::kWrongRound:
      return "wrong_round";
    case RejectReason::kDuplicate:
      return "duplicate";
    case RejectReason::kLate:
      return "late";
    case RejectReason::kBadBlob:
      return "bad_blob";
    case RejectReason::kWrongSize:
      return "wrong_size";
    case RejectReason::kNotFinite:
      return "not_finite";
    case RejectReason::kBadSamples:
      return "bad_samples";
    case RejectReason::kTooLarge:
      return "too_large";
  }
  return "unknown";
}

const char* ParticipantStateName(ParticipantState state) {
  switch (state) {
    case ParticipantState::kWaiting:
      return "waiting";
    case ParticipantState::kChecking:
      return "checking";
    case ParticipantState::kAccepted:
      return "accepted";
    case ParticipantState::kRejected:
      return "rejected";
    case ParticipantState::kDisconnected:
      return "disconnected";
    case ParticipantState::kTimedOut:
      return "timed_out";
  }
  return "unknown";
}

RoundState::RoundState(std::string run_id, int64_t round, int attempt,
                       std::vector<ParticipantRecord> selected)
    : run_id_(std::move(run_id)), round_(round), attempt_(attempt) {
  for (ParticipantRecord& r : selected) {
    std::string key = r.key;
    records_.emplace(std::move(key), std::move(r));
  }
}

RejectReason RoundState::Admit(const std::string& key, const std::string& run_id, int64_t round) {
  auto it = records_.find(key);
  if (it == records_.end()) return RejectReason::kNoTask;
  if (run_id != run_id_) return RejectReason::kWrongRun;
  if (round != round_) return RejectReason::kWrongRound;
  switch (it->second.state) {
    case ParticipantState::kWaiting:
      it->second.state = ParticipantState::kChecking;
      return RejectReason::kNone;
    case ParticipantState::kTimedOut:
      return RejectReason::kLate;
    default:
      return RejectReason::kDuplicate;
  }
}

void RoundState::Accept(const std::string& key, uint64_t samples, std::size_t bytes, double loss,
                        double seconds) {
  auto it = records_.find(key);
  if (it == records_.end()) return;
  ParticipantRecord& r = it->second;
  r.state = ParticipantState::kAccepted;
  r.samples = samples;
  r.bytes_up = bytes;
  r.train_loss = loss;
  r.duration_s = seconds;
}

void RoundState::Reject(const std::string& key, RejectReason reason, std::string detail,
                        std::size_t bytes) {
  auto it = records_.find(key);
  if (it == records_.end()) return;
  ParticipantRecord& r = it->second;
  r.state = ParticipantState::kRejected;
  r.reason = reason;
  r.detail = std::move(detail);
  r.bytes_up = bytes;
}

void RoundState::Disconnected(const std::string& key) {
  auto it = records_.find(key);
  if (it != records_.end() && it->second.state == ParticipantState::kWaiting) {
    it->second.state = ParticipantState::kDisconnected;
  }
}

void RoundState::CloseAtDeadline() {
  for (auto& [id, r] : records_) {
    if (r.state == ParticipantState::kWaiting) r.state = ParticipantState::kTimedOut;
  }
}

bool RoundState::AllAnswered() const {
  for (const auto& [id, r] : records_) {
    if (r.state == ParticipantState::kWaiting) return false;
  }
  return true;
}

bool RoundState::ChecksDone() const {
  for (const auto& [id, r] : records_) {
    if (r.state == ParticipantState::kChecking) return false;
  }
  return true;
}

int RoundState::accepted() const {
  int n = 0;
  for (const auto& [id, r] : records_) n += r.state == ParticipantState::kAccepted;
  return n;
}

uint64_t RoundState::accepted_samples() const {
  uint64_t n = 0;
  for (const auto& [id, r] : records_) {
    if (r.state == ParticipantState::kAccepted) n += r.samples;
  }
  return n;
}

std::size_t RoundState::bytes_up() const {
  std::size_t n = 0;
  for (const auto& [id, r] : records_) n += r.bytes_up;
  return n;
}

std::vector<ParticipantRecord> RoundState::records() const {
  std::vector<ParticipantRecord> out;
  out.reserve(records_.size());
  for (const auto& [id, r] : records_) out.push_back(r);
  return out;
}

}  // namespace fedq::coordinator
