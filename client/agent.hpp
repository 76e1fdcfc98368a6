// Agent: the edge client's life. Connects over mTLS, says Hello, waits for
// Tasks, trains on the training executor (never on the network thread),
// encodes delta with the task's uplink codec and its error-feedback residual,
// sends the Update, and loops; reconnects with seeded backoff when the
// coordinator is gone. One Agent runs as one coroutine on one executor
// (Run); Stop and Abort may be called from any thread. The Agent must
// outlive Run's completion.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "client/backoff.hpp"
#include "client/local_trainer.hpp"
#include "client/uplink_state.hpp"
#include "common/status.hpp"
#include "protocol/asio.hpp"
#include "protocol/client_connector.hpp"

namespace fedq::client {

struct AgentOptions {
  std::string name;  // for logs
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  protocol::ConnectorOptions connector;
  BackoffConfig backoff;
  uint64_t seed = 1;                 // reconnection jitter
  std::filesystem::path state_file;  // "" = residual in memory only
  std::chrono::milliseconds io_timeout{60000};
  std::vector<int> layers;  // fallback architecture when the Task's model does not carry it
};

struct AgentStats {
  std::atomic<uint64_t> connections{0};  // successful Welcome count
  std::atomic<uint64_t> updates_sent{0};
  std::atomic<uint64_t> uplink_bytes{0};  // update blob bytes
  std::atomic<uint64_t> tasks_received{0};
  std::atomic<uint64_t> failed_attempts{0};  // connections or sessions that failed
};

class Agent {
 public:
  Agent(AgentOptions options, std::shared_ptr<LocalTrainer> trainer,
        protocol::asio::any_io_executor training_executor);

  // Until Stop (Ok), or a fatal error: the coordinator refused this client's
  // certificate (kPermissionDenied), no common protocol version, or the
  // backoff's attempts ran out (kUnavailable).
  protocol::awaitable<Status> Run();

  // Finishes a training in progress and its upload, then says Bye and ends
  // Run. Thread-safe, idempotent.
  void Stop();
  // Drops the connection with no goodbye, as a killed device would, and
  // ends Run. Thread-safe.
  void Abort();

  const AgentStats& stats() const { return stats_; }
  const std::string& name() const { return options_.name; }

 private:
  enum class SessionEnd { kStop, kReconnect };

  protocol::awaitable<Result<SessionEnd>> Session(std::shared_ptr<protocol::Channel> channel);
  protocol::awaitable<Status> HandleTask(protocol::Channel& channel, protocol::Task task);
  protocol::awaitable<void> SendHeartbeats(std::shared_ptr<protocol::Channel> channel,
                                           std::shared_ptr<protocol::asio::steady_timer> timer,
                                           std::chrono::milliseconds interval);
  protocol::awaitable<bool> Sleep(std::chrono::milliseconds delay);  // false when stopped
  void CloseCurrent(std::string_view reason);

  AgentOptions options_;
  std::shared_ptr<LocalTrainer> trainer_;
  protocol::asio::any_io_executor training_executor_;
  std::optional<protocol::ClientConnector> connector_;
  UplinkState uplink_;
  AgentStats stats_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> aborted_{false};
  bool training_ = false;                       // on the agent's executor only
  std::shared_ptr<protocol::Channel> channel_;  // on the agent's executor only
  std::optional<protocol::asio::steady_timer> sleep_timer_;
  protocol::asio::any_io_executor executor_;
  std::string run_id_;
};

}  // namespace fedq::client
