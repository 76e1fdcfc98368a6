// CoordinatorService: fedq-coordinator as an object, wiring the parts: the
// Store (resume or a new run) behind its StoreWorker, the strategy and
// RoundAggregator on a worker pool, the RoundEngine and the client Listener
// on the network io_context, the status HttpServer and the metrics. Used by
// main (through Run) and embedded by fedq-sim. Start/Wait from the owner's
// thread; Stop is thread-safe and idempotent.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "common/dataset.hpp"
#include "coordinator/clock.hpp"
#include "coordinator/config.hpp"
#include "coordinator/coordinator_metrics.hpp"
#include "coordinator/http_server.hpp"
#include "coordinator/metrics.hpp"
#include "coordinator/round_engine.hpp"
#include "coordinator/status_routes.hpp"
#include "coordinator/store_recorder.hpp"
#include "coordinator/store_worker.hpp"
#include "protocol/asio.hpp"
#include "protocol/server.hpp"

namespace fedq::coordinator {

struct ServiceHooks {
  // After each committed round, on the engine strand (keep it short).
  std::function<void(const RoundReport&, double seconds)> on_round_committed;
  // A clock for timestamps; null = the system clock.
  const Clock* clock = nullptr;
  // Evaluate on the first eval_limit test samples only; 0: all.
  std::size_t eval_limit = 0;
};

class CoordinatorService {
 public:
  // REQUIRES: ValidateConfig(config).ok().
  explicit CoordinatorService(CoordinatorConfig config, ServiceHooks hooks = {});
  ~CoordinatorService();
  CoordinatorService(const CoordinatorService&) = delete;
  CoordinatorService& operator=(const CoordinatorService&) = delete;

  // Opens the database (resuming its run, or starting one), binds the
  // listener and the status server, and starts the threads.
  Status Start();
  // Tells clients Bye, abandons a round being collected (a commit in flight
  // completes), stops accepting. Returns at once; Wait() sees the end.
  void Stop();
  // Blocks until the run ended (all rounds done) or Stop() completed; then
  // everything is closed. The run's status: an error if storage failed.
  Status Wait();

  // Reads revocation_list again (SIGHUP): refused from the next handshake,
  // revoked clients that are connected are disconnected (an update of
  // theirs not yet in simply does not count). A bad file keeps the old
  // list and is the error returned. Thread-safe.
  Status ReloadRevocations();

  uint16_t port() const;       // the client listener's bound port
  uint16_t http_port() const;  // 0 when the status server is off
  int64_t run_id() const { return run_id_; }
  int64_t first_round() const { return first_round_; }
  MetricsRegistry& metrics() { return registry_; }

 private:
  class Observer;
  Status OpenStore();
  Status PrepareRun(std::vector<float>& global, std::vector<uint8_t>& strategy_state);
  Status LoadEvalData();
  Status StartNetwork();
  Status StartHttp();
  void OnEngineStopped();
  void FinishStop();
  void RunEnded(Status status);
  void ClientConnected(const std::string& fingerprint, int delta);
  std::vector<std::string> LiveClients() const;
  bool HasLiveClients() const;

  CoordinatorConfig config_;
  ServiceHooks hooks_;
  SystemClock system_clock_;
  const Clock* clock_;
  MetricsRegistry registry_;
  CoordinatorMetrics metrics_;
  std::unique_ptr<StoreWorker> store_;
  int64_t run_id_ = 0;
  int64_t first_round_ = 1;
  std::optional<Dataset> eval_data_;

  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  boost::asio::thread_pool workers_;
  std::unique_ptr<RoundAggregator> aggregator_;
  std::unique_ptr<StoreRecorder> recorder_;
  std::unique_ptr<Observer> observer_;
  std::shared_ptr<RoundEngine> engine_;
  std::shared_ptr<protocol::Listener> listener_;
  std::unique_ptr<StatusRoutes> routes_;
  std::unique_ptr<HttpServer> http_;
  std::vector<std::thread> io_threads_;
  mutable std::mutex live_mu_;               // guards live_clients_ (session strands, HTTP)
  std::multiset<std::string> live_clients_;  // fingerprints, once per open session

  std::mutex mu_;  // guards the fields below
  std::condition_variable ended_cv_;
  bool stop_requested_ = false;
  bool ended_ = false;
  Status run_status_;
};

// fedq-coordinator's whole life: starts the service, stops it on SIGINT or
// SIGTERM, reloads the revocation list on SIGHUP, returns when the run
// ended or the stop completed.
Status Run(const CoordinatorConfig& config);

}  // namespace fedq::coordinator
