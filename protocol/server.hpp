// Listener: the coordinator's side of the wire. Binds an address (port 0:
// the OS picks, port() tells), accepts, runs the TLS 1.3 handshake with a
// deadline (client certificate required, revoked ones refused), caps
// concurrent connections and hands each authenticated Channel to the session
// handler on its own strand. Lives in a shared_ptr; Stop() is idempotent and
// thread-safe; stats() is thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "common/status.hpp"
#include "protocol/asio.hpp"
#include "protocol/channel.hpp"
#include "protocol/tls_config.hpp"

namespace fedq::protocol {

struct ListenerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;
  TlsConfig tls;
  size_t max_connections = 1024;  // handshaking + established
  std::chrono::milliseconds handshake_timeout{10000};
  ChannelOptions channel;
};

struct ListenerStats {
  uint64_t accepted = 0;
  uint64_t handshake_failures = 0;  // no/bad/expired/revoked certificate, timeout, not TLS 1.3
  uint64_t refused_over_cap = 0;
  uint64_t sessions_started = 0;
  uint64_t active = 0;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Runs once per authenticated connection; the channel is closed when it returns.
  using SessionHandler = std::function<awaitable<void>(std::shared_ptr<Channel>)>;

  // Loads the TLS material and binds; nothing is accepted before Start().
  static Result<std::shared_ptr<Listener>> Create(asio::any_io_executor executor,
                                                  ListenerOptions options, SessionHandler handler);

  void Start();
  // Stops accepting and closes every open channel (handlers see errors).
  void Stop();

  // Reads the revocation file again. The new list applies from the next
  // handshake, and every open channel whose certificate it names is closed.
  // A file that is gone, cannot be read or does not parse changes nothing.
  // Thread-safe.
  struct Reloaded {
    std::size_t revoked = 0;          // fingerprints in the new list
    std::size_t channels_closed = 0;  // open channels it revoked
  };
  Result<Reloaded> ReloadRevocations();

  uint16_t port() const { return port_; }
  ListenerStats stats() const;

  // Public for make_shared; use Create.
  Listener(asio::any_io_executor executor, ListenerOptions options, SessionHandler handler,
           std::shared_ptr<asio::ssl::context> tls, std::shared_ptr<LiveRevocationList> revoked);

 private:
  Status Bind();
  awaitable<void> AcceptLoop();
  awaitable<void> RunSession(tcp::socket socket);
  awaitable<bool> Handshake(TlsSocket& stream, const std::string& endpoint);

  asio::any_io_executor executor_;
  ListenerOptions options_;
  SessionHandler handler_;
  std::shared_ptr<asio::ssl::context> tls_;
  std::shared_ptr<LiveRevocationList> revoked_;  // what tls_ checks against
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<bool> stopped_{false};

  mutable std::mutex mutex_;  // guards channels_ (sessions run on several strands)
  std::set<std::shared_ptr<Channel>> channels_;

  std::atomic<uint64_t> accepted_{0}, handshake_failures_{0}, refused_over_cap_{0},
      sessions_started_{0}, active_{0};
};

}  // namespace fedq::protocol
