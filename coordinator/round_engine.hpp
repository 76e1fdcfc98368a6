// RoundEngine: THE round state machine of the coordinator (DESIGN.md, "One
// round"). It lives on one strand; sessions feed it events (joined, left,
// update arrived) and never touch round state themselves. Heavy work goes to
// the RoundAggregator (worker pool), storage to the RoundRecorder (store
// thread); their completions are posted back to the strand. The next round
// starts once the previous one is aggregated and its commit queued (commits
// land in round order). Public methods are thread-safe: each posts an event
// to the strand.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>  // before Asio: Boost 1.74 needs it with C++20
#include <vector>

#include "coordinator/client_link.hpp"
#include "coordinator/clock.hpp"
#include "coordinator/round_aggregator.hpp"
#include "coordinator/round_recorder.hpp"
#include "coordinator/round_state.hpp"
#include "protocol/byte_budget.hpp"
#include "protocol/messages.hpp"

namespace fedq::coordinator {

struct EngineOptions {
  std::string run_id;
  int64_t rounds = 1;  // the last round of the run
  int clients_per_round = 10;
  double clients_fraction = 0.0;
  int min_clients = 1;
  int min_available_clients = 0;  // connected before a round starts; 0 = min_clients
  int64_t round_deadline_ms = 60000;
  uint64_t select_seed = 1;
  std::string uplink_codec = "fp32";
  std::string downlink_codec = "fp32";
  protocol::TrainingConfig training;
};

// What the engine reports as it goes (metrics, logs, a simulation's progress
// bar). Called on the engine strand: keep it short.
class EngineObserver {
 public:
  virtual ~EngineObserver() = default;
  virtual void OnRoundStarted(int64_t /*round*/, int /*attempt*/, int /*selected*/) {}
  virtual void OnUpdateAccepted(std::size_t /*bytes*/) {}
  virtual void OnUpdateRejected(RejectReason /*reason*/, std::size_t /*bytes*/) {}
  virtual void OnTaskSent(std::size_t /*bytes*/) {}
  virtual void OnRoundCommitted(const RoundReport& /*record*/, double /*seconds*/) {}
  virtual void OnRoundFailed(const RoundReport& /*record*/) {}
  // The last round is committed (`status` ok) or storage failed.
  virtual void OnRunEnded(Status /*status*/) {}
};

class RoundEngine : public std::enable_shared_from_this<RoundEngine> {
 public:
  // `model_blob_encoder` turns global parameters into the Task's model blob
  // (the downlink codec). Everything passed by reference must outlive the
  // engine.
  using ModelEncoder = std::function<Result<protocol::Blob>(std::span<const float>)>;
  RoundEngine(boost::asio::io_context& io, EngineOptions options, RoundAggregator& aggregator,
              RoundRecorder& recorder, const Clock& clock, EngineObserver& observer,
              ModelEncoder encode_model);

  // Starts the run at `first_round` from `global` (fresh or resumed).
  void Start(int64_t first_round, std::vector<float> global);
  void ClientJoined(std::shared_ptr<ClientLink> link);
  void ClientLeft(std::shared_ptr<ClientLink> link);
  // `lease` (may be null) is the receive budget's grant for the update's
  // frame: held until the update is folded in or refused.
  void UpdateArrived(std::shared_ptr<ClientLink> link, protocol::Update update,
                     std::size_t wire_bytes, protocol::ByteBudget::Lease lease = nullptr);
  // Abandons a round being collected (nothing is stored), lets a commit in
  // flight finish, then calls `stopped` on the strand.
  void Stop(std::function<void()> stopped);

 private:
  enum class Phase { kIdle, kCollecting, kAggregating, kRecording, kEnded };

  void MaybeStartRound();
  void StartRound();
  void OnUpdate(const std::shared_ptr<ClientLink>& link, protocol::Update update,
                std::size_t wire_bytes, protocol::ByteBudget::Lease lease);
  void RejectStray(const std::shared_ptr<ClientLink>& link, RejectReason reason,
                   const protocol::Update& update, std::size_t wire_bytes);
  void OnChecked(const std::string& key, const protocol::Update& meta, std::size_t wire_bytes,
                 double seconds, CheckResult result);
  void OnDeadline(uint64_t serial);
  void MaybeCloseRound();
  void OnAggregated(Result<AggregateResult> result);
  void OnCommitted(const RoundReport& record, Clock::TimePoint started, Status status);
  void FailRound(std::string why);
  void OnFailureRecorded(Status status);
  RoundReport MakeRecord() const;
  void EndRun(Status status);
  Status EncodeModel();
  void FinishStopIfIdle();
  static protocol::Message Reply(const std::string& run_id, uint64_t round, RejectReason reason);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer deadline_;
  EngineOptions options_;
  RoundAggregator& aggregator_;
  RoundRecorder& recorder_;
  const Clock& clock_;
  EngineObserver& observer_;
  ModelEncoder encode_model_;

  Phase phase_ = Phase::kIdle;
  bool started_ = false;
  std::map<std::string, std::shared_ptr<ClientLink>> clients_;  // by key
  std::vector<float> global_;
  std::shared_ptr<const protocol::Blob> model_blob_;
  int64_t round_ = 1;
  int attempt_ = 0;
  uint64_t serial_ = 0;  // identifies the attempt a deadline belongs to
  std::optional<RoundState> state_;
  std::vector<ParticipantRecord> strays_;
  Clock::TimePoint round_started_;
  int64_t round_started_unix_ms_ = 0;
  std::size_t bytes_down_ = 0;
  std::map<std::string, Clock::TimePoint> task_sent_;
  int commits_in_flight_ = 0;
  bool stopping_ = false;
  std::function<void()> on_stopped_;
};

}  // namespace fedq::coordinator
