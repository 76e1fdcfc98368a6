#include "protocol/server.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "protocol/operation_deadline.hpp"

namespace fedq::protocol {
namespace {

using boost::system::error_code;

std::string EndpointText(const tcp::socket& socket) {
  error_code ec;
  const auto ep = socket.remote_endpoint(ec);
  return ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
}

void LogUncaught(std::exception_ptr e, const char* where) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::error("{}: unexpected exception: {}", where, ex.what());
  } catch (...) {
    spdlog::error("{}: unexpected exception", where);
  }
}

}  // namespace

Listener::Listener(asio::any_io_executor executor, ListenerOptions options, SessionHandler handler,
                   std::shared_ptr<asio::ssl::context> tls,
                   std::shared_ptr<LiveRevocationList> revoked)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      handler_(std::move(handler)),
      tls_(std::move(tls)),
      revoked_(std::move(revoked)),
      acceptor_(executor_) {}

Result<std::shared_ptr<Listener>> Listener::Create(asio::any_io_executor executor,
                                                   ListenerOptions options,
                                                   SessionHandler handler) {
  FEDQ_ASSIGN_OR_RETURN(RevocationList revoked, LoadRevocations(options.tls));
  auto live = std::make_shared<LiveRevocationList>(std::move(revoked));
  FEDQ_ASSIGN_OR_RETURN(auto tls, MakeServerTlsContext(options.tls, live));
  auto listener = std::make_shared<Listener>(std::move(executor), std::move(options),
                                             std::move(handler), std::move(tls), std::move(live));
  FEDQ_RETURN_IF_ERROR(listener->Bind());
  return listener;
}

Status Listener::Bind() {
  error_code ec;
  const auto address = asio::ip::make_address(options_.address, ec);
  if (ec) return InvalidArgument("listen address '" + options_.address + "': " + ec.message());
  const tcp::endpoint endpoint(address, options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return IoError("cannot listen on " + options_.address + ":" + std::to_string(options_.port) +
                   ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint(ec).port();
  spdlog::info("listening on {}:{} (TLS 1.3, client certificates required)", options_.address,
               port_);
  return Status::Ok();
}

void Listener::Start() {
  asio::co_spawn(
      executor_, [self = shared_from_this()] { return self->AcceptLoop(); },
      [](std::exception_ptr e) { LogUncaught(e, "accept loop"); });
}

void Listener::Stop() {
  if (stopped_.exchange(true)) return;
  asio::post(executor_, [self = shared_from_this()] {
    error_code ec;
    self->acceptor_.close(ec);
  });
  std::lock_guard lock(mutex_);
  for (const auto& channel : channels_) {
    asio::post(channel->executor(), [channel] { channel->Close("listener stopping"); });
  }
}

Result<Listener::Reloaded> Listener::ReloadRevocations() {
  // At start a missing file is an empty list; now it would silently lift
  // every revocation (a file moved away by mistake).
  const std::filesystem::path& file = options_.tls.revocation_file;
  std::error_code ec;
  if (!file.empty() && !std::filesystem::exists(file, ec)) {
    return NotFound("revocation list " + file.string() + " is gone");
  }
  FEDQ_ASSIGN_OR_RETURN(RevocationList fresh, LoadRevocations(options_.tls));
  Reloaded done;
  done.revoked = fresh.size();
  std::vector<std::shared_ptr<Channel>> to_close;
  {
    // Under the lock that admits channels (RunSession): a channel whose
    // handshake passed against the old list is either in channels_ now, or
    // is admitted later and checked against the new list then.
    std::lock_guard lock(mutex_);
    const std::shared_ptr<const RevocationList> now = revoked_->Replace(std::move(fresh));
    for (const auto& channel : channels_) {
      if (now->Contains(channel->peer().sha256_fingerprint_hex)) to_close.push_back(channel);
    }
  }
  for (const auto& channel : to_close) {
    spdlog::warn("closing the session of CN='{}': its certificate is now revoked",
                 channel->peer().common_name);
    asio::post(channel->executor(), [channel] { channel->Close("certificate revoked"); });
  }
  done.channels_closed = to_close.size();
  return done;
}

ListenerStats Listener::stats() const {
  return {accepted_.load(), handshake_failures_.load(), refused_over_cap_.load(),
          sessions_started_.load(), active_.load()};
}

awaitable<void> Listener::AcceptLoop() {
  while (!stopped_) {
    error_code ec;
    tcp::socket socket(asio::make_strand(executor_));
    co_await acceptor_.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (stopped_ || ec == asio::error::operation_aborted) break;
      spdlog::warn("accept failed: {}", ec.message());  // e.g. out of descriptors: keep going
      continue;
    }
    ++accepted_;
    if (active_.load() >= options_.max_connections) {
      ++refused_over_cap_;
      spdlog::warn("refusing {}: {} connections open (max_connections)", EndpointText(socket),
                   active_.load());
      socket.close(ec);
      continue;
    }
    ++active_;
    auto strand = socket.get_executor();
    asio::co_spawn(
        strand, RunSession(std::move(socket)),
        [self = shared_from_this()](std::exception_ptr e) { LogUncaught(e, "session"); });
  }
  spdlog::info("listener on port {} stopped accepting", port_);
}

awaitable<bool> Listener::Handshake(TlsSocket& stream, const std::string& endpoint) {
  TlsSocket* s = &stream;
  OperationDeadline deadline(stream.get_executor(), options_.handshake_timeout, [s] {
    error_code ignored;
    s->socket().cancel(ignored);
  });
  const error_code ec = co_await stream.Handshake(TlsSocket::Role::kServer);
  if (!ec) co_return true;
  ++handshake_failures_;
  const long verify = SSL_get_verify_result(stream.native_handle());
  const std::string why = deadline.expired() ? "handshake timeout" : ec.message();
  spdlog::warn("refused {} at the TLS handshake: {}{}", endpoint, why,
               verify == X509_V_OK
                   ? ""
                   : std::string(" (certificate: ") + X509_verify_cert_error_string(verify) + ")");
  co_return false;
}

awaitable<void> Listener::RunSession(tcp::socket socket) {
  auto self = shared_from_this();  // the session keeps the listener alive
  const std::string endpoint = EndpointText(socket);
  Result<TlsSocket> stream = TlsSocket::Create(std::move(socket), *tls_);
  if (!stream.ok()) {
    ++handshake_failures_;
    spdlog::error("refused {}: {}", endpoint, stream.status().ToString());
  } else if (co_await Handshake(*stream, endpoint) && !stopped_) {
    auto channel = std::make_shared<Channel>(std::move(stream).value(), options_.channel);
    bool revoked_since_handshake = false;
    {
      std::lock_guard lock(mutex_);
      revoked_since_handshake =
          revoked_->current()->Contains(channel->peer().sha256_fingerprint_hex);
      if (!revoked_since_handshake) channels_.insert(channel);
    }
    if (revoked_since_handshake) {
      ++handshake_failures_;
      spdlog::warn("refused {}: certificate revoked during the handshake", endpoint);
      channel->Close("certificate revoked");
      --active_;
      co_return;
    }
    ++sessions_started_;
    spdlog::info("session {} CN='{}' sha256={} {}", endpoint, channel->peer().common_name,
                 channel->peer().sha256_fingerprint_hex, channel->peer().tls_cipher);
    try {
      co_await handler_(channel);
    } catch (const std::exception& e) {
      spdlog::error("session {}: handler threw: {}", endpoint, e.what());
    }
    channel->Close("session ended");
    std::lock_guard lock(mutex_);
    channels_.erase(channel);
  }
  --active_;
}

}  // namespace fedq::protocol
