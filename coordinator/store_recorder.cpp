#include "coordinator/store_recorder.hpp"

#include <cmath>

#include "common/mlp.hpp"
#include "common/model_file.hpp"

namespace fedq::coordinator {
namespace {

UpdateRecord ToUpdate(const ParticipantRecord& p, const std::string& codec) {
  UpdateRecord u;
  u.client_id = p.client_id;
  u.num_samples = static_cast<int64_t>(p.samples);
  u.bytes = static_cast<int64_t>(p.bytes_up);
  u.codec = codec;
  u.duration_ms = static_cast<int64_t>(std::llround(p.duration_s * 1000));
  switch (p.state) {
    case ParticipantState::kAccepted:
      u.outcome = "accepted";
      u.train_loss = p.train_loss;
      break;
    case ParticipantState::kRejected:
      u.outcome = p.reason == RejectReason::kLate ? "late" : "rejected";
      u.reason = std::string(RejectReasonName(p.reason));
      if (!p.detail.empty()) u.reason += ": " + p.detail;
      break;
    case ParticipantState::kTimedOut:
      u.outcome = "late";
      u.reason = "no update by the deadline";
      break;
    case ParticipantState::kDisconnected:
      u.outcome = "disconnected";
      u.reason = "left before sending its update";
      break;
    default:
      u.outcome = "rejected";
      u.reason = std::string("unfinished: ") + ParticipantStateName(p.state);
      break;
  }
  return u;
}

}  // namespace

StoreRecorder::StoreRecorder(StoreWorker& worker, int64_t run_id, std::vector<int> layers,
                             std::string uplink_codec)
    : worker_(worker),
      run_id_(run_id),
      layers_(std::move(layers)),
      uplink_codec_(std::move(uplink_codec)) {}

RoundRecord StoreRecorder::ToRoundRecord(const RoundReport& report) const {
  RoundRecord r;
  r.run_id = run_id_;
  r.round = report.round;
  r.started_at_ms = report.started_unix_ms;
  r.finished_at_ms = report.finished_unix_ms;
  r.participants = static_cast<int64_t>(report.participants.size());
  r.test_accuracy = report.test_accuracy;
  r.test_loss = report.test_loss;
  r.bytes_up = static_cast<int64_t>(report.bytes_up);
  r.bytes_down = static_cast<int64_t>(report.bytes_down);
  r.failure_reason = report.failure;
  return r;
}

std::vector<UpdateRecord> StoreRecorder::ToUpdateRecords(const RoundReport& report) const {
  std::vector<UpdateRecord> out;
  for (const ParticipantRecord& p : report.participants) out.push_back(ToUpdate(p, uplink_codec_));
  for (const ParticipantRecord& p : report.strays) out.push_back(ToUpdate(p, uplink_codec_));
  return out;
}

void StoreRecorder::Commit(CommitRequest request, Done done) {
  RoundRecord record = ToRoundRecord(request.record);
  std::vector<UpdateRecord> updates = ToUpdateRecords(request.record);
  const bool queued = worker_.Post([this, record = std::move(record), updates = std::move(updates),
                                    model = std::move(request.model),
                                    state = std::move(request.strategy_state), done](Store& store) {
    Result<Mlp> mlp = Mlp::FromParams(layers_, model);
    if (!mlp.ok()) return done(mlp.status());
    const std::vector<uint8_t> bytes = SerializeModel(*mlp);
    done(store.CommitRound(record, updates, bytes, state));
  });
  if (!queued) done(Unavailable("store worker stopped"));
}

void StoreRecorder::RecordFailed(RoundReport report, Done done) {
  const bool queued =
      worker_.Post([record = ToRoundRecord(report), updates = ToUpdateRecords(report),
                    done](Store& store) { done(store.RecordFailedRound(record, updates)); });
  if (!queued) done(Unavailable("store worker stopped"));
}

}  // namespace fedq::coordinator
