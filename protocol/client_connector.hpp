// ClientConnector: the client's side of the wire. Resolves, connects and runs
// the TLS 1.3 handshake, each under a deadline, verifying the coordinator's
// certificate chain and name, and returns an authenticated Channel. Holds one
// TLS context for every reconnect; Connect may run on any executor, and
// concurrent Connects are fine (the context is immutable).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/status.hpp"
#include "protocol/asio.hpp"
#include "protocol/channel.hpp"
#include "protocol/tls_config.hpp"

namespace fedq::protocol {

struct ConnectorOptions {
  TlsConfig tls;  // tls.server_name: the name to verify; empty means the host connected to
  std::chrono::milliseconds connect_timeout{10000};  // resolve + TCP connect
  std::chrono::milliseconds handshake_timeout{10000};
  ChannelOptions channel;
};

class ClientConnector {
 public:
  static Result<ClientConnector> Create(ConnectorOptions options);

  // A Channel on the calling coroutine's executor. Errors: kTimeout,
  // kUnavailable (refused, unreachable), kPermissionDenied (certificate or
  // name check failed).
  awaitable<Result<std::shared_ptr<Channel>>> Connect(std::string host, uint16_t port) const;

 private:
  ClientConnector(ConnectorOptions options, std::shared_ptr<asio::ssl::context> tls);
  awaitable<Result<tcp::socket>> ConnectTcp(const std::string& host, uint16_t port) const;

  ConnectorOptions options_;
  std::shared_ptr<asio::ssl::context> tls_;
};

}  // namespace fedq::protocol
