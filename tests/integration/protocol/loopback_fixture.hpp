// Test support for the loopback TLS tests: a PKI made once per process in a
// temp dir (good, revoked, expired and foreign-CA clients), and a
// LoopbackServer that runs a Listener with a minimal coordinator-like session
// (Hello -> Welcome, Update -> Ack, Heartbeat echo, Bye) on its own io thread.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "protocol/client_connector.hpp"
#include "protocol/server.hpp"

namespace fedq::protocol::testing {

struct TestPki {
  std::filesystem::path root;
  TlsConfig server;           // CN localhost, SAN DNS:localhost IP:127.0.0.1
  TlsConfig good_client;      // "good"
  TlsConfig revoked_client;   // "revoked", on the revocation list
  TlsConfig expired_client;   // "expired", notAfter yesterday
  TlsConfig stranger_client;  // signed by another CA
  TlsConfig no_cert_client;   // trusts the CA, presents nothing
};

// Made on first use; aborts the test program if the PKI cannot be made.
const TestPki& SharedPki();

// A Heartbeat with this sequence makes the test session answer with a Task
// carrying kFloodBytes of model: more than loopback socket buffers hold.
inline constexpr uint64_t kFloodSequence = 0xF100D;
inline constexpr size_t kFloodBytes = 15u << 20;

struct SessionRecord {
  Status end;  // why the session ended (OK after Bye)
  PeerIdentity peer;
  bool welcomed = false;
};

class LoopbackServer {
 public:
  // `tls`: the server's TLS settings; SharedPki().server when not given.
  explicit LoopbackServer(ChannelOptions channel = {}, size_t max_connections = 64,
                          std::chrono::milliseconds handshake_timeout = std::chrono::seconds(5),
                          std::optional<TlsConfig> tls = std::nullopt);
  ~LoopbackServer();

  uint16_t port() const { return listener_->port(); }
  Listener& listener() { return *listener_; }
  asio::io_context& io() { return io_; }

  // Blocks until `n` sessions have ended (a safety cap of 20 s fails the test).
  std::vector<SessionRecord> WaitForSessions(size_t n);
  // Blocks until `predicate` holds (same safety cap).
  bool WaitUntil(const std::function<bool()>& predicate);

  // Runs a client coroutine on the server's io thread and waits for its result.
  template <typename T>
  T Run(awaitable<T> client) {
    std::promise<T> promise;
    auto future = promise.get_future();
    // Through a void coroutine: co_spawn's own completion needs a default T.
    asio::co_spawn(io_, Deliver(std::move(client), &promise), asio::detached);
    return future.get();
  }

 private:
  template <typename T>
  static awaitable<void> Deliver(awaitable<T> client, std::promise<T>* promise) {
    try {
      promise->set_value(co_await std::move(client));
    } catch (...) {
      promise->set_exception(std::current_exception());
    }
  }
  awaitable<void> Session(std::shared_ptr<Channel> channel);
  void Record(SessionRecord record);

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::shared_ptr<Listener> listener_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<SessionRecord> sessions_;
};

#define FEDQ_CO_RETURN_IF_ERROR(expr)                     \
  do {                                                    \
    ::fedq::Status fedq_co_status_ = (expr);              \
    if (!fedq_co_status_.ok()) co_return fedq_co_status_; \
  } while (0)

ClientConnector MakeConnector(const TlsConfig& tls, ChannelOptions channel = {});
Hello GoodHello();

// Connect, Hello -> Welcome, Update -> Ack, Bye. OK when all of it worked.
awaitable<Status> FullExchange(ClientConnector connector, uint16_t port);
// Connect and send Hello; the first message received (or the failure).
awaitable<Result<Message>> ConnectAndHello(ClientConnector connector, uint16_t port);
// Connect, send `bytes` raw, then Receive; the answer (or failure).
awaitable<Result<Message>> SendRawAndReceive(ClientConnector connector, uint16_t port,
                                             std::vector<uint8_t> bytes);

}  // namespace fedq::protocol::testing
