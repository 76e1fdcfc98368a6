#include "coordinator/round_engine.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <chrono>

#include "coordinator/client_selector.hpp"
#include "protocol/frame_header.hpp"

namespace fedq::coordinator {
namespace asio = boost::asio;

namespace {

double SecondsBetween(Clock::TimePoint a, Clock::TimePoint b) {
  return std::chrono::duration<double>(b - a).count();
}

// Per-round training seed: clients mix in their own identity.
uint64_t RoundSeed(uint64_t select_seed, int64_t round) {
  return select_seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(round);
}

}  // namespace

RoundEngine::RoundEngine(asio::io_context& io, EngineOptions options, RoundAggregator& aggregator,
                         RoundRecorder& recorder, const Clock& clock, EngineObserver& observer,
                         ModelEncoder encode_model)
    : strand_(asio::make_strand(io)),
      deadline_(strand_),
      options_(std::move(options)),
      aggregator_(aggregator),
      recorder_(recorder),
      clock_(clock),
      observer_(observer),
      encode_model_(std::move(encode_model)) {}

void RoundEngine::Start(int64_t first_round, std::vector<float> global) {
  asio::post(strand_, [self = shared_from_this(), first_round, g = std::move(global)]() mutable {
    self->round_ = first_round;
    self->global_ = std::move(g);
    self->started_ = true;
    if (Status s = self->EncodeModel(); !s.ok()) return self->EndRun(s);
    if (self->round_ > self->options_.rounds) return self->EndRun(Status::Ok());
    self->MaybeStartRound();
  });
}

void RoundEngine::ClientJoined(std::shared_ptr<ClientLink> link) {
  asio::post(strand_, [self = shared_from_this(), link = std::move(link)] {
    if (self->phase_ == Phase::kEnded || self->stopping_) {
      link->Close(self->stopping_ ? "coordinator shutting down" : "run finished");
      return;
    }
    auto [it, fresh] = self->clients_.try_emplace(link->key(), link);
    if (!fresh) {
      // The same certificate connected again: the newer session wins.
      std::shared_ptr<ClientLink> old = std::exchange(it->second, link);
      old->Close("replaced by a newer connection of the same client");
      if (self->phase_ == Phase::kCollecting && self->state_) {
        self->state_->Disconnected(link->key());
        self->MaybeCloseRound();
      }
    }
    self->MaybeStartRound();
  });
}

void RoundEngine::ClientLeft(std::shared_ptr<ClientLink> link) {
  asio::post(strand_, [self = shared_from_this(), link = std::move(link)] {
    auto it = self->clients_.find(link->key());
    if (it == self->clients_.end() || it->second != link) return;
    self->clients_.erase(it);
    if (self->phase_ == Phase::kCollecting && self->state_) {
      self->state_->Disconnected(link->key());
      self->MaybeCloseRound();
    }
  });
}

void RoundEngine::UpdateArrived(std::shared_ptr<ClientLink> link, protocol::Update update,
                                std::size_t wire_bytes, protocol::ByteBudget::Lease lease) {
  asio::post(strand_, [self = shared_from_this(), link = std::move(link), u = std::move(update),
                       wire_bytes, lease = std::move(lease)]() mutable {
    self->OnUpdate(link, std::move(u), wire_bytes, std::move(lease));
  });
}

void RoundEngine::Stop(std::function<void()> stopped) {
  asio::post(strand_, [self = shared_from_this(), cb = std::move(stopped)]() mutable {
    self->stopping_ = true;
    self->on_stopped_ = std::move(cb);
    if (self->phase_ == Phase::kCollecting) {
      // Abandon: nothing of this attempt is stored; it runs again on restart.
      spdlog::info("round {} abandoned at shutdown", self->round_);
      self->deadline_.cancel();
      self->state_.reset();
      self->phase_ = Phase::kIdle;
    }
    self->FinishStopIfIdle();
  });
}

void RoundEngine::MaybeStartRound() {
  if (phase_ != Phase::kIdle || !started_ || stopping_) return;
  const int needed = std::max(options_.min_clients, options_.min_available_clients);
  if (static_cast<int>(clients_.size()) < needed) return;
  StartRound();
}

void RoundEngine::StartRound() {
  std::vector<std::string> keys;
  for (const auto& [key, link] : clients_) keys.push_back(key);
  const int k = SelectionSize(static_cast<int>(keys.size()), options_.clients_per_round,
                              options_.clients_fraction, options_.min_clients);
  const std::vector<std::string> chosen =
      SelectClients(std::move(keys), k, options_.select_seed, round_, attempt_);

  protocol::Task task;
  task.run_id = options_.run_id;
  task.round = static_cast<uint64_t>(round_);
  task.model_codec = options_.downlink_codec;
  task.model = *model_blob_;
  task.config = options_.training;
  task.config.seed = RoundSeed(options_.select_seed, round_);
  task.uplink_codec = options_.uplink_codec;
  task.deadline_ms = static_cast<uint64_t>(options_.round_deadline_ms);
  // Encoded once: every participant gets the same bytes.
  auto frame = std::make_shared<const protocol::OutgoingFrame>(
      protocol::EncodeOutgoingFrame(std::move(task)));

  std::vector<ParticipantRecord> records;
  round_started_ = clock_.Now();
  round_started_unix_ms_ = clock_.UnixMillis();
  bytes_down_ = 0;
  task_sent_.clear();
  for (const std::string& key : chosen) {
    const std::shared_ptr<ClientLink>& link = clients_.at(key);
    records.push_back({.key = key,
                       .name = link->name(),
                       .fingerprint = link->fingerprint(),
                       .client_id = link->client_id()});
    link->SendFrame(frame);
    task_sent_[key] = round_started_;
    bytes_down_ += model_blob_->size();
    observer_.OnTaskSent(model_blob_->size());
  }
  state_.emplace(options_.run_id, round_, attempt_, std::move(records));
  strays_.clear();
  aggregator_.Begin(chosen.size());
  phase_ = Phase::kCollecting;
  const uint64_t serial = ++serial_;
  deadline_.expires_after(std::chrono::milliseconds(options_.round_deadline_ms));
  deadline_.async_wait([self = shared_from_this(), serial](boost::system::error_code ec) {
    if (!ec) self->OnDeadline(serial);
  });
  spdlog::info("round {} attempt {}: {} of {} clients selected", round_, attempt_, chosen.size(),
               clients_.size());
  observer_.OnRoundStarted(round_, attempt_, static_cast<int>(chosen.size()));
}

void RoundEngine::OnUpdate(const std::shared_ptr<ClientLink>& link, protocol::Update update,
                           std::size_t wire_bytes, protocol::ByteBudget::Lease lease) {
  const std::string& key = link->key();
  if (phase_ != Phase::kCollecting || !state_) {
    const bool stale =
        update.run_id == options_.run_id && static_cast<int64_t>(update.round) <= round_;
    return RejectStray(link, stale ? RejectReason::kLate : RejectReason::kNoTask, update,
                       wire_bytes);
  }
  const RejectReason reason = state_->Admit(key, update.run_id, static_cast<int64_t>(update.round));
  if (reason == RejectReason::kWrongRun || reason == RejectReason::kWrongRound) {
    // A participant's answer, and a wrong one: it counts as its rejected update.
    state_->Reject(key, reason,
                   "update for run '" + update.run_id + "' round " + std::to_string(update.round),
                   wire_bytes);
    observer_.OnUpdateRejected(reason, wire_bytes);
    link->Send(Reply(update.run_id, update.round, reason));
    return MaybeCloseRound();
  }
  if (reason != RejectReason::kNone) return RejectStray(link, reason, update, wire_bytes);
  if (update.num_samples == 0) {
    state_->Reject(key, RejectReason::kBadSamples, "num_samples is 0", wire_bytes);
    observer_.OnUpdateRejected(RejectReason::kBadSamples, wire_bytes);
    link->Send(Reply(update.run_id, update.round, RejectReason::kBadSamples));
    return MaybeCloseRound();
  }
  const double seconds = SecondsBetween(task_sent_[key], clock_.Now());
  protocol::Blob blob = std::move(update.blob);
  update.blob = {};
  aggregator_.Submit(key, update.num_samples, std::move(blob),
                     // The lease goes with this callback, after the fold.
                     [self = shared_from_this(), key, meta = std::move(update), wire_bytes, seconds,
                      lease = std::move(lease)](CheckResult result) mutable {
                       asio::post(self->strand_, [self, key, meta = std::move(meta), wire_bytes,
                                                  seconds, r = std::move(result)]() mutable {
                         self->OnChecked(key, meta, wire_bytes, seconds, std::move(r));
                       });
                     });
}

void RoundEngine::RejectStray(const std::shared_ptr<ClientLink>& link, RejectReason reason,
                              const protocol::Update& update, std::size_t wire_bytes) {
  spdlog::warn("update from {} for round {} rejected: {}", link->name(), update.round,
               RejectReasonName(reason));
  observer_.OnUpdateRejected(reason, wire_bytes);
  if (phase_ == Phase::kCollecting) {
    strays_.push_back({.key = link->key(),
                       .name = link->name(),
                       .fingerprint = link->fingerprint(),
                       .client_id = link->client_id(),
                       .state = ParticipantState::kRejected,
                       .reason = reason,
                       .detail = "update for round " + std::to_string(update.round),
                       .bytes_up = wire_bytes});
  }
  link->Send(Reply(update.run_id, update.round, reason));
}

void RoundEngine::OnChecked(const std::string& key, const protocol::Update& meta,
                            std::size_t wire_bytes, double seconds, CheckResult result) {
  if (!state_ || phase_ != Phase::kCollecting) return;  // abandoned at shutdown
  auto link = clients_.find(key);
  if (result.reason == RejectReason::kNone) {
    state_->Accept(key, meta.num_samples, wire_bytes, meta.metrics.train_loss, seconds);
    observer_.OnUpdateAccepted(wire_bytes);
  } else {
    spdlog::warn("update of {} rejected: {} ({})", key, RejectReasonName(result.reason),
                 result.detail);
    state_->Reject(key, result.reason, result.detail, wire_bytes);
    observer_.OnUpdateRejected(result.reason, wire_bytes);
  }
  if (link != clients_.end()) link->second->Send(Reply(meta.run_id, meta.round, result.reason));
  MaybeCloseRound();
}

void RoundEngine::OnDeadline(uint64_t serial) {
  if (serial != serial_ || phase_ != Phase::kCollecting || !state_) return;
  spdlog::info("round {} attempt {}: deadline reached", round_, attempt_);
  state_->CloseAtDeadline();
  MaybeCloseRound();
}

void RoundEngine::MaybeCloseRound() {
  if (phase_ != Phase::kCollecting || !state_->AllAnswered() || !state_->ChecksDone()) return;
  deadline_.cancel();
  ++serial_;  // a deadline already queued must not touch the next attempt
  const int accepted = state_->accepted();
  if (accepted < options_.min_clients) {
    return FailRound("quorum not met: " + std::to_string(accepted) + " accepted, min_clients " +
                     std::to_string(options_.min_clients));
  }
  phase_ = Phase::kAggregating;
  aggregator_.Finish(global_, [self = shared_from_this()](Result<AggregateResult> result) mutable {
    asio::post(self->strand_,
               [self, r = std::move(result)]() mutable { self->OnAggregated(std::move(r)); });
  });
}

// The next round starts as soon as this one's commit is queued: the store
// thread commits rounds in order, and a coordinator killed before the commit
// lands resumes at this round, so the overlap loses nothing; it only takes
// the disk write off the time between rounds.
void RoundEngine::OnAggregated(Result<AggregateResult> result) {
  if (!result.ok()) return FailRound("aggregation failed: " + result.status().ToString());
  if (!result->changed) return FailRound("no usable update");
  CommitRequest request;
  request.record = MakeRecord();
  request.record.test_accuracy = result->test_accuracy;
  request.record.test_loss = result->test_loss;
  request.model = result->model;
  request.strategy_state = std::move(result->strategy_state);
  ++commits_in_flight_;
  RoundReport record = request.record;  // reported when the commit lands
  recorder_.Commit(std::move(request), [self = shared_from_this(), record = std::move(record),
                                        started = round_started_](Status status) mutable {
    asio::post(self->strand_, [self, record = std::move(record), started, status] {
      self->OnCommitted(record, started, status);
    });
  });
  global_ = std::move(result->model);
  state_.reset();
  ++round_;
  attempt_ = 0;
  phase_ = Phase::kIdle;
  if (Status s = EncodeModel(); !s.ok()) return EndRun(s);
  if (round_ > options_.rounds) return;  // the run ends when this commit lands
  if (stopping_) return FinishStopIfIdle();
  MaybeStartRound();
}

void RoundEngine::OnCommitted(const RoundReport& record, Clock::TimePoint started, Status status) {
  --commits_in_flight_;
  if (phase_ == Phase::kEnded) return FinishStopIfIdle();
  if (!status.ok()) {
    return EndRun(status.WithContext("committing round " + std::to_string(record.round)));
  }
  const double seconds = SecondsBetween(started, clock_.Now());
  int accepted = 0;
  for (const ParticipantRecord& p : record.participants) {
    accepted += p.state == ParticipantState::kAccepted ? 1 : 0;
  }
  spdlog::info(
      "round {} committed: {} updates accepted, {:.3f} s{}", record.round, accepted, seconds,
      record.test_accuracy ? fmt::format(", test accuracy {:.4f}", *record.test_accuracy) : "");
  observer_.OnRoundCommitted(record, seconds);
  if (record.round >= options_.rounds) return EndRun(Status::Ok());
  if (stopping_) FinishStopIfIdle();
}

void RoundEngine::FailRound(std::string why) {
  spdlog::warn("round {} attempt {} failed: {}", round_, attempt_, why);
  phase_ = Phase::kRecording;
  RoundReport record = MakeRecord();
  record.failure = std::move(why);
  observer_.OnRoundFailed(record);
  recorder_.RecordFailed(std::move(record), [self = shared_from_this()](Status status) {
    asio::post(self->strand_, [self, status] { self->OnFailureRecorded(status); });
  });
}

void RoundEngine::OnFailureRecorded(Status status) {
  if (!status.ok()) return EndRun(status.WithContext("recording a failed round"));
  state_.reset();
  ++attempt_;
  phase_ = Phase::kIdle;
  if (stopping_) return FinishStopIfIdle();
  MaybeStartRound();
}

RoundReport RoundEngine::MakeRecord() const {
  RoundReport record;
  record.run_id = options_.run_id;
  record.round = round_;
  record.attempt = attempt_;
  record.started_unix_ms = round_started_unix_ms_;
  record.finished_unix_ms = clock_.UnixMillis();
  record.participants = state_->records();
  record.strays = strays_;
  record.bytes_up = state_->bytes_up();
  for (const ParticipantRecord& s : strays_) record.bytes_up += s.bytes_up;
  record.bytes_down = bytes_down_;
  return record;
}

void RoundEngine::EndRun(Status status) {
  if (status.ok()) {
    spdlog::info("run {} finished after round {}", options_.run_id, options_.rounds);
  } else {
    spdlog::error("run {} stopped: {}", options_.run_id, status.ToString());
  }
  phase_ = Phase::kEnded;
  deadline_.cancel();
  state_.reset();  // a round being collected when a commit failed
  for (auto& [key, link] : clients_)
    link->Close(status.ok() ? "run finished" : "coordinator error");
  clients_.clear();
  observer_.OnRunEnded(status);
  FinishStopIfIdle();
}

Status RoundEngine::EncodeModel() {
  Result<protocol::Blob> blob = encode_model_(global_);
  if (!blob.ok()) return blob.status().WithContext("encoding the global model");
  model_blob_ = std::make_shared<const protocol::Blob>(std::move(blob).value());
  return Status::Ok();
}

void RoundEngine::FinishStopIfIdle() {
  if (!stopping_ || !on_stopped_) return;
  if (phase_ != Phase::kIdle && phase_ != Phase::kEnded) return;  // a failure being recorded
  if (commits_in_flight_ > 0) return;
  for (auto& [key, link] : clients_) link->Close("coordinator shutting down");
  clients_.clear();
  std::exchange(on_stopped_, nullptr)();
}

protocol::Message RoundEngine::Reply(const std::string& run_id, uint64_t round,
                                     RejectReason reason) {
  if (reason == RejectReason::kNone) return protocol::Ack{run_id, round};
  protocol::Error error;
  error.code = protocol::WireError::kRejected;
  error.message = std::string("update rejected: ") + RejectReasonName(reason);
  return error;
}

}  // namespace fedq::coordinator
