#include "protocol/client_connector.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include "protocol/operation_deadline.hpp"

namespace fedq::protocol {
namespace {

using boost::system::error_code;

std::string Target(const std::string& host, uint16_t port) {
  return host + ":" + std::to_string(port);
}

}  // namespace

ClientConnector::ClientConnector(ConnectorOptions options, std::shared_ptr<asio::ssl::context> tls)
    : options_(std::move(options)), tls_(std::move(tls)) {}

Result<ClientConnector> ClientConnector::Create(ConnectorOptions options) {
  FEDQ_ASSIGN_OR_RETURN(auto tls, MakeClientTlsContext(options.tls));
  return ClientConnector(std::move(options), std::move(tls));
}

awaitable<Result<tcp::socket>> ClientConnector::ConnectTcp(const std::string& host,
                                                           uint16_t port) const {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  tcp::socket socket(executor);
  OperationDeadline deadline(executor, options_.connect_timeout, [&resolver, &socket] {
    resolver.cancel();
    error_code ignored;
    socket.close(ignored);
  });
  error_code ec;
  const auto endpoints = co_await resolver.async_resolve(
      host, std::to_string(port), asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) {
    co_await asio::async_connect(socket, endpoints, asio::redirect_error(asio::use_awaitable, ec));
  }
  if (deadline.expired()) co_return Timeout("connecting to " + Target(host, port) + ": timed out");
  if (ec) co_return Unavailable("connecting to " + Target(host, port) + ": " + ec.message());
  socket.set_option(tcp::no_delay(true), ec);
  co_return std::move(socket);
}

awaitable<Result<std::shared_ptr<Channel>>> ClientConnector::Connect(std::string host,
                                                                     uint16_t port) const {
  Result<tcp::socket> socket = co_await ConnectTcp(host, port);
  if (!socket.ok()) co_return socket.status();
  Result<TlsSocket> created = TlsSocket::Create(std::move(socket).value(), *tls_);
  if (!created.ok()) co_return created.status();
  TlsSocket stream = std::move(created).value();
  const std::string& name = options_.tls.server_name.empty() ? host : options_.tls.server_name;
  if (Status s = ExpectServerName(stream.native_handle(), name); !s.ok()) co_return s;

  TlsSocket* s = &stream;
  OperationDeadline deadline(stream.get_executor(), options_.handshake_timeout, [s] {
    error_code ignored;
    s->socket().cancel(ignored);
  });
  const error_code ec = co_await stream.Handshake(TlsSocket::Role::kClient);
  if (deadline.expired())
    co_return Timeout("TLS handshake with " + Target(host, port) + ": timed out");
  if (ec) {
    const long verify = SSL_get_verify_result(stream.native_handle());
    std::string why = "TLS handshake with " + Target(host, port) + ": " + ec.message();
    if (verify != X509_V_OK) {
      why +=
          std::string(" (coordinator certificate: ") + X509_verify_cert_error_string(verify) + ")";
      co_return PermissionDenied(why);
    }
    co_return Unavailable(why);
  }
  co_return std::make_shared<Channel>(std::move(stream), options_.channel);
}

}  // namespace fedq::protocol
