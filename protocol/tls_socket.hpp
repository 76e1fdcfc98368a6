// TlsSocket: one TLS connection run by OpenSSL directly on a non-blocking TCP
// socket. Asio only waits for readiness; OpenSSL reads and writes the
// descriptor itself, so application bytes are not copied through a BIO pair
// in 17 KiB steps, and with read-ahead one recv brings many records. Owns
// the socket and the SSL object. Not thread-safe: use it from the socket's
// executor (one strand), with at most one read and one write in flight.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <span>

#include "common/status.hpp"
#include "protocol/asio.hpp"

namespace fedq::protocol {

class TlsSocket {
 public:
  enum class Role { kClient, kServer };
  using error_code = boost::system::error_code;

  // The connection's SSL object is made from `context` (which must outlive
  // the handshake only: OpenSSL keeps its own reference).
  static Result<TlsSocket> Create(tcp::socket socket, asio::ssl::context& context);

  TlsSocket(TlsSocket&&) noexcept = default;
  TlsSocket& operator=(TlsSocket&&) noexcept = default;

  awaitable<error_code> Handshake(Role role);
  // Reads exactly buffer.size() bytes. Peer closed: asio::error::eof, or
  // asio::ssl::error::stream_truncated without a TLS close_notify.
  awaitable<error_code> ReadExactly(asio::mutable_buffer buffer);
  // Writes the buffers in order, then flushes: the records of a small head
  // and a large body leave in the same sends.
  awaitable<error_code> WriteAll(std::span<const asio::const_buffer> buffers);

  // 0: OpenSSL reads one record at a time (a connection waiting to be
  // served then holds one record at most); n: up to n bytes per recv.
  // Takes effect at the next read that needs the socket.
  void SetReadAhead(std::size_t bytes);

  SSL* native_handle() const { return ssl_.get(); }
  tcp::socket& socket() { return socket_; }
  asio::any_io_executor get_executor() { return socket_.get_executor(); }

 private:
  struct SslFree {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
  };
  TlsSocket(tcp::socket socket, SSL* ssl) : socket_(std::move(socket)), ssl_(ssl) {}

  // After an SSL call returned <= 0: the readiness it waits for, or kNever
  // with the failure as an error code. Resume waits for that readiness
  // (its error, if any) or returns the failure.
  enum class Retry { kWhenReadable, kWhenWritable, kNever };
  struct Outcome {
    Retry retry;
    error_code failure;
  };
  Outcome Classify(int result) const;
  awaitable<error_code> Resume(Outcome outcome);

  // Declared first: destroyed last, after SSL_free, which does not close it.
  tcp::socket socket_;
  std::unique_ptr<SSL, SslFree> ssl_;
};

}  // namespace fedq::protocol
