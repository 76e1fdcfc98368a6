// Session: one connected, authenticated client (a Channel from the Listener).
// Hello -> Welcome, registry upsert (fingerprint, name) on the store thread,
// then it feeds the RoundEngine: updates, and its departure. It answers
// heartbeats and refuses anything out of place with an Error and a close.
// All its work runs on the channel's strand; ClientLink calls from the
// engine are posted there. Lives in a shared_ptr for the connection's life.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "coordinator/client_link.hpp"
#include "coordinator/clock.hpp"
#include "coordinator/round_engine.hpp"
#include "coordinator/store_worker.hpp"
#include "protocol/asio.hpp"
#include "protocol/channel.hpp"

namespace fedq::coordinator {

struct SessionContext {
  std::shared_ptr<RoundEngine> engine;
  StoreWorker* store = nullptr;
  const Clock* clock = nullptr;
  std::string run_id;
  protocol::FrameLimits limits;
  std::chrono::milliseconds hello_timeout{10000};
  std::chrono::milliseconds idle_timeout{120000};
  // A client's certificate (by fingerprint) connected (+1) or left (-1):
  // the live set behind /metrics and /api/clients; may be empty.
  std::function<void(const std::string& fingerprint, int delta)> on_connected_change;
};

class Session final : public ClientLink, public std::enable_shared_from_this<Session> {
 public:
  // The Listener's handler: runs the session until the client leaves.
  static protocol::awaitable<void> Serve(std::shared_ptr<protocol::Channel> channel,
                                         const SessionContext& context);

  Session(std::shared_ptr<protocol::Channel> channel, const SessionContext& context);

  const std::string& key() const override { return key_; }
  const std::string& name() const override { return name_; }
  const std::string& fingerprint() const override { return fingerprint_; }
  int64_t client_id() const override { return client_id_; }
  void SendFrame(Frame frame) override;
  void Send(protocol::Message message) override;
  void Close(std::string reason) override;

 private:
  protocol::awaitable<void> Run();
  protocol::awaitable<bool> Greet();
  void Register();
  // false: the session ends.
  protocol::awaitable<bool> Dispatch(protocol::Message& message);

  std::shared_ptr<protocol::Channel> channel_;
  SessionContext context_;
  std::string name_;
  std::string fingerprint_;
  std::string key_;
  int64_t client_id_ = 0;
  bool joined_ = false;  // the engine knows us (strand only)
  bool ended_ = false;   // Run has returned (strand only)
  std::atomic<bool> closing_{false};
};

}  // namespace fedq::coordinator
